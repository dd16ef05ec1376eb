"""The built-in dictionary (translation.md §3): every document name of both JPO code lists
has an English entry; labels both ways; it never guesses."""

from __future__ import annotations

from importlib import resources

import pytest

from tokkyo.translate.engines.dictionary import DictionaryEngine, code_label, document_codes
from tokkyo.translate.kinds import ContentKind

DATA = resources.files("tokkyo.translate").joinpath("data")


def names() -> set[str]:
    found = set()
    for line in DATA.joinpath("jpo_api_observed_document_codes.csv").read_text(
            "utf-8").splitlines()[1:]:
        found.add(line.split(",")[1])
    for line in DATA.joinpath("jpo_submitted_document_codes_libefiling.txt").read_text(
            "utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            found.add(line.split("|")[2])
    return found


@pytest.fixture(scope="module")
def engine() -> DictionaryEngine:
    return DictionaryEngine()


def test_every_document_name_of_both_code_lists_has_english(engine):
    listed = sorted(names())
    assert len(listed) == 237
    missing = [n for n in listed if engine.lookup(n, "en") is None]
    assert not missing
    out = engine.translate(listed, source="ja", target="en", kind=ContentKind.DOCUMENT_NAME)
    assert all(t.untranslated_spans == () and t.text.isascii() for t in out)


def test_every_code_of_both_lists_has_a_name():
    codes = document_codes()
    assert codes["A131"] == "拒絶理由通知書" and len(codes) > 200


@pytest.mark.parametrize(("ja", "en"), [
    ("拒絶理由通知書", "Notice of Reasons for Refusal"),
    ("特許査定", "Decision to Grant a Patent"),
    ("手続補正書（自発・内容）", "Written Amendment (voluntary, contents)"),
    ("審査官通知（その他の通知）（期間無）", "Examiner's Notice (other notices) (no time limit)"),
    ("出願番号", "Application Number"),
])
def test_known_names_both_ways(engine, ja, en):
    assert engine.lookup(ja, "en") == en
    back = engine.translate([en], source="en", target="ja", kind=ContentKind.CODE_LABEL)
    assert back[0].untranslated_spans == ()
    assert engine.lookup(back[0].text, "en") == en


def test_labels_exist_in_both_directions(engine):
    labels = [e for e in engine_entries() if e.context == "label"]
    assert len(labels) > 40
    for e in labels:
        assert engine.lookup(e.ja, "en") == e.en
        assert engine.lookup(e.en, "ja") is not None


def engine_entries():
    from tokkyo.translate.engines.dictionary import entries
    return entries()


def test_unknown_text_is_kept_and_flagged(engine):
    out = engine.translate(["謎の書類", "手続補正書（謎）"], source="ja", target="en",
                           kind=ContentKind.DOCUMENT_NAME)
    assert [(t.text, t.untranslated_spans) for t in out] == [
        ("謎の書類", ((0, 4),)), ("手続補正書（謎）", ((0, 8),))]


def test_placeholders_pass_between_known_words(engine):
    out = engine.translate(["⟦0⟧ 特許願"], source="ja", target="en",
                           kind=ContentKind.BIBLIOGRAPHIC)
    assert out[0].text == "⟦0⟧ Patent Application" and out[0].untranslated_spans == ()


def test_code_labels_from_st27_and_st3():
    assert code_label("country", "jp") == "Japan"
    assert code_label("st27", "A00").startswith("No mapped category A detailed event")
    assert code_label("country", "ZZ") is None
