"""Glossaries: TSV in and out, exact errors that change nothing, and pinned terms that read
the same whatever the engine."""

from __future__ import annotations

import pytest

from tokkyo.translate import glossary, routing
from tokkyo.translate.errors import GlossaryError
from tokkyo.translate.glossary import Entry, Glossary
from tokkyo.translate.kinds import ContentKind as K
from tokkyo.translate.service import Platform

TSV = "ja\ten\tcontext\tsource\n切削ブレード\tcutting blade\t\toperator\nウェーハ\twafer\n"


def test_round_trip(tmp_path):
    g = glossary.parse(TSV)
    assert g.entries == (Entry("切削ブレード", "cutting blade", "", "operator"),
                         Entry("ウェーハ", "wafer"))
    glossary.save(tmp_path / "g.tsv", g)
    assert glossary.load(tmp_path / "g.tsv").entries == g.entries
    assert (tmp_path / "g.tsv").read_text("utf-8") == (
        "ja\ten\tcontext\tsource\n切削ブレード\tcutting blade\t\toperator\nウェーハ\twafer\t\t\n")
    assert glossary.load(tmp_path / "none.tsv").entries == ()


def test_further_language_columns_pin_chinese_and_korean_terms(tmp_path):
    g = glossary.parse("ja\ten\tcontext\tsource\tzh\tko\n"
                       "製造方法\tproduction method\t\toperator\t制造方法\t제조 방법\n"
                       "電池\tbattery\t\t\t电池\n")
    assert g.entries[1] == Entry("電池", "battery", others=(("zh", "电池"),))
    assert g.pins("ja", "zh")[0] == {"製造方法": "制造方法", "電池": "电池"}
    assert g.pins("zh", "ja")[0] == {"制造方法": "製造方法", "电池": "電池"}
    assert g.pins("ko", "en")[0] == {"제조 방법": "production method"}
    assert g.pins("ja", "en")[0] == {"製造方法": "production method", "電池": "battery"}
    glossary.save(tmp_path / "g.tsv", g)
    assert glossary.load(tmp_path / "g.tsv").entries == g.entries
    assert (tmp_path / "g.tsv").read_text("utf-8").splitlines()[2] == (
        "電池\tbattery\t\t\t\t电池")          # ko before zh, as sorted


@pytest.mark.parametrize(("text", "message"), [
    ("ja\ten\tcontext\tsource\tchinese\na\tb\n",
     "g.tsv, line 1: columns after ja, en, context, source must be distinct two-letter "
     "language codes (zh, ko), found ['chinese']"),
    ("ja\ten\tcontext\tsource\tzh\na\tb\t\t\tc\td\n",
     "g.tsv, line 2: expected 2 to 5 tab-separated columns (ja, en, context, source, zh), "
     "found 6"),
    ("ウェーハ\n", "g.tsv, line 1: expected 2 to 4 tab-separated columns (ja, en, context, "
                  "source), found 1"),
    ("a\tb\n\tc\n", "g.tsv, line 2: the ja and en columns must not be empty"),
    ("a\tb\na\tc\n", "g.tsv, line 2: 'a' is already pinned on line 1 (same context '')"),
    ("a\tb\tc\td\te\n", "g.tsv, line 1: expected 2 to 4 tab-separated columns (ja, en, "
                        "context, source), found 5"),
])
def test_bad_lines(text, message):
    with pytest.raises(GlossaryError) as raised:
        glossary.parse(text, "g.tsv")
    assert str(raised.value) == message


def test_not_utf8(tmp_path):
    (tmp_path / "g.tsv").write_bytes("ウェーハ\twafer\n".encode("shift_jis"))
    with pytest.raises(GlossaryError) as raised:
        glossary.load(tmp_path / "g.tsv")
    assert str(raised.value) == (f"{tmp_path / 'g.tsv'}: not UTF-8 text (invalid start "
                                 "byte at byte 0)")


def test_a_users_terms_win_over_the_operators():
    operator = glossary.parse("ウェーハ\twafer\n基板\tsubstrate\n")
    user = glossary.parse("ウェーハ\tslice\n")
    terms, _ = operator.merged(user).pins("ja", "en")
    assert dict(terms) == {"ウェーハ": "slice", "基板": "substrate"}
    assert operator.version != operator.merged(user).version and Glossary().version == ""


@pytest.mark.parametrize("engine", ["identity", "dictionary"])
def test_pinned_terms_read_the_same_from_every_engine(engine):
    table = routing.parse(f"[engines.e]\ntype = '{engine}'\npairs = ['ja-en']\n"
                          "[[routes]]\nsource='ja'\ntarget='en'\nengine='e'\n", "t")
    platform = Platform(table, glossary=glossary.parse(TSV))
    out = platform.translate("【０００１】切削ブレード２１でウェーハを切削する。", source="ja",
                             target="en", kind=K.DESCRIPTION)
    assert out.units[0].label == "【０００１】"
    assert "cutting blade21" in out.units[0].text and "wafer" in out.units[0].text
    user = glossary.parse("ウェーハ\tsemiconductor wafer\n")
    again = platform.translate("ウェーハ", source="ja", target="en", kind=K.TITLE,
                               glossary=user)
    assert again.text == "semiconductor wafer"
