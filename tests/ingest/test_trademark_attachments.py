"""A trademark gazette travels with the files its ENTITY declarations name (the mark
image): from a folder or a ZIP they are stored with it, never quarantined as files of an
unknown format; a named file the delivery lacks is reported and the gazette still loads.
On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import TRADEMARK_GAZETTES, ingest
from tokkyo.store.tables import publication_files, publications

GAZETTE = TRADEMARK_GAZETTES / "TRADEMARK(5721010).SGM"


def _named_files(path: Path) -> list[str]:
    return re.findall(rb'<!ENTITY\s+\S+\s+SYSTEM\s+"([^"]+)"\s+NDATA', path.read_bytes())


def _stored(db) -> list[tuple[str, str | None]]:
    with db.engine.connect() as conn:
        return [(r.name, r.blob_sha256) for r in conn.execute(
            sa.select(publication_files.c.name, publication_files.c.blob_sha256)
            .join(publications, publications.c.id == publication_files.c.publication_id)
            .where(publications.c.number == "5721010")
            .order_by(publication_files.c.position))]


def test_a_folder_gazette_and_its_image_load_together(db, tmp_path: Path):
    [name] = [n.decode() for n in _named_files(GAZETTE)]
    folder = tmp_path / "delivery"
    folder.mkdir()
    (folder / GAZETTE.name).write_bytes(GAZETTE.read_bytes())
    image = (TRADEMARK_GAZETTES / name).read_bytes()
    (folder / name).write_bytes(image)
    report = ingest(db, folder)
    assert [(Path(o.name).name, o.status) for o in report.outcomes] == [
        (GAZETTE.name, "loaded")]
    assert _stored(db) == [(name, hashlib.sha256(image).hexdigest())]


def test_a_zip_gazette_and_its_image_load_together(db, tmp_path: Path):
    [name] = [n.decode() for n in _named_files(GAZETTE)]
    archive = tmp_path / "delivery.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(f"week/{GAZETTE.name}", GAZETTE.read_bytes())
        z.writestr(f"week/{name}", (TRADEMARK_GAZETTES / name).read_bytes())
    archive.write_bytes(buffer.getvalue())
    report = ingest(db, archive)
    assert [o.status for o in report.outcomes] == ["loaded"]
    assert [n for n, sha in _stored(db) if sha] == [name]


def test_a_missing_image_is_reported_and_the_gazette_loads(db, tmp_path: Path):
    [name] = [n.decode() for n in _named_files(GAZETTE)]
    path = tmp_path / GAZETTE.name
    path.write_bytes(GAZETTE.read_bytes())
    [outcome] = ingest(db, path).outcomes
    assert outcome.status == "loaded"
    assert f"{path}: the gazette names {name}, which is not in the delivery" in outcome.problems
    assert _stored(db) == [(name, None)]
