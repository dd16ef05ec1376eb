"""Every engine answers the recorded oracle (tests/search/oracle.py): 400 generated
queries over the sample corpus (text of one to four characters, names, codes and
prefixes, numbers, dates, statuses, countries, kinds, proximity, folds, AND / OR /
AND-NOT, every screen and order), with the totals and hits the SQL engine gave."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import fresh_database
from tests.search.oracle import ORACLE, SEED, answer, generate, load_samples
from tokkyo.search import outbox
from tokkyo.search.backends.tantivy import TantivyBackend
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

RECORDED = json.loads(ORACLE.read_text("utf-8"))["queries"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tantivy_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[tuple[Database, TantivyBackend]]:
    folder = tmp_path_factory.mktemp(f"oracle-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        db = Database(make_engine(url), LocalBlobStore(folder / "blobs"))
        try:
            load_samples(db)
            backend = TantivyBackend(folder / "search")
            outbox.drain(db.engine, backend)
            yield db, backend
        finally:
            db.close()


def test_tantivy_gives_the_recorded_answers(tantivy_store):
    db, backend = tantivy_store
    wrong = []
    with db.engine.connect() as conn:
        for entry in RECORDED:
            query = {k: entry[k] for k in ("expression", "law", "folds", "sort")}
            got = answer(conn, backend, query)
            if got != {"total": entry["total"], "hits": entry["hits"]}:
                wrong.append(f"{query}: {got['total']} {got['hits'][:5]}, recorded "
                             f"{entry['total']} {entry['hits'][:5]}")
    assert not wrong, f"{len(wrong)} of {len(RECORDED)} differ:\n" + "\n".join(wrong[:20])


@pytest.mark.parametrize("tantivy_store", ["sqlite"], indirect=True)
def test_the_recorded_queries_are_what_generate_makes(tantivy_store):
    """The oracle file's queries are still the seeded generator's over the sample store
    (on SQLite, where they were recorded: the generator draws from rows in the order the
    database gives them): the recorded answers belong to these queries on this corpus,
    not to an edited list."""
    db, _backend = tantivy_store
    with db.engine.connect() as conn:
        made = list(generate(conn, len(RECORDED), SEED))
    assert made == [{k: e[k] for k in ("expression", "law", "folds", "sort")}
                    for e in RECORDED]
