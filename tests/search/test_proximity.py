"""Proximity: the candidates each backend narrows a proximity atom to never lose a text
that `near` accepts (a backend too narrow would lose hits silently: the Python check only
runs on the candidates), and they are narrow. On random texts in the real index tables of
a migrated database: SQLite's FTS5 NEAR window, PostgreSQL's tsquery of exact distances."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from tokkyo.search.grams import bigram_document
from tokkyo.search.index import backend_named
from tokkyo.search.postgres_grams import PostgresGramsBackend
from tokkyo.search.proximity import near, near_window
from tokkyo.store.engine import make_engine

ALPHABET = "アイウエ"           # few characters: every distance and overlap occurs often


@pytest.fixture
def texts_index(database_url):
    """2500 random texts in the backend's index (as unit keys 0..2499), on a connection
    the test reads them with."""
    rng = random.Random(20261122)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(2, 40)))
             for _ in range(2500)]
    engine = make_engine(database_url)
    backend = backend_named(engine.dialect.name)
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO search_fts(rowid, grams) VALUES (?, ?)",
                             [(i, bigram_document(t)) for i, t in enumerate(texts)])
    else:
        # the real table's rows belong to publications; a temporary table of the same
        # name comes first on the search path, for this connection
        conn.exec_driver_sql("CREATE TEMPORARY TABLE search_grams "
                             "(unit_key BIGINT PRIMARY KEY, grams TSVECTOR NOT NULL)")
        conn.exec_driver_sql("INSERT INTO search_grams VALUES (%s, %s::tsvector)",
                             [(i, backend.encode(t)) for i, t in enumerate(texts)])
    yield conn, backend, texts
    conn.close()
    engine.dispose()


def _keys(conn: sa.Connection, sub: sa.Subquery | None) -> set[int]:
    assert sub is not None
    return set(conn.execute(sa.select(sub.c.unit_key)).scalars())


def _chains(rng: random.Random, count: int) -> tuple[list[str], list[tuple[int, bool]]]:
    parts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 4)))
             for _ in range(count)]
    gaps = [(rng.randrange(0, 6), rng.random() < 0.5) for _ in range(count - 1)]
    return parts, gaps


@pytest.mark.parametrize("count", [2, 3])
def test_the_candidates_hold_every_match(texts_index, count):
    conn, backend, texts = texts_index
    rng = random.Random(count)
    exact = candidates = holding = 0
    for _ in range(150):
        parts, gaps = _chains(rng, count)
        found = _keys(conn, backend.near_units(parts, gaps))
        expected = {i for i, text in enumerate(texts) if near(text, parts, gaps)}
        assert expected <= found, (parts, gaps, sorted(expected - found)[:5])
        exact += expected == found
        candidates += len(found)
        holding += sum(all(p in text for p in parts) for text in texts)
    if isinstance(backend, PostgresGramsBackend) and count == 2:
        # each link's distances and order are exact: a chain of two parts is answered
        assert exact == 150
    # narrower than the texts holding every part, which is all an index without
    # positions could give (on these short texts of four letters most of those are
    # matches: SQLite keeps 89 % of them, PostgreSQL 69 % and 45 %)
    assert candidates < 0.95 * holding, (candidates, holding, exact)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("count", [2, 3])
def test_the_sqlite_window_is_tight(texts_index, count):
    conn, backend, texts = texts_index
    rng = random.Random(count)
    narrower = 0
    for _ in range(150):
        parts, gaps = _chains(rng, count)
        window = near_window(parts, [d for d, _ in gaps])
        assert _keys(conn, backend.near_units(parts, gaps)) == _keys(
            conn, backend.within(parts, window))
        expected = {i for i, text in enumerate(texts) if near(text, parts, gaps)}
        one_less = _keys(conn, backend.within(parts, window - 1)) if window else set()
        narrower += expected <= one_less
    # one token less loses a match for many chains of two parts (about half of them:
    # with a part of one character the window is one token wider)
    if count == 2:
        assert 150 - narrower >= 50


def test_the_window_counts_gaps_and_middle_parts():
    assert near_window(["ウェーハ", "分割"], [5]) == 6
    assert near_window(["リチウム", "電池", "正極"], [5, 1]) == 6 + 2 + 2


def test_postgresql_leaves_wide_distances_to_the_python_check():
    backend = PostgresGramsBackend()
    assert backend.near_units(["ウェーハ", "分割"], [(10, False)]) is not None   # 22
    assert backend.near_units(["ウェーハ", "分割"], [(20, True)]) is not None    # 21
    assert backend.near_units(["ウェーハ", "分割"], [(20, False)]) is None       # 42
    assert backend.near_units(["加工", "分割", "ウェーハ"], [(5, False), (5, True)]) is not None
    assert backend.near_units(["加工", "分割", "ウェーハ"], [(99, True), (0, True)]) is None
