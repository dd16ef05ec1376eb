"""Substring search over the bigram index, on SQLite FTS5 and PostgreSQL tsvector."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import GAZETTE, ingest
from tests.ingest.builders import EXAMPLE1, retitled_copy
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.readers import parse
from tokkyo.search import grams
from tokkyo.search.index import find
from tokkyo.search.normalize import normalise_name, normalise_text
from tokkyo.search.units import unit_key, unit_ref
from tokkyo.store.repositories import publications

TITLES = ["リチウムイオン二次電池の正極材料", "燃料電池用セパレータ", "電池"]


@pytest.fixture
def three_titles(db, tmp_path):
    """Three real documents retitled with the portal spec's example titles (portal.md §2)."""
    base = parse(SourceItem("x", EXAMPLE1.read_bytes())).payload
    folder = tmp_path / "titled"
    folder.mkdir()
    for serial, title in enumerate(TITLES):
        (folder / f"t{serial}.xml").write_bytes(retitled_copy(serial, title))
    assert base.title == "ウェーハの加工方法"
    report = ingest(db, folder)
    assert report.counts == {"loaded": 3}
    with db.engine.connect() as conn:
        ids = [publications.find(conn, "JP", "A", f"202190000{i}") for i in range(3)]
    return db, ids


def titles_found(db, query):
    with db.engine.connect() as conn:
        return sorted(h.publication_id for h in find(conn, query, ["TI"]))


def test_two_character_term_finds_all_three(three_titles):
    db, ids = three_titles
    assert titles_found(db, "電池") == ids


def test_substring_across_word_boundaries(three_titles):
    db, ids = three_titles
    assert titles_found(db, "池の正") == [ids[0]]
    assert titles_found(db, "セパレータ") == [ids[1]]


def test_one_character_term(three_titles):
    db, ids = three_titles
    assert titles_found(db, "燃") == [ids[1]]
    assert titles_found(db, "池") == ids              # at the end of a title too
    assert titles_found(db, "鉛") == []


def test_width_and_case_are_normalised(three_titles):
    db, ids = three_titles
    assert titles_found(db, "ｾﾊﾟﾚｰﾀ") == [ids[1]]
    with db.engine.connect() as conn:
        # claim 6 reads "Ｓｉ、ＧａＮ" (full width); a half-width, lower-case query finds it
        hits = find(conn, "si、gan", ["CL"])
    assert {(h.field, h.position) for h in hits} == {("CL", 5)}
    assert len({h.publication_id for h in hits}) == 3


def test_no_false_positives_from_scattered_bigrams(three_titles):
    db, _ids = three_titles
    # every bigram of this query occurs in some title, but not as one substring
    assert titles_found(db, "電池用セパレータの正極") == []


def test_real_documents_by_field(db):
    ingest(db, GAZETTE)
    with db.engine.connect() as conn:
        hits = find(conn, "リチウムイオン電池")
        fields = {(h.field) for h in hits}
        assert fields >= {"TI", "AB", "CL", "DE"}
        pub = publications.find(conn, "JP", "A", "2021044249")
        assert {h.publication_id for h in hits} == {pub}


def test_units_are_keyed_by_publication_field_and_position():
    for args in [(1, "TI", 0), (123456, "DE", 65535), (2**40, "CL", 7)]:
        assert dataclasses.astuple(unit_ref(unit_key(*args))) == args
    with pytest.raises(ValueError, match="beyond the 65535 units"):
        unit_key(1, "DE", 70000)


def test_grams_are_ascii_letters_and_end_marked():
    tokens = grams.bigram_tokens("電池")
    assert len(tokens) == 2 and all(t.isascii() and t.isalpha() for t in tokens)
    assert tokens[1].startswith(grams.prefix_of("池"))
    assert grams.query_bigrams("電池") == tokens[:1]


def test_normalisation():
    assert normalise_text("ｻｰﾊﾞｰ　ＡＢＣ  def") == "サーバー abc def"
    assert normalise_name("渡辺　一豊") == "渡辺一豊"


def test_names_are_found_without_their_spaces(three_titles):
    db, ids = three_titles
    with db.engine.connect() as conn:
        # the real gazette writes 「松本  昂」; names are indexed and matched without spaces
        spaced = find(conn, "松本 昂", ["AG"])
        joined = find(conn, "松本昂", ["AG"])
    assert {h.publication_id for h in spaced} == {h.publication_id for h in joined} == set(ids)
