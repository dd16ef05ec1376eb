"""VALUE syntax per field type (portal.md §3.2 table): what each type accepts, its canonical
value, and the errors (code bad-value, at the atom's position) for what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from tokkyo.search.query import (
    Code,
    DateRange,
    Fi,
    Fterm,
    FtermSet,
    Gap,
    Ipc,
    Mark,
    NumberValue,
    QueryError,
    Text,
    Theme,
    parse,
)
from tokkyo.search.query.values import NUMBER_KINDS, number_value

D = dt.date


def value_of(text: str, screen: str = "all"):
    return parse(text, screen=screen).tree.value


@pytest.mark.parametrize(("text", "value"), [
    # text: substring, `?` literal, proximity with C/N mixable, n 0–99
    ("電池", Text(("電池",))),
    ("a?b/TI", Text(("a?b",))),
    ("電池,5C,正極/CL", Text(("電池", "正極"), (Gap(5, True),))),
    ("a,0N,b", Text(("a", "b"), (Gap(0, False),))),
    ("a,99c,b", Text(("a", "b"), (Gap(99, True),))),
    ("a,3N,b,10C,c/AB", Text(("a", "b", "c"), (Gap(3, False), Gap(10, True)))),
    # FI
    ("H01M8/02/FI", Fi("H01M8/02")),
    ("H01L21/78@M/FI", Fi("H01L21/78@M")),
    ("B01D53/14,311/FI", Fi("B01D53/14,311")),
    ("B01D53/14,311@Z/FI", Fi("B01D53/14,311@Z")),
    ("G06F1234/123456/FI", Fi("G06F1234/123456")),
    ("ZAB/FI", Fi("ZAB", facet=True)),
    ("zab/FI", Fi("ZAB", facet=True)),
    ("H01L21/?/FI", Fi("H01L21/", prefix=True)),
    ("H01L?/FI", Fi("H01L", prefix=True)),
    ("H?/FI", Fi("H", prefix=True)),
    ("h01m8/02@z/FI", Fi("H01M8/02@Z")),
    # IPC / CPC
    ("H01M8/02/IP", Ipc("H01M8/02")),
    ('"H01M 8/02"/IP', Ipc("H01M8/02")),
    ("H01M0008020000/IP", Ipc("H01M8/02")),
    ("H01M0010052500/IP", Ipc("H01M10/0525")),
    ("H01M0008000000/IP", Ipc("H01M8/00")),
    ("H01M?/IP", Ipc("H01M", prefix=True)),
    ("H01M8/?/IP", Ipc("H01M8/", prefix=True)),
    ("Y02E60/10/CP", Ipc("Y02E60/10")),
    ("H01M10/0525/CP", Ipc("H01M10/0525")),
    # F-term: shorter forms are prefixes, .X the additional code, the angle form
    ("4F100AB01.A/FT", Fterm("4F100", "AB01", "A")),
    ("4F100AB01/FT", Fterm("4F100", "AB01", "")),
    ("4F100AB0/FT", Fterm("4F100", "AB0", "")),
    ("4F100AB/FT", Fterm("4F100", "AB", "")),
    ("4F100A/FT", Fterm("4F100", "A", "")),
    ("4F100/FT", Fterm("4F100", "", "")),
    ("4f100ab01.a/FT", Fterm("4F100", "AB01", "A")),
    ("5H029AJ05.9/FT", Fterm("5H029", "AJ05", "9")),
    ("4F100<A,B;AB01,AK41>/FT", FtermSet("4F100", ("A", "B"), ("AB01", "AK41"))),
    ("4F100<A,B,C;AB01,AK41,AK03>/FT",
     FtermSet("4F100", ("A", "B", "C"), ("AB01", "AK41", "AK03"))),
    ("4F100<A;AB01>/FT", FtermSet("4F100", ("A",), ("AB01",))),
    ("4F100<A,A;AB01,AK41>/FT", FtermSet("4F100", ("A", "A"), ("AB01", "AK41"))),
    # theme
    ("5H029/TC", Theme("5H029")),
    ("5h029/TC", Theme("5H029")),
    # dates: inclusive, partial dates cover the whole year or month
    ("2020/AD", DateRange(D(2020, 1, 1), D(2020, 12, 31))),
    ("202002/PD", DateRange(D(2020, 2, 1), D(2020, 2, 29))),
    ("202102/PD", DateRange(D(2021, 2, 1), D(2021, 2, 28))),
    ("20200229/RD", DateRange(D(2020, 2, 29), D(2020, 2, 29))),
    ("2019:202003/AD", DateRange(D(2019, 1, 1), D(2020, 3, 31))),
    ("2020:/PD", DateRange(D(2020, 1, 1), None)),
    (":2020/PD", DateRange(None, D(2020, 12, 31))),
    ("20200101:20200101/AD", DateRange(D(2020, 1, 1), D(2020, 1, 1))),
    ("２０２０/AD", DateRange(D(2020, 1, 1), D(2020, 12, 31))),
    # codes: trailing ? = prefix
    ("B2/KD", Code("B2")),
    ("b2/KD", Code("B2")),
    ("A?/KD", Code("A", prefix=True)),
    ('"in-force"/ST', Code("in-force")),
    ("Pending/ST", Code("pending")),
    ("JP/CC", Code("JP")),
    ("35A01/SC", Code("35A01")),
    ("35A?/SC", Code("35A", prefix=True)),
    ("09/NC", Code("09")),
    ("9/NC", Code("09")),
    ("2.7.18/VC", Code("2.7.18")),
    ('"12-08"/LC', Code("12-08")),
    # marks: stored as typed
    ("?テック?/TM", Mark("?テック?")),
    ("トヨタ/TM", Mark("トヨタ")),
])
def test_values_by_field_type(text, value):
    assert value_of(text) == value


def test_a_proximity_part_may_be_quoted():
    assert value_of('"C++",2N,"C#"') == Text(("C++", "C#"), (Gap(2, False),))


def test_text_is_stored_as_typed():
    assert value_of('"ＡＢＣ x"/TI') == Text(("ＡＢＣ x",))
    assert value_of("ｻｰﾊﾞｰ/CN", "trademark") == Text(("ｻｰﾊﾞｰ",))


@pytest.mark.parametrize(("text", "problem", "position"), [
    # text
    ('""/TX', "empty", 0),
    ("a,b/TX", "proximity", 0),
    ("1,000", "proximity", 0),
    ("a,5C,/TX", "proximity", 0),
    (",5C,b/TX", "proximity", 0),
    ("a,5X,b/TX", "distance", 0),
    ("a,100C,b/TX", "distance", 0),
    ("a,C,b/TX", "distance", 0),
    ("x*a,5,b", "distance", 2),
    # FI
    ("a*H01X/FI", "fi", 2),
    ("H01M/FI", "fi", 0),
    ("H01M8/2/FI", "fi", 0),
    ("I01M8/02/FI", "fi", 0),
    ("H01M8/02@ZZ/FI", "fi", 0),
    ("H01M8/02,31/FI", "fi", 0),
    ("ZA/FI", "fi", 0),
    ("?/FI", "fi", 0),
    ("HX?/FI", "fi", 0),
    # IPC / CPC
    ("H01M/IP", "ipc", 0),
    ("H01M8/IP", "ipc", 0),
    ("H01M8/2/IP", "ipc", 0),
    ("Y02E60/10/IP", "ipc", 0),
    ("H01M8/02@Z/IP", "ipc", 0),
    ("X01?/CP", "ipc", 0),
    # F-term
    ("4F1/FT", "fterm", 0),
    ("4F100ABC/FT", "fterm", 0),
    ("4F1001/FT", "fterm", 0),
    ("4F100AB012/FT", "fterm", 0),
    ("4F100AB01.AB/FT", "fterm", 0),
    ("4F100AB0.A/FT", "fterm-additional", 0),
    ("4F100.A/FT", "fterm-additional", 0),
    ("4F100<A;AB01,AK41>/FT", "fterm-set", 0),
    ("4F100<A,B;AB01>/FT", "fterm-set", 0),
    ("4F100<AB;AB01>/FT", "fterm-set", 0),
    ("4F100<A;AB>/FT", "fterm-set", 0),
    ("4F100<;>/FT", "fterm-set", 0),
    ("4F100<1,2,3,4,5,6,7,8,9,A;AA01,AA02,AA03,AA04,AA05,AA06,AA07,AA08,AA09,AA10>/FT",
     "fterm-set", 0),
    ("4F100<A,B;AB01,AK41/FT", "fterm-set", 0),
    # theme
    ("5H02/TC", "theme", 0),
    ("5H029AB/TC", "theme", 0),
    # dates
    ("20201340/AD", "real-date", 0),
    ("202013/AD", "real-date", 0),
    ("20210229/AD", "real-date", 0),
    ("00000101/AD", "real-date", 0),
    ("20200230:/AD", "real-date", 0),
    ("2020123/AD", "date", 0),
    ("20/AD", "date", 0),
    ("2020.01.01/AD", "date", 0),
    (":/AD", "date", 0),
    ("2020:2021:2022/AD", "date", 0),
    ("20201231:20200101/AD", "date-order", 0),
    ("2021:2020/AD", "date-order", 0),
    ("x*202102:20210131/AD", "date-order", 2),
    # numbers
    ("特願/AN", "number", 0),
    ("abc/PN", "number", 0),
    ("x+12345678901/RN", "number", 2),
    # codes
    ("?/KD", "code", 0),
    ("A?B/KD", "code", 0),
    ('""/NC', "empty", 0),
])
def test_invalid_values_fail_at_the_atoms_position(text, problem, position):
    with pytest.raises(QueryError) as caught:
        parse(text)
    error = caught.value
    assert (error.code, error.args["problem"], error.position) == ("bad-value", problem, position)
    assert str(position + 1) in error.message("en") and str(position + 1) in error.message("ja")


def test_bad_values_in_a_group_fail_at_the_value():
    with pytest.raises(QueryError) as caught:
        parse("(H01M8/02+H01X)/FI")
    assert (caught.value.code, caught.value.position, caught.value.args["value"]) == (
        "bad-value", 10, "H01X")


# --- numbers ----------------------------------------------------------------------------------

def test_application_numbers_prefer_application_readings():
    assert value_of('"特願2020-123456"/AN') == NumberValue((("application", "2020123456"),))
    assert value_of("2020123456/AN") == NumberValue((("application", "2020123456"),))
    assert value_of('"特願２０２０－８４２３号"/AN') == NumberValue(
        (("application", "2020008423"),))
    assert value_of('"PCT/JP2019/011858"/AN') == NumberValue(
        (("international-application", "JP2019011858"),))


def test_publication_numbers_prefer_publication_readings():
    assert value_of("2020123456/PN") == NumberValue((("publication", "2020123456"),))
    assert value_of('"特開平10-123456"/PN') == NumberValue((("publication", "1998123456"),))
    assert value_of("503090037/PN") == NumberValue((("publication", "2021090037"),))
    assert value_of("2020512345/PN") == NumberValue((("national-publication", "2020512345"),))
    assert value_of("JPH08179521/PN") == NumberValue((("publication", "1996179521"),))


def test_registration_numbers_prefer_registration_readings():
    assert value_of("特許第7533889号/RN") == NumberValue((("registration", "7533889"),))
    assert value_of("7533889/RN") == NumberValue((("registration", "7533889"),))
    assert value_of("意匠登録1735126/RN", "design") == NumberValue(
        (("registration", "1735126"),))


def test_a_number_of_another_kind_falls_back_to_its_own_readings():
    assert value_of('"特開2021-090037"/AN') == NumberValue((("publication", "2021090037"),))
    assert value_of("7533889/AN") == NumberValue((("registration", "7533889"),))
    assert value_of('"特願2020-123456"/RN') == NumberValue((("application", "2020123456"),))


def test_a_number_error_carries_the_number_parsers_message():
    with pytest.raises(QueryError) as caught:
        parse("特願/AN")
    assert "特願 is not followed by a number" in caught.value.args["detail"]
    assert "特願 is not followed by a number" in caught.value.message("ja")


def test_every_number_field_has_kinds():
    assert set(NUMBER_KINDS) == {"AN", "PN", "RN"}
    assert number_value("2020123456", "AN") != number_value("2020123456", "PN")


# --- marks ------------------------------------------------------------------------------------

def test_mark_wildcards_and_exactness():
    assert Mark("トヨタ").exact and not Mark("?テック?").exact
    pattern = Mark("?テック?").regex()
    assert pattern.fullmatch("ハイテック") and pattern.fullmatch("テックス")
    assert pattern.fullmatch("テック") and not pattern.fullmatch("テクノ")
    assert Mark("ＡＢＣ").regex().fullmatch("abc")           # N1 width and N2 case
    assert not Mark("とよた").regex().fullmatch("トヨタ")      # no kana folding
    assert Mark("a.b").regex().fullmatch("a.b") and not Mark("a.b").regex().fullmatch("axb")
    assert Mark("トヨタ").regex().fullmatch("トヨタ") and not Mark("トヨタ").regex().fullmatch(
        "トヨタ自動車")


def test_full_width_question_mark_is_a_wildcard_too():
    assert value_of("？テック/TM") == Mark("?テック")


def test_a_question_mark_inside_quotes_is_itself():
    """portal.md §3.2: inside quotes every character is literal, so only a bare `?` is the
    mark wildcard."""
    from tokkyo.search.query import parse, show

    assert value_of('"Local Specialty"?/TM') == Mark("Local Specialty?")
    literal = value_of('"ab?"/TM')
    assert literal == Mark("ab?", (2,)) and literal.exact
    assert literal.regex().fullmatch("ab?") and not literal.regex().fullmatch("abc")
    mixed = value_of('"Q?"?/TM')
    assert mixed.pieces == ["Q?", ""]
    assert mixed.regex().fullmatch("q?&a") and not mixed.regex().fullmatch("qa")
    for typed, shown in (('"Local Specialty"?/TM', '"Local Specialty"?/TM'),
                         ('"ab?"/TM', '"ab?"/TM'), ('"Q?"?/TM', '"Q?"?/TM'),
                         ("?テック?/TM", "?テック?/TM")):
        assert show(parse(typed).tree) == shown
        assert parse(show(parse(typed).tree)).tree == parse(typed).tree
