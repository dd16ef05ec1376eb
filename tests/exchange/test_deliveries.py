"""Deliveries from partner offices, received through the inbox and loaded through ingest,
on SQLite and PostgreSQL (exchange.md §4–§6): real corpus files (EP, US, CN, DOCDB, ST.96)
copied into inbox folders with manifests built here.

A delivery loads and is searchable; re-delivering it changes nothing (`already-loaded`,
files `duplicate`); a revision upserts; a DOCDB delete removes exactly one record; a bad
checksum, a manifest entry with no file, a traversal member in a ZIP and a quarantined
file under all-or-nothing each give their state and report, and the store's data tables
hold exactly what the loaded files hold (row counts before and after)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FOREIGN, fresh_database, index_due, searched, table_counts
from tests.search.test_foreign_search import hits
from tokkyo.exchange import deliveries, partners, schedule
from tokkyo.exchange.schedule import Places
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import publications, sources

EP_GRANT = FOREIGN / "ep" / "grant" / "v1-5-B1.xml"
US_GRANT = FOREIGN / "us" / "xml2014" / "US08926509.xml"
CN_NEW = FOREIGN / "cn" / "cn_new1.xml"
ST96 = FOREIGN / "st96" / "wipo_st96_v6_examples" / "PatentPublication_Example.xml"
DOCDB = FOREIGN / "docdb" / "DE-backfile.xml"
QUIET = schedule.DEFAULT_QUIET


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Database, Places]]:
    """One store per backend for the module; each test has partners of its own and
    files no other test delivers (a file's identity is its SHA-256 store-wide)."""
    folder = tmp_path_factory.mktemp(f"exchange-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        db = searched(Database(make_engine(url), LocalBlobStore(folder / "blobs")),
                      folder / "search")
        try:
            yield db, Places.under(folder / "data")
        finally:
            db.close()


def partner(db: Database, code: str, **agreement: str) -> None:
    with db.transaction() as conn:
        partners.add_partner(conn, code)
        partners.add_agreement(conn, code, {
            "direction": "receive", "right": "patent", "product": "publication data",
            "content": "text", "format": "XML", "frequency": "weekly", "transport": "inbox",
            **agreement})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def deliver(places: Places, code: str, delivery: str, files: dict[str, bytes], *,
            manifest: str | None = "json", lie: dict[str, dict[str, object]] | None = None,
            extra: dict[str, bytes] | None = None) -> Path:
    """A delivery in the partner's inbox: its files, a manifest of them (`lie` changes
    an entry or adds one), `extra` files the manifest does not describe, READY last."""
    folder = places.inbox(code) / delivery
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    entries = {name: {"name": name, "bytes": len(data), "sha256": sha(data), "records": 1}
               for name, data in files.items()}
    for name, change in (lie or {}).items():
        entries[name] = {**entries.get(name, {"name": name, "records": 1}), **change}
    if manifest == "json":
        (folder / "manifest.json").write_text(json.dumps(
            {"format": "tokkyo-manifest", "version": 1, "delivery": delivery,
             "files": list(entries.values())}), "utf-8")
    elif manifest == "csv":
        lines = ["file,bytes,sha256,records"] + [
            f"{e['name']},{e.get('bytes', '')},{e.get('sha256', '')},{e['records']}"
            for e in entries.values()]
        (folder / "manifest.csv").write_text("\n".join(lines) + "\n", "utf-8")
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    (folder / "READY").write_bytes(b"")
    return folder


def run(db: Database, places: Places) -> list[deliveries.Received]:
    result = schedule.run_due(db, places, secret=None, quiet=QUIET)
    assert not any(p.failures or p.busy for p in result.partners)
    return [r for p in result.partners for r in p.received]


def data_counts(db: Database) -> dict[str, int]:
    """Rows in every table but exchange's own records and the ingest log."""
    return {name: n for name, n in table_counts(db.engine).items()
            if not name.startswith("exchange_")}


def file_states(received: deliveries.Received) -> dict[str, str]:
    return {f["name"]: f["state"] for f in received.report["files"]}


def test_delivery_loads_searchable_redelivery_no_op_revision_upserts(store):
    db, places = store
    partner(db, "EP")
    files = {p.name: p.read_bytes() for p in (EP_GRANT, US_GRANT, CN_NEW, ST96)}
    deliver(places, "EP", "ep-2024-01", files)
    [first] = run(db, places)
    assert (first.state, first.revision, first.delivery) == ("loaded", 1, "ep-2024-01")
    assert set(file_states(first).values()) == {"loaded"}
    assert first.report["documents"]["loaded"] == 4
    assert not places.inbox("EP").joinpath("ep-2024-01").exists()       # moved on
    assert (places.received("EP") / f"ep-2024-01.{first.id}" / EP_GRANT.name).is_file()
    index_due(db)
    assert ("EP", "B1", "3404678") in hits(db, "voltage/TI*EP/CC")
    with db.transaction() as conn:
        shown = deliveries.show_delivery(conn, first.id)
    by_number = {d["number"]: d for d in shown["documents"]}
    ep = by_number["3404678"]
    assert ep["kind"] == "B1" and ep["outcome"] == "loaded"
    # an EP B document carries no abstract (exchange.md §7); claims and description it has
    assert ep["sections_present"].split(",") == ["bibliography", "claims", "description",
                                             "drawings"]
    assert ep["bibliographic_only"] is False and ep["publication_date"] == "2021-06-30"

    before = data_counts(db)
    deliver(places, "EP", "ep-2024-01", files)
    [again] = run(db, places)
    assert (again.state, again.revision) == ("already-loaded", 1)
    assert set(file_states(again).values()) == {"duplicate"}
    assert data_counts(db) == before

    changed = dict(files)
    changed[US_GRANT.name] = files[US_GRANT.name].replace(
        b"Wireless physiological sensor patches and systems",
        b"Wireless physiological sensor patches and systems, revised")
    deliver(places, "EP", "ep-2024-01", changed)
    [revision] = run(db, places)
    assert (revision.state, revision.revision) == ("loaded", 2)
    states = file_states(revision)
    assert states.pop(US_GRANT.name) == "loaded"
    assert set(states.values()) == {"duplicate"}
    after = data_counts(db)
    assert after["publications"] == before["publications"]     # upserted, not added
    assert after["sources"] == before["sources"] + 1           # the earlier version kept
    with db.engine.connect() as conn:
        title = conn.execute(sa.select(publications.c.title)
                             .where(publications.c.country == "US",
                                    publications.c.number == "8926509")).scalar_one()
        versions = conn.execute(sa.select(sa.func.count()).select_from(sources)
                                .where(sources.c.key.like("%US/%8926509%"))).scalar_one()
    assert title.endswith("revised") and versions == 2


def docdb_with_delete(data: bytes) -> bytes:
    return data.replace(b'doc-number="1258189" kind="B"',
                        b'doc-number="1258189" kind="B" status="D"', 1)


def statistics(rows: list[tuple[str, int]]) -> bytes:
    """A DOCDB statistics file announcing `rows` (status, count) of DE B documents."""
    total = sum(n for _, n in rows)
    lines = [f"DOCA095,202407,DOCDB-202407,{total},{len(rows)}",
             "Status,NrOfPNStatus,CC,KC,FirstPN,LastPN,FirstPubDate,LastPubDate,NrOfPN"]
    lines += [f"{status},{n},DE,B,1258188,1258197,19680104,19680104,{n}"
              for status, n in rows]
    return "\r".join(lines).encode("ascii") + b"\r"


def test_docdb_delete_removes_exactly_one_record(store):
    db, places = store
    partner(db, "DE", format="DOCDB")
    original = DOCDB.read_bytes()
    folder = deliver(places, "DE", "docdb-202407-009", {"DE-0074.xml": original},
                     manifest=None)
    (folder / "statistics_202407.csv").write_bytes(statistics([("C", 10)]))
    [first] = run(db, places)
    assert first.state == "loaded" and first.report["manifest"] == "docdb-statistics"
    assert first.report["problems"] == []           # the counts agree with the statistics
    before = data_counts(db)

    folder = deliver(places, "DE", "docdb-202408-001",
                     {"DE-0075.xml": docdb_with_delete(original)}, manifest=None)
    (folder / "statistics_202408.csv").write_bytes(statistics([("C", 9), ("D", 1)]))
    [second] = run(db, places)
    assert second.state == "loaded" and second.report["documents"]["deleted"] == 1
    assert data_counts(db)["publications"] == before["publications"] - 1
    with db.engine.connect() as conn:
        numbers = set(conn.execute(sa.select(publications.c.number)
                                   .where(publications.c.country == "DE")).scalars())
    assert "1258189" not in numbers and len(numbers) == 9
    with db.transaction() as conn:
        shown = deliveries.show_delivery(conn, second.id)
    deleted = [d for d in shown["documents"] if d["outcome"] == "deleted"]
    assert [(d["country"], d["kind"], d["number"]) for d in deleted] == [("DE", "B",
                                                                          "1258189")]


def test_bad_checksum_quarantines_that_file_only(store):
    db, places = store
    partner(db, "US")
    good = FOREIGN / "us" / "xml2006" / "US07272630B2.xml"
    bad = FOREIGN / "us" / "xml2004" / "US06859910.xml"
    files = {good.name: good.read_bytes(), bad.name: bad.read_bytes()}
    before = data_counts(db)
    deliver(places, "US", "us-2024-07", files, manifest="csv",
            lie={bad.name: {"sha256": "0" * 64}})
    [received] = run(db, places)
    assert received.state == "partially-loaded"
    assert file_states(received) == {good.name: "loaded", bad.name: "quarantined"}
    [error] = [f["error"] for f in received.report["files"] if "error" in f]
    assert error["code"] == "checksum-mismatch"
    assert error["message"] == (f"{bad.name} has SHA-256 {sha(files[bad.name])}, the "
                                f"manifest says {'0' * 64}")
    assert data_counts(db)["publications"] == before["publications"] + 1


def test_manifest_entry_without_file_rejects_the_delivery(store):
    db, places = store
    partner(db, "CN")
    present = FOREIGN / "cn" / "cn_old1.xml"
    before = data_counts(db)
    deliver(places, "CN", "cn-2024-02", {present.name: present.read_bytes()},
            lie={"cn_old9.xml": {"bytes": 100, "sha256": "a" * 64}})
    [received] = run(db, places)
    assert received.state == "rejected"
    assert file_states(received) == {present.name: "held-back"}
    assert received.report["problems"] == [
        "the manifest lists file(s) the delivery does not hold: cn_old9.xml"]
    assert data_counts(db) == before


def test_traversal_member_in_a_zip_quarantines_the_archive(store, tmp_path):
    db, places = store
    partner(db, "WO")
    inside = FOREIGN / "ep" / "application" / "v1-3-A1.xml"
    good = FOREIGN / "ep" / "grant" / "v1-4-B1.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok/v1-3-A1.xml", inside.read_bytes())
        archive.writestr("../../escaped.xml", inside.read_bytes())
    before = data_counts(db)
    deliver(places, "WO", "wo-2024-03", {"weekly.zip": buffer.getvalue(),
                                         good.name: good.read_bytes()})
    [received] = run(db, places)
    assert received.state == "partially-loaded"
    assert file_states(received) == {"weekly.zip": "quarantined", good.name: "loaded"}
    [error] = [f["error"] for f in received.report["files"] if "error" in f]
    assert error["code"] == "zip-traversal"
    assert error["message"] == ("weekly.zip: member '../../escaped.xml' leaves the archive "
                                "(an absolute path or '..')")
    assert data_counts(db)["publications"] == before["publications"] + 1
    assert not any(places.root.parent.rglob("escaped.xml"))


def test_all_or_nothing_holds_back_the_whole_delivery(store):
    db, places = store
    partner(db, "SG", all_or_nothing="yes")
    good = FOREIGN / "ep" / "application" / "v1-5-A1.xml"
    malformed = FOREIGN / "ep" / "application" / "v1-2-A1.xml"     # a bare & at 93:36
    before = data_counts(db)
    deliver(places, "SG", "sg-2024-05", {good.name: good.read_bytes(),
                                         malformed.name: malformed.read_bytes()})
    [received] = run(db, places)
    assert received.state == "quarantined"
    assert file_states(received) == {good.name: "held-back", malformed.name: "quarantined"}
    [error] = [f["error"] for f in received.report["files"] if "error" in f]
    assert (error["code"], error["line"], error["column"]) == ("xml-not-well-formed", 93, 36)
    assert received.report["documents"]["held-back"] == 1
    assert data_counts(db) == before
    # the held-back file was not loaded: delivered again in a sound delivery, it loads
    deliver(places, "SG", "sg-2024-06", {good.name: good.read_bytes()})
    [again] = run(db, places)
    assert again.state == "loaded" and file_states(again) == {good.name: "loaded"}


def test_import_of_a_folder_without_manifest(store, tmp_path):
    db, _places = store
    partner(db, "AP")
    medium = tmp_path / "disk-2024"
    medium.mkdir()
    shutil.copy(FOREIGN / "docdb" / "AP-1206-A_302101161.xml", medium)
    received = deliveries.receive(db, "AP", medium, origin="import",
                                  delivery_key=medium.name)
    assert (received.state, received.delivery) == ("loaded", "disk-2024")
    assert received.report["manifest"] == "no-manifest"
    assert (medium / "AP-1206-A_302101161.xml").is_file()      # the medium is left as is


def test_an_unreadable_manifest_rejects_the_delivery(store, tmp_path):
    db, _places = store
    partner(db, "VN")
    folder = tmp_path / "vn-2024-01"
    folder.mkdir()
    shutil.copy(FOREIGN / "cn" / "cn_old4.xml", folder)
    (folder / "manifest.csv").write_text("name,size\ncn_old4.xml,3\n", "utf-8")
    before = data_counts(db)
    received = deliveries.receive(db, "VN", folder, origin="import", delivery_key="vn-1")
    assert received.state == "rejected"
    assert received.report["problems"] == [
        "manifest.csv: the first line must be file,bytes,sha256,records"]
    assert file_states(received) == {"cn_old4.xml": "held-back"}
    assert data_counts(db) == before
