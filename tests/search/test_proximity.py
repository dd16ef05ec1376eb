"""Proximity: the window the SQLite backend narrows candidates with never loses a text
that `near` accepts (a window too narrow would lose hits silently: the Python check only
runs on the candidates), and it is narrower than the old, generous one."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from tokkyo.search.criteria import near_window
from tokkyo.search.grams import bigram_document
from tokkyo.search.proximity import near
from tokkyo.search.sqlite_fts import SqliteFtsBackend

ALPHABET = "アイウエ"           # few characters: every distance and overlap occurs often


@pytest.fixture(scope="module")
def texts_index():
    rng = random.Random(20261122)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(2, 40)))
             for _ in range(2500)]
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE search_fts USING fts5("
                             "grams, content='', columnsize=0, tokenize='ascii')")
        conn.exec_driver_sql("INSERT INTO search_fts(rowid, grams) VALUES (?, ?)",
                             [(i, bigram_document(t)) for i, t in enumerate(texts)])
    yield engine, texts
    engine.dispose()


def _candidates(engine: sa.Engine, parts: list[str], window: int) -> set[int]:
    sub = SqliteFtsBackend().near_units(parts, window)
    assert sub is not None
    with engine.connect() as conn:
        return set(conn.execute(sa.select(sub.c.unit_key)).scalars())


@pytest.mark.parametrize("count", [2, 3])
def test_the_window_holds_every_match(texts_index, count):
    engine, texts = texts_index
    rng = random.Random(count)
    narrower = 0
    for _ in range(150):
        parts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 4)))
                 for _ in range(count)]
        gaps = [(rng.randrange(0, 6), rng.random() < 0.5) for _ in range(count - 1)]
        window = near_window(parts, [d for d, _ in gaps])
        found = _candidates(engine, parts, window)
        expected = {i for i, text in enumerate(texts) if near(text, parts, gaps)}
        assert expected <= found, (parts, gaps, sorted(expected - found)[:5])
        one_less = _candidates(engine, parts, window - 1) if window else found
        narrower += expected <= one_less
    # the window is tight: one token less loses a match for many chains of two parts
    # (about half of them: with a part of one character the window is one token wider)
    if count == 2:
        assert 150 - narrower >= 50


def test_the_window_counts_gaps_and_middle_parts():
    assert near_window(["ウェーハ", "分割"], [5]) == 6
    assert near_window(["リチウム", "電池", "正極"], [5, 1]) == 6 + 2 + 2
