"""The logical-expression grammar of portal.md §3.2: precedence, brackets, quoting, fields,
errors with positions in both languages, and the canonical printer's round trip."""

from __future__ import annotations

import datetime as dt

import pytest

from tokkyo.search.query import (
    And,
    AndNot,
    Atom,
    DateRange,
    Fi,
    Fterm,
    FtermSet,
    Gap,
    Ipc,
    Mark,
    NumberValue,
    Or,
    QueryError,
    Text,
    Theme,
    parse,
    show,
)
from tokkyo.search.query.errors import MESSAGES


def tx(value: str) -> Atom:
    return Atom("TX", Text((value,)))


def test_or_binds_loosest_and_and_not_go_left_to_right():
    assert parse("a+b-c").tree == Or(tx("a"), AndNot(tx("b"), tx("c")))
    assert parse("a-b*c").tree == And(AndNot(tx("a"), tx("b")), tx("c"))
    assert parse("a*b*c").tree == And(And(tx("a"), tx("b")), tx("c"))


def test_mixing_or_with_and_warns_and_brackets_silence_it():
    warned = parse("a+b*c")
    assert [w.code for w in warned.warnings] == ["mixed-operators"]
    assert "a/TX+[b/TX*c/TX]" in warned.warnings[0].message("en")
    assert parse("a+[b*c]").warnings == []


def test_full_width_operators_and_ideographic_space():
    assert parse("ａ＊［ｂ＋ｃ］").tree == parse("ａ*[ｂ+ｃ]").tree
    assert parse("(自動車＋車両)／ＴＸ").tree == Or(tx("自動車"), tx("車両"))
    assert parse("a\u3000*\u3000b").tree == And(tx("a"), tx("b"))


def test_value_groups_inherit_the_field():
    assert parse("(自動車+車両)/CL").tree == Or(Atom("CL", Text(("自動車",))),
                                              Atom("CL", Text(("車両",))))
    assert parse("(a-(b+c))/TI").tree == AndNot(Atom("TI", Text(("a",))),
                                               Or(Atom("TI", Text(("b",))),
                                                  Atom("TI", Text(("c",)))))


def test_the_field_splits_at_the_last_slash_outside_quotes():
    assert parse("H01M8/22@Z/FI").tree == Atom("FI", Fi("H01M8/22@Z"))
    assert parse('"a/TX"/TI').tree == Atom("TI", Text(("a/TX",)))
    assert parse("h01m8/22/fi").tree == Atom("FI", Fi("H01M8/22"))


def test_quotes_keep_delimiters_and_double_quotes_escape():
    assert parse('"2-メチル"/TX').tree == tx("2-メチル")
    assert parse('"C++"/TX').tree == tx("C++")
    assert parse('"say ""hi"""/TX').tree == tx('say "hi"')


def test_the_examples_of_the_spec_parse():
    tree = parse("[(リチウム+ナトリウム)/CL*電池,5C,正極/TX]-H01M10/?/FI").tree
    assert tree == AndNot(
        And(Or(Atom("CL", Text(("リチウム",))), Atom("CL", Text(("ナトリウム",)))),
            Atom("TX", Text(("電池", "正極"), (Gap(5, True),)))),
        Atom("FI", Fi("H01M10/", prefix=True)))
    assert parse("[4F100AB01.A/FT]*[4F100AK41.B/FT]").tree == And(
        Atom("FT", Fterm("4F100", "AB01", "A")), Atom("FT", Fterm("4F100", "AK41", "B")))
    dated = parse("20200101:20201231/AD*トヨタ/AP").tree
    assert dated == And(Atom("AD", DateRange(dt.date(2020, 1, 1), dt.date(2020, 12, 31),
                                             "20200101:20201231")),
                        Atom("AP", Text(("トヨタ",))))
    marks = parse("?テック?/TM*09/NC", screen="trademark").tree
    assert isinstance(marks, And) and marks.left == Atom("TM", Mark("?テック?"))


def test_unfielded_atoms_take_the_screens_default_field():
    assert parse("x", screen="patent").tree.field == "TX"
    assert parse("x", screen="design").tree.field == "AR"
    assert parse("x", screen="trademark").tree.field == "TM"


@pytest.mark.parametrize(("text", "value"), [
    ("B01D53/14,311/FI", Fi("B01D53/14,311")),
    ("ZAB/FI", Fi("ZAB", facet=True)),
    ("H01L?/FI", Fi("H01L", prefix=True)),
    ('"H01M 8/02"/IP', Ipc("H01M8/02")),
    ("H01M0008020000/IP", Ipc("H01M8/02")),
    ("H01M?/IP", Ipc("H01M", prefix=True)),
    ("4F100AB/FT", Fterm("4F100", "AB", "")),
    ("4F100<A,B;AB01,AK41>/FT", FtermSet("4F100", ("A", "B"), ("AB01", "AK41"))),
    ("5H029/TC", Theme("5H029")),
    ("2020/PD", DateRange(dt.date(2020, 1, 1), dt.date(2020, 12, 31), "2020")),
    ("202002/PD", DateRange(dt.date(2020, 2, 1), dt.date(2020, 2, 29), "202002")),
    ("2020:/PD", DateRange(dt.date(2020, 1, 1), None, "2020:")),
    (":2020/PD", DateRange(None, dt.date(2020, 12, 31), ":2020")),
    ("a,3N,b,10C,c/TX", Text(("a", "b", "c"), (Gap(3, False), Gap(10, True)))),
])
def test_values_by_field_type(text, value):
    assert parse(text).tree.value == value


def test_numbers_are_read_with_the_fields_kind():
    value = parse('"特願2020-123456"/AN').tree.value
    assert isinstance(value, NumberValue)
    assert ("application", "2020123456") in value.keys
    publication = parse('"特開平10-123456"/PN').tree.value
    assert ("publication", "1998123456") in publication.keys
    assert ("registration", "7533889") in parse("特許第7533889号/RN").tree.value.keys


@pytest.mark.parametrize(("text", "code", "position"), [
    ("a b", "two-atoms", 2),
    ("-a", "starts-with-not", 0),
    ("[-a]", "starts-with-not", 1),
    ("a*", "expected-operand", 2),
    ("a+*b", "expected-operand", 2),
    ("[a+b", "unbalanced-bracket", 0),
    ("a]", "unexpected-close", 1),
    ("(a+b)", "group-needs-field", 5),
    ("(a+b) x", "group-needs-field", 6),
    ("(a/TX+b)/TX", "field-in-group", 1),
    ("([a])/TX", "field-in-group", 1),
    ("x/ZZ", "unknown-field", 1),
    ('"abc', "unterminated-quote", 0),
    ("", "empty", 0),
    ("   ", "empty", 0),
    ("a*H01X/FI", "bad-value", 2),
    ("20201340/AD", "bad-value", 0),
    ("4F1/FT", "bad-value", 0),
    ("4F100<A;AB01,AK41>/FT", "bad-value", 0),
    ("a,5X,b/TX", "bad-value", 0),
    ("a,b/TX", "bad-value", 0),
    ("20201231:20200101/AD", "bad-value", 0),
    ("特願/AN", "bad-value", 0),
    ("電池/TM", "field-not-for-law", 0),
])
def test_errors_name_the_position_and_what_was_expected(text, code, position):
    screen = "patent" if code == "field-not-for-law" else "all"
    with pytest.raises(QueryError) as caught:
        parse(text, screen=screen)
    assert (caught.value.code, caught.value.position) == (code, position)
    assert caught.value.message("en").startswith(f"Position {position + 1}: ")
    assert caught.value.message("ja").startswith(f"{position + 1}文字目：")


def test_the_error_message_says_what_was_found_and_expected():
    with pytest.raises(QueryError) as caught:
        parse("[a*]")
    assert caught.value.message("en") == (
        "Position 4: expected a keyword, '(' or '[' after '*', found ']'.")
    assert caught.value.message("ja") == (
        "4文字目：「*」の後にはキーワード、「(」または「[」が必要ですが、「]」があります。")


def test_limits():
    with pytest.raises(QueryError) as caught:
        parse("a" * 2001)
    assert caught.value.code == "too-long"
    with pytest.raises(QueryError) as caught:
        parse("+".join(["a"] * 201))
    assert caught.value.code == "too-many-values"
    with pytest.raises(QueryError) as caught:
        parse("[" * 17 + "a" + "]" * 17)
    assert caught.value.code == "too-deep"
    assert parse("[" * 16 + "a" + "]" * 16).tree == tx("a")


def test_catalogs_have_the_same_messages_in_both_languages():
    assert MESSAGES["en"].keys() == MESSAGES["ja"].keys()


@pytest.mark.parametrize("text", [
    "a", "a+b", "a+b-c", "a-b*c", "[a+b]*c",
    "[(リチウム+ナトリウム)/CL*電池,5C,正極/TX]-H01M10/?/FI",
    '"2-メチル"/TX', '"C++"/TI', '"a b"/AB', '"x/TX"/TX', "H01M8/22@Z/FI", "B01D53/14,311/FI",
    "4F100AB01.A/FT", "4F100<A,B;AB01,AK41>/FT", "5H029/TC", "H01M8/02/IP", "H01M?/IP",
    "20200101:20201231/AD", "2020:/PD", '"特願2020-123456"/AN', "特許7533889/RN",
    '"in-force"/ST', "A/KD", "電池,5C,正極,3N,負極/TX", "渡辺一豊/AP", "ZAB/FI",
    "[[a+b]-[c*d]]+e", "(a+b-c)/CL", "ｻｰﾊﾞｰ/TX",
])
def test_the_printer_round_trips(text):
    tree = parse(text).tree
    assert parse(show(tree)).tree == tree


def test_the_printer_brackets_every_inner_node():
    assert show(parse("a+b-c").tree) == "a/TX+[b/TX-c/TX]"
    assert show(parse("(a+b)/TI*c").tree) == "[a/TI+b/TI]*c/TX"
