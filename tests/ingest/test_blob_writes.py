"""Reading in the ingest process writes blob files on a thread beside it: every blob a
committed batch names is on disk, and a blob that cannot be written stops the ingest
before the batch that would name it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, table_counts
from tokkyo.ingest.errors import IngestStopped
from tokkyo.ingest.items import walk
from tokkyo.ingest.service import Ingestor
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.tables import blobs


def _ingestor(db, store, batch_size=2):
    return Ingestor(db.engine, store, batch_size=batch_size, workers=0)


def test_every_blob_a_batch_names_is_stored(sqlite_db):
    report = _ingestor(sqlite_db, sqlite_db.blobs).run(walk([GAZETTE]))
    assert report.counts == {"loaded": 3}
    with sqlite_db.engine.connect() as conn:
        named = conn.execute(sa.select(blobs.c.sha256, blobs.c.size)).all()
    assert len(named) == 3
    for sha, size in named:
        stat = sqlite_db.blobs.stat(sha)
        assert stat is not None and stat.size == size


class _DiskFull(LocalBlobStore):
    def put(self, data: bytes) -> str:
        raise OSError(28, "No space left on device")


def test_a_blob_that_cannot_be_written_stops_the_ingest_first(sqlite_db, tmp_path):
    before = table_counts(sqlite_db.engine)
    with pytest.raises(IngestStopped, match=r"the disk is full: .*\(No space left on device\)"):
        _ingestor(sqlite_db, _DiskFull(tmp_path / "full")).run(walk([GAZETTE]))
    assert table_counts(sqlite_db.engine) == before
