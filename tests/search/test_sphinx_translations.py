"""Stored translations on a sphinx cluster as the store's search engine (attached, fed
through the outbox like tantivy in tests/translate/test_accumulate.py): found by scope,
marked, and swapped per document on a version change: until the index worker writes the
new translation the old one is what search finds, and a reader during the swap sees
every document, old or new, never neither."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FOREIGN, index_due, ingest
from tests.sphinx_cluster import SphinxCluster, sphinx_cluster  # noqa: F401 - the fixture
from tests.swap import seen_during
from tests.translate.test_accumulate import about_peptides, english, hits, platform
from tokkyo.search import outbox
from tokkyo.search import service as search_service
from tokkyo.search.backends.sphinx import SphinxBackend
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.translate import accumulate


@pytest.fixture
def store(database_url: str, tmp_path: Path,
          sphinx_cluster: SphinxCluster) -> Iterator[tuple[Database, SphinxBackend]]:  # noqa: F811
    backend = sphinx_cluster.backend()
    backend.clear()
    database = Database(make_engine(database_url), LocalBlobStore(tmp_path / "blobs"))
    search_service.attach(database.engine, backend)
    report = ingest(database, FOREIGN / "ep" / "grant")
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    index_due(database)
    yield database, backend
    backend.close()
    database.close()


def test_scopes_marks_and_the_swap_on_a_version_change(
        store: tuple[Database, SphinxBackend]) -> None:
    db, backend = store
    assert search_service.bound(db.engine) is not None
    assert hits(db, "ペプチド/TX") == (set(), set())           # nothing translated yet
    accumulate.run(db, platform("1", "ペプチド"))
    index_due(db)
    peptides = about_peptides(db)
    assert peptides and hits(db, "ペプチド/TI") == (peptides, peptides)
    both, marked = hits(db, "ペプチド/TX")
    assert both >= peptides and marked == both
    assert hits(db, "ペプチド/TX", "translation") == (both, both)
    assert hits(db, "ペプチド/TX", "original") == (set(), set())
    original, marked_original = hits(db, "peptide/TX", "original")
    assert original and marked_original == set()
    check = outbox.check(db.engine, backend)
    assert check.agrees and check.sampled == check.store and not check.stale

    report = accumulate.run(db, platform("2", "ペプタイド"))
    assert report.requeued == report.publications == len(english(db))
    # stored, not yet indexed: the old translation is still what search finds
    assert hits(db, "ペプチド/TI")[0] == peptides
    assert hits(db, "ペプタイド/TI")[0] == set()

    seen = seen_during(lambda: hits(db, "ペプチド/TI+ペプタイド/TI")[0],
                       lambda: index_due(db))
    assert len(seen) >= 2 and all(s == peptides for s in seen)
    assert hits(db, "ペプタイド/TI") == (peptides, peptides)
    assert hits(db, "ペプチド/TI") == (set(), set())
