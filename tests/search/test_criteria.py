"""Code prefixes as index ranges (`starts_with`): the same rows as a plain
`str.startswith`, on SQLite and PostgreSQL, for prefixes ending in 'Z', '/', ',' and '@',
lower case and the empty prefix; and the range is what the query plan uses. Suffixes
(`ends_with`, the F-term additional code) as exact as `str.endswith`, case included; the
case of a matched text unit read from the narrow publications index on SQLite."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tokkyo.search.criteria import Compiler
from tokkyo.search.criteria.codes import ends_with, starts_with
from tokkyo.search.index import backend_for
from tokkyo.search.query import ast as q
from tokkyo.search.variants import Folds, fold
from tokkyo.store.tables import applications, classifications

CODES = ["H01L21/78", "H01L21/78@M", "H01L21/", "H01L21", "H01L210", "H01L2100", "H01L21Z",
         "H01L21[", "H01L22/00", "A01BZ", "A01BZZ", "A01B[", "A01C", "5F063AA04", "5F063",
         "5F064AA01", "B01D53/14,311", "B01D53/14", "B01D53/140", "h01l21/78", "H01M10/54@Z",
         "H01M10/54@ZA", "H01M10/54A", "5F063AA04.B", "5F063AA04.b", "5F063AB12.B",
         "5F063AA04.BB", "B"]
PREFIXES = ["H01L21/", "H01L21", "H01L2", "A01BZ", "A01B", "Z", "5F063", "5F063AA04",
            "B01D53/14,", "B01D53/14", "h01l", "H01M10/54@Z", "H01M10/54@", ""]


@pytest.fixture
def codes(db):
    table = sa.Table("prefix_codes", sa.MetaData(), sa.Column("code", sa.Text, nullable=False))
    with db.engine.begin() as conn:
        table.create(conn)
        conn.execute(sa.insert(table), [{"code": c} for c in CODES])
    yield db, table
    with db.engine.begin() as conn:
        table.drop(conn)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_prefix_range_matches_exactly_the_codes_that_start_with_it(codes, prefix):
    db, table = codes
    with db.engine.connect() as conn:
        found = conn.execute(sa.select(table.c.code).where(
            starts_with(table.c.code, prefix, conn.dialect.name))).scalars().all()
    assert sorted(found) == sorted(c for c in CODES if c.startswith(prefix))


def test_prefix_of_the_last_code_point_has_no_upper_bound(codes):
    db, table = codes
    with db.engine.connect() as conn:
        found = conn.execute(sa.select(table.c.code).where(
            starts_with(table.c.code, "H" + chr(0x10FFFF), conn.dialect.name))).scalars().all()
    assert found == []          # only codes >= the prefix, and there are none


def test_fi_prefix_search_uses_the_classification_index(db):
    """The range reaches the (scheme, code) index; a LIKE never did on SQLite. There the
    index also holds the case (migration 0007): no classifications row is read."""
    with db.engine.connect() as conn:
        compiler = Compiler(conn, backend_for(conn))
        select = compiler.fi(q.Fi(code="H01L21/", prefix=True))
        sql = str(select.compile(conn, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "COVERING INDEX ix_classifications_scheme_code_application_id" in plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
            assert "ix_classifications_scheme_code_c" in plan


@pytest.mark.parametrize("suffix", [".B", ".b", "B", ".BB", "@Z", "/78", "5F063AA04.B",
                                    "X5F063AA04.B", ""])
def test_suffix_matches_exactly_the_codes_that_end_with_it(codes, suffix):
    db, table = codes
    with db.engine.connect() as conn:
        found = conn.execute(sa.select(table.c.code).where(
            ends_with(table.c.code, suffix))).scalars().all()
    assert sorted(found) == sorted(c for c in CODES if c.endswith(suffix))


def _fterm_codes(db, codes: list[str]) -> None:
    with db.engine.begin() as conn:
        for n, code in enumerate(codes):
            app_id = conn.execute(sa.insert(applications).values(
                law="patent", application_number=f"20201000{n:02d}")
                .returning(applications.c.id)).scalar_one()
            conn.execute(sa.insert(classifications).values(
                application_id=app_id, scheme="f-term", position=0, code=code))


def test_fterm_additional_code_is_matched_case_sensitively(db):
    """A viewpoint-only F-term with an additional code: the range on the stem, then the
    exact suffix (a LIKE ignored case on SQLite and matched `.b` for `.B`)."""
    _fterm_codes(db, ["5F063AA04.B", "5F063AA05.b", "5F063AB04.B", "5F063AA06.BB",
                      "5F063AA07"])
    with db.engine.connect() as conn:
        compiler = Compiler(conn, backend_for(conn))
        select = compiler.fterm(q.Fterm("5F063", "AA", "B"))
        found = conn.execute(
            sa.select(classifications.c.code)
            .where(classifications.c.application_id.in_(select))
        ).scalars().all()
        assert found == ["5F063AA04.B"]
        if conn.dialect.name == "sqlite":
            sql = str(select.compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "ix_classifications_scheme_code" in plan


def test_matched_units_find_their_case_in_search_owners(db):
    """The case of each matched unit comes from search_owners (migration 0007), on SQLite
    by its rowid, the publication id: one narrow row, not the wide publications row."""
    with db.engine.connect() as conn:
        compiler = Compiler(conn, backend_for(conn))
        units = compiler.text_units(q.Atom("AB", q.Text(("電池",))))
        assert units is not None
        sql = str(units.compile(conn, compile_kwargs={"literal_binds": True}))
        assert "search_owners" in sql and "JOIN publications" not in sql
        conn.execute(units).all()            # the table exists: the statement runs
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "SEARCH search_owners USING INTEGER PRIMARY KEY" in plan


@pytest.mark.parametrize(("text", "folded"), [
    ("セパレーター", "セパレータ"), ("セパレーターと正極", "セパレータと正極"),
    ("ローラーズ", "ローラーズ"),        # a ー inside a word stays
    ("ーと", "ーと"), ("ぱーと", "ぱーと"),     # only at the end of a kana word
    ("せぱれーたー", "せぱれーた"), ("ぱーたー。", "ぱーた。"),
    ("コピー、サーバー。", "コピ、サーバ。"),
])
def test_the_long_vowel_fold_drops_word_final_marks(text, folded):
    assert fold(text, Folds(long_vowel=True)) == folded
    assert fold(text, Folds()) == text


def test_the_long_vowel_fold_applies_after_the_kana_fold():
    both = Folds(kana=True, long_vowel=True)
    assert fold("せぱれーたー", both) == fold("セパレータ", both) == "セパレータ"
