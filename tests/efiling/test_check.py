"""The formality check on hand-built applications: each defect case produces its finding
code at the exact line and column of the defect, in both HTML styles (Word's, in cp932,
and the JPO template's, in UTF-8); the clean application produces no finding at all."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.efiling.applications import (
    CLEAN,
    image,
    images,
    position,
    replace,
    template_html,
    word_html,
)
from tokkyo.efiling import service
from tokkyo.efiling.findings import RULES, Severity


@dataclass(frozen=True)
class Case:
    code: str
    old: str                    # the clean line the defect changes
    new: str | list[str]
    needle: str                 # where the finding must point: the needle's first
    nth: int = 0                #   character (its nth occurrence), plus `shift`
    shift: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    severity: Severity = Severity.ERROR
    document: str = ""
    item: str | None = None
    also: tuple[str, str] | None = None       # a second line changed (two swapped)


TIFF = image("tiff")
CASES = [
    Case("unsupported-tag", "　本発明によれば、<u>電池の容量が大きくなる</u>。",
         "　本発明によれば、<b>電池の容量が大きくなる</b>。", "<b>",
         severity=Severity.WARNING, document="明細書", item=""),
    Case("character-not-in-jis-x-0208", "　本発明は、容量の大きい電極を提供することを課題とする。",
         "　本発明は、①容量の大きい電極を提供することを課題とする。", "①",
         document="明細書"),
    Case("reserved-bracket", "　従来、電極の厚さは５０μｍ程度であった（特許文献１参照）。",
         "　従来、電極の【厚さ】は５０μｍ程度であった。", "【厚さ】", document="明細書",
         item=""),
    Case("item-unknown", "【０００９】", ["【０００９】", "【備考】なし"], "【備考】",
         document="明細書", item="備考"),
    Case("item-order", "【技術分野】", "【背景技術】", "【技術分野】",
         also=("【背景技術】", "【技術分野】"), document="明細書", item="技術分野"),
    Case("item-duplicate", "【発明の名称】二次電池の電極",
         ["【発明の名称】二次電池の電極", "【発明の名称】別名"], "【発明の名称】別名",
         document="明細書", item="発明の名称"),
    Case("item-missing", "【あて先】特許庁長官殿", [], "【書類名】特許願", document="特許願"),
    Case("paragraph-number-gap", "【０００９】", "【００１０】", "【００１０】",
         document="明細書"),
    Case("paragraph-number-repeat", "【０００９】", "【０００８】", "【０００８】", nth=1),
    Case("paragraph-number-order", "【０００９】", "【０００３】", "【０００３】", nth=1),
    Case("claim-number-gap", "【請求項４】", "【請求項５】", "【請求項５】",
         document="特許請求の範囲", item="請求項５"),
    Case("claim-reference-missing", "　請求項１に記載の電極を備える二次電池。",
         "　請求項９に記載の電極を備える二次電池。", "請求項９", shift=3,
         document="特許請求の範囲", item="請求項４"),
    Case("claim-reference-forward", "　活物質層の厚さが１００μｍ以上である請求項１に記載の電極。",
         "　活物質層の厚さが１００μｍ以上である請求項３に記載の電極。", "請求項３に記載",
         shift=3, item="請求項２"),
    Case("multiple-dependency-wording", "　請求項１に記載の電極を備える二次電池。",
         "　請求項２又は３に記載の電極を備える二次電池。", "又は３に記載", shift=2,
         item="請求項４"),
    Case("image-format", '<img src="fig1.gif">', '<img src="fig1.tif">', '<img ',
         files={"fig1.tif": TIFF}, document="図面", item="図１"),
    Case("image-bit-depth", '<img src="fig1.gif">', '<img src="fig1.bmp">', '<img ',
         files={"fig1.bmp": image("bmp", mode="L")}),
    Case("image-dpi", '<img src="fig1.gif">', '<img src="fig1.png">', '<img ',
         files={"fig1.png": image("png", dpi=150)}),
    Case("image-size", '<img src="fig1.gif">', '<img src="fig1.png">', '<img ',
         files={"fig1.png": image("png", size=(2100, 300), dpi=300)}),
    Case("image-missing", '<img src="fig1.gif">', '<img src="fig2.gif">', '<img '),
    Case("list-of-documents-mismatch", "【物件名】図面　１", [], "【提出物件の目録】",
         document="特許願", item="提出物件の目録"),
]
STYLES = {"word-cp932": (word_html, "cp932"), "template-utf8": (template_html, "utf-8")}


def test_every_code_has_a_case():
    assert {c.code for c in CASES} == set(RULES)


def run(lines: list[str], style: str, files: dict[str, bytes] | None = None
        ) -> tuple[bytes, service.Result]:
    build, encoding = STYLES[style]
    data = build(lines, encoding)
    return data, service.check(service.Upload("application.html", data,
                                              images() if files is None else files))


@pytest.mark.parametrize("style", STYLES)
def test_the_clean_application_has_no_finding(style):
    _, result = run(CLEAN, style)
    assert result.findings == []
    assert [d.name for d in result.application.documents] == [
        "特許願", "明細書", "特許請求の範囲", "要約書", "図面"]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_each_defect_is_found_where_it_is(case, style):
    lines = replace(CLEAN, case.old, case.new)
    if case.also:
        i = max(n for n, line in enumerate(lines) if line == case.also[0])
        lines[i] = case.also[1]
    data, result = run(lines, style, {**images(), **case.files})
    encoding = STYLES[style][1]
    line, column = position(data, case.needle, encoding, case.nth)
    found = [f for f in result.findings if f.code == case.code]
    assert found, [f.as_json() for f in result.findings]
    first = found[0]
    assert (first.position.line, first.position.column) == (line, column + case.shift)
    assert first.severity is case.severity
    if case.document:
        assert first.position.document == case.document
    if case.item is not None:
        assert first.position.item == case.item
    assert first.message_ja and first.message_en
    assert "{" not in first.message_ja + first.message_en      # every argument filled
    assert result.ok is (case.severity is Severity.WARNING)


def test_a_tag_finding_names_its_document_and_paragraph():
    lines = replace(CLEAN, "　本発明によれば、<u>電池の容量が大きくなる</u>。",
                    "　本発明によれば、<b>電池の容量が大きくなる</b>。")
    _, result = run(lines, "word-cp932")
    [f] = result.findings
    assert (f.position.document, f.position.item, f.position.paragraph) == (
        "明細書", "", "０００６")


def test_a_finding_names_its_paragraph_and_says_what_to_do():
    lines = replace(CLEAN, "　本発明は、容量の大きい電極を提供することを課題とする。",
                    "　本発明は、①容量の大きい電極を提供することを課題とする。")
    _, result = run(lines, "template-utf8")
    [f] = result.findings
    assert f.position.paragraph == "０００４" and f.position.document == "明細書"
    assert f.text == "①"
    assert f.message_en == "'①' (U+2460) is not a JIS X 0208 character. Write '（１）' instead."
    assert f.message_ja == ("「①」（U+2460）は JIS X 0208 にない文字です。"
                            "「（１）」と書いてください。")


def test_a_character_beyond_shift_jis_written_as_a_reference_by_word():
    """Word writes 𠮷 (not in Shift_JIS) as &#134071;: the finding points at the
    reference, and suggests ▲▼."""
    lines = replace(CLEAN, "【氏名】特許　太郎", "【氏名】𠮷田　太郎")
    data, result = run(lines, "word-cp932")
    [f] = result.findings
    assert f.code == "character-not-in-jis-x-0208"
    assert (f.position.line, f.position.column) == position(data, "&#134071;", "cp932")
    assert "▲" in f.message_ja and "▼" in f.message_en


def test_a_character_beyond_jis_written_as_a_named_entity():
    """&copy; is ©, which JIS X 0208 lacks: found, at the entity, although the source
    there is plain ASCII (each line's text is checked as read, entities and all)."""
    lines = replace(CLEAN, "１０　電極", "１０　電極&copy;")
    data, result = run(lines, "template-utf8")
    [f] = result.findings
    assert (f.code, f.text) == ("character-not-in-jis-x-0208", "©")
    assert (f.position.line, f.position.column) == position(data, "&copy;")


def test_half_width_katakana_and_wave_dashes():
    """Half-width katakana are not JIS X 0208; both Unicode wave dashes (〜 and ～) are
    the one JIS character and pass."""
    lines = replace(CLEAN, "１０　電極", "１０　ﾃﾞﾝｷｮｸ 〜 ～")
    _, result = run(lines, "template-utf8")
    assert [(f.code, f.text) for f in result.findings] == [
        ("character-not-in-jis-x-0208", c) for c in "ﾃﾞﾝｷｮｸ"]
    assert "デ" not in result.findings[0].message_ja
    assert "全角" in result.findings[0].message_ja


def test_multiple_dependency_ranges_and_lists():
    lines = replace(CLEAN, "　請求項１に記載の電極を備える二次電池。",
                    "　請求項１乃至３のいずれか一項に記載の電極を備える二次電池。")
    _, result = run(lines, "template-utf8")
    # claim 4 cites 1, 2 and 3; claim 3 cites 1 or 2 (multiple): a multi-multi claim
    assert [(f.code, f.text) for f in result.findings] == [
        ("multiple-dependency-wording", "請求項３")]


def test_paragraph_numbers_outside_the_description_are_unknown_items():
    lines = replace(CLEAN, "【請求項２】", ["【０００１】", "【請求項２】"])
    _, result = run(lines, "template-utf8")
    assert [(f.code, f.position.document) for f in result.findings] == [
        ("item-unknown", "特許請求の範囲")]


def test_missing_documents_are_named():
    cut = CLEAN[:CLEAN.index("【書類名】要約書")]
    _, result = run(cut, "template-utf8", {})
    codes = [(f.code, f.message_en) for f in result.findings]
    assert ("item-missing", "The application has no 【書類名】要約書. Add it.") in codes
    assert ("list-of-documents-mismatch",
            "The list of documents names abstract (要約書), which the application does not "
            "hold. Add it or take it off the list.") in codes


def test_text_before_the_first_document():
    _, result = run(["表紙", *CLEAN], "template-utf8")
    [f] = result.findings
    assert (f.code, f.position.line, f.text) == ("item-missing", 7, "表紙")


def test_a_position_after_word_wrapped_the_line():
    """Word wrapped this paragraph's source over three lines; the finding points at the
    line and column where the character stands in the file."""
    old = next(line for line in CLEAN if line.startswith("　以下、図１"))
    data, result = run(replace(CLEAN, old, old.replace("which must", "which【must")),
                       "word-cp932")
    [f] = result.findings
    line, column = position(data, "which【", "cp932")
    assert (f.code, f.position.line, f.position.column) == (
        "reserved-bracket", line, column + len("which"))
    assert line == position(data, "以下、図１", "cp932")[0] + 1     # on the wrapped line


@pytest.mark.parametrize(("wording", "cited"), [
    ("請求項１から３のいずれか", [1, 2, 3]),
    ("請求項１～請求項３のいずれか", [1, 2, 3]),
    ("請求項１、２及び３のいずれか", [1, 2, 3]),
    ("請求項1又は3", [1, 3]),
    ("請求項３", [3]),
])
def test_how_claims_cite_claims(wording, cited):
    from tokkyo.efiling.claims import read_claims

    lines = replace(CLEAN, "　請求項１に記載の電極を備える二次電池。",
                    f"　{wording}に記載の電極を備える二次電池。")
    _, result = run(lines, "template-utf8")
    claims = read_claims(result.application.document("特許請求の範囲"))
    assert sorted({c.cited for c in claims[3].citations}) == cited
    multi = [f for f in result.findings if f.code == "multiple-dependency-wording"]
    # claim 3 (「請求項１又は２」) is multiple: a multiple claim 4 citing it is refused
    assert bool(multi) is (len(cited) > 1)


def test_description_text_outside_a_numbered_paragraph():
    lines = replace(CLEAN, "【０００１】", [])
    data, result = run(lines, "template-utf8")
    found = [f for f in result.findings if f.code == "item-missing"]
    assert [(f.position.line, f.position.item, f.message_en) for f in found] == [
        (position(data, "本発明は、リチウム")[0], "技術分野",
         "The description has no 【段落番号】. Add it.")]
