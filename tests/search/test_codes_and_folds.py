"""Code prefixes and suffixes as the search engine matches them: an FI prefix finds
exactly the cases whose code a plain `str.startswith` says, for prefixes ending in 'Z',
'/', ',' and '@', and lower case; an F-term viewpoint with an additional code is exact,
case included (`.b` is not `.B`); on SQLite and PostgreSQL stores. And the optional
folds and the normalisation every engine shares."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tokkyo.search import service as search_service
from tokkyo.search.normalize import normalise_name, normalise_text
from tokkyo.search.query import ast as q
from tokkyo.search.variants import Folds, fold
from tokkyo.store.repositories import search_outbox
from tokkyo.store.tables import applications, classifications

CODES = ["H01L21/78", "H01L21/78@M", "H01L21/", "H01L21", "H01L210", "H01L2100", "H01L21Z",
         "H01L21[", "H01L22/00", "A01BZ", "A01BZZ", "A01B[", "A01C", "5F063AA04", "5F063",
         "5F064AA01", "B01D53/14,311", "B01D53/14", "B01D53/140", "h01l21/78", "H01M10/54@Z",
         "H01M10/54@ZA", "H01M10/54A", "5F063AA04.B", "5F063AA04.b", "5F063AB12.B",
         "5F063AA04.BB", "B"]
PREFIXES = ["H01L21/", "H01L21", "H01L2", "A01BZ", "A01B", "Z", "5F063", "5F063AA04",
            "B01D53/14,", "B01D53/14", "h01l", "H01M10/54@Z", "H01M10/54@"]


def _cases(db, scheme: str, codes: list[str]) -> dict[int, str]:
    """One case per code (its only classification), recorded for the search engine."""
    made = {}
    with db.engine.begin() as conn:
        for n, code in enumerate(codes):
            app_id = conn.execute(sa.insert(applications).values(
                law="patent", application_number=f"20201000{n:02d}")
                .returning(applications.c.id)).scalar_one()
            conn.execute(sa.insert(classifications).values(
                application_id=app_id, scheme=scheme, position=0, code=code))
            made[app_id] = code
        search_outbox.record(conn, made)
    return made


def _found(db, atom: q.Atom) -> set[int]:
    with db.engine.connect() as conn:
        found = search_service.search(conn, atom, sort="number", limit=1000)
    assert found.total == len(found.ids)
    return set(found.ids)


@pytest.fixture
def fi_cases(db):
    return db, _cases(db, "fi", CODES)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_prefix_matches_exactly_the_codes_that_start_with_it(fi_cases, prefix):
    db, cases = fi_cases
    expected = {app_id for app_id, code in cases.items() if code.startswith(prefix)}
    assert _found(db, q.Atom("FI", q.Fi(prefix, prefix=True))) == expected


def test_fterm_additional_code_is_matched_case_sensitively(db):
    """A viewpoint-only F-term with an additional code: the stem, then the exact suffix
    (`.b` and `.BB` are not `.B`)."""
    cases = _cases(db, "f-term", ["5F063AA04.B", "5F063AA05.b", "5F063AB04.B",
                                  "5F063AA06.BB", "5F063AA07"])
    found = _found(db, q.Atom("FT", q.Fterm("5F063", "AA", "B")))
    assert [cases[i] for i in found] == ["5F063AA04.B"]


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


def test_normalisation():
    assert normalise_text("ｻｰﾊﾞｰ　ＡＢＣ  def") == "サーバー abc def"
    assert normalise_name("渡辺　一豊") == "渡辺一豊"
