"""Filings in the store and the service the operators' pages call, on SQLite and
PostgreSQL: packages found in folders and ZIPs, what a part of a package alone is, and
the application number the office gives a filing (linking it to a publication already
stored, refusing a number that is not one or is another filing's)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, ingest
from tests.efiling.applications import CLEAN, images, replace, template_html
from tokkyo.efiling import service as efiling
from tokkyo.efiling import xml_writer
from tokkyo.filings import service
from tokkyo.filings.errors import FilingNotFound, NumberRefused
from tokkyo.ingest import filing_package
from tokkyo.ingest.detect import Format, detect
from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.items import walk
from tokkyo.store.tables import filings


def package(reference: str = "P2026-001") -> dict[str, bytes]:
    lines = replace(CLEAN, "【整理番号】P2026-001", f"【整理番号】{reference}")
    result = efiling.check(efiling.Upload("a.htm", template_html(lines), images()))
    return efiling.convert(result)


def write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in reversed(list(files.items())):
            archive.writestr(f"{folder}{name}", data)
    return out.getvalue()


def test_packages_are_one_item_each_in_folders_and_zips(tmp_path):
    first, second = package("P-1"), package("P-2")
    write(tmp_path / "in" / "one", first)
    write(tmp_path / "in" / "two", second)
    (tmp_path / "in" / "notes.json").write_text("{}")
    archive = tmp_path / "both.zip"
    archive.write_bytes(zipped(first, "x/"))
    with zipfile.ZipFile(archive, "a") as z:
        for name, data in second.items():
            z.writestr(f"y/{name}", data)
    items = {i.name: i for i in walk([tmp_path / "in", archive])}
    assert sorted(items) == sorted([str(tmp_path / "in" / "one"), str(tmp_path / "in" / "two"),
                                    str(tmp_path / "in" / "notes.json"), f"{archive}!x",
                                    f"{archive}!y"])
    for name in (str(tmp_path / "in" / "one"), f"{archive}!x"):
        assert detect(name, items[name].data) is Format.EFILING
        assert filing_package.fingerprint(items[name].data) == filing_package.fingerprint(
            zipped(first))
    # a ZIP that is one package is read as it is
    alone = tmp_path / "alone.zip"
    alone.write_bytes(zipped(first))
    [item] = walk([alone])
    assert (item.name, item.data) == (str(alone), alone.read_bytes())


def test_ingest_knows_the_names_and_limit_efiling_writes_and_takes():
    assert (filing_package.BIBL, filing_package.BODY, filing_package.MAX_UNPACKED) == (
        xml_writer.BIBL, xml_writer.BODY, efiling.MAX_UNPACKED)


def test_a_part_alone_is_refused_but_a_dossier_document_is_not_taken_for_one():
    files = package()
    with pytest.raises(Rejected) as refused:
        detect("x/JPOXMLDOC01-appb.xml", files["JPOXMLDOC01-appb.xml"])
    assert refused.value.reason == (
        "x/JPOXMLDOC01-appb.xml: the body (JPOXMLDOC01-appb.xml) of an e-filing package "
        "alone; ingest the package's folder or ZIP, which holds JPOXMLDOC01-jpbibl.xml and "
        "JPOXMLDOC01-appb.xml together")
    # in a dossier ZIP's document folder (CODE_NUMBER/) it is a dossier document
    assert detect("A163_52400900476/JPOXMLDOC01-jpbibl.xml",
                  files["JPOXMLDOC01-jpbibl.xml"]) is Format.DOCUMENT


def test_the_office_number_links_a_filing_to_a_publication_already_stored(db, tmp_path):
    assert ingest(db, write(tmp_path / "a", package("P-1")), write(tmp_path / "b",
                                                                   package("P-2")), GAZETTE).ok
    with db.engine.begin() as conn:
        (first, second), total = service.listing(conn)
        assert total == 2 and {first.reference, second.reference} == {"P-1", "P-2"}
        row = service.assign_number(conn, first.id, "特願２０１９－１６５３２９")
        assert (row.application_number, row.publication_number, str(row.published_on)) == (
            "2019165329", "2021044377", "2021-03-18")
        assert row.application_id is not None
        assert service.assign_number(conn, first.id, "2019165329") == row    # the same again
        with pytest.raises(NumberRefused) as taken:
            service.assign_number(conn, second.id, "2019165329")
        assert str(taken.value) == ("application number 2019165329 is already filing "
                                    f"{first.id}'s (整理番号 {first.reference})")
        with pytest.raises(NumberRefused) as other:
            service.assign_number(conn, first.id, "2020123456")
        assert str(other.value) == (f"filing {first.id} already has application number "
                                    "2019165329")
        with pytest.raises(NumberRefused) as wrong:
            service.assign_number(conn, second.id, "特開2021-044377")
        assert str(wrong.value).startswith("特開2021-044377: not an application number (")
        with pytest.raises(FilingNotFound, match="no filing 999"):
            service.assign_number(conn, 999, "2020123456")
        assert conn.execute(sa.select(filings.c.application_number)
                            .where(filings.c.id == second.id)).scalar_one() is None
    with db.engine.connect() as conn:
        opened = service.open_filing(conn, db.blobs, second.id)
    assert opened.result.ok and sorted(opened.files) == sorted(package())


def test_a_package_whose_folder_leaves_the_zip_is_refused_file_by_file(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in package().items():
            z.writestr(f"../up/{name}", data)
        z.writestr("notes.json", b"{}")
    items = list(walk([archive]))
    assert [(i.name, i.error) for i in items if i.error] == [
        (f"{archive}!../up/{name}", f"{archive}!../up/{name}: zip-traversal: the member's "
         "name leaves the archive (an absolute path or '..'); not read")
        for name in sorted(package())]
