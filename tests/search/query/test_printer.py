"""The canonical, fully bracketed form (portal.md §3.2 rule 6) and its round trip:
parse(show(parse(x).tree)).tree == parse(x).tree."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tokkyo.search.query import (
    And,
    Atom,
    Code,
    DateRange,
    Mark,
    NumberValue,
    Or,
    QueryError,
    Text,
    parse,
    show,
)
from tokkyo.search.query.printer import quote

EXPRESSIONS = [
    "a", "a+b", "a+b-c", "a-b*c", "a*b*c", "a+b+c", "[a+b]*c", "[[a+b]-[c*d]]+e",
    "[(リチウム+ナトリウム)/CL*電池,5C,正極/TX]-H01M10/?/FI",
    "[4F100AB01.A/FT]*[4F100AK41.B/FT]",
    "20200101:20201231/AD*トヨタ/AP",
    '"2-メチル"/TX', '"C++"/TI', '"a b"/AB', '"x/TX"/TX', '"say ""hi"""', '"1,000"/CL',
    '"a,b",3N,c', '"/x"', "km/h", '"mg/KG"', "ｻｰﾊﾞｰ", "ａ＊［ｂ＋ｃ］",
    "H01M8/22@Z/FI", "B01D53/14,311/FI", "ZAB/FI", "h01l?/fi", '"H01M 8/02"/IP',
    "H01M0008020000/IP", "Y02E60/10/CP", "4F100<A,B;AB01,AK41>/FT", "4F100AB/FT",
    "5H029/TC", "2020/PD", "202002:/RD", ":20201231/AD", "20200229/AD",
    '"特願2020-123456"/AN', '"特開2021-090037"/AN', "2020512345/PN", "JPH08179521/PN",
    "7533889/AN", '"PCT/JP2019/011858"/AN', "特許7533889/RN",
    '"in-force"/ST', "A?/KD", '"12-08"/LC', "9/NC", "電池,5C,正極,3N,負極/TX",
    "(a+b-c)/CL", "(a-(b+c))/TI*d", "[a]",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_the_printer_round_trips(text):
    screen = "all"
    tree = parse(text, screen=screen).tree
    again = parse(show(tree), screen=screen)
    assert again.tree == tree
    assert again.warnings == []
    assert show(again.tree) == show(tree)


@pytest.mark.parametrize("text", ["?テック?/TM*09/NC", "「ア」?/TM", '"A B"/TM', "x"])
def test_the_printer_round_trips_on_the_trademark_screen(text):
    tree = parse(text, screen="trademark").tree
    assert parse(show(tree), screen="trademark").tree == tree


@pytest.mark.parametrize(("text", "shown"), [
    ("a+b-c", "a/TX+[b/TX-c/TX]"),
    ("a-b*c", "a/TX-b/TX*c/TX"),              # left to right at one level: (a-b)*c
    ("a+b+c", "a/TX+b/TX+c/TX"),
    ("a*b*c+d", "[a/TX*b/TX*c/TX]+d/TX"),
    ("a-b-c", "a/TX-b/TX-c/TX"),
    ("a-[b-c]", "a/TX-[b/TX-c/TX]"),          # as typed: another tree
    ("a+[b+c]", "a/TX+[b/TX+c/TX]"),
    ("(a+b+c)/CL*d", "[a/CL+b/CL+c/CL]*d/TX"),
    ("(a+b)/TI*c", "[a/TI+b/TI]*c/TX"),
    ("[[a]]", "a/TX"),
    ("[(リチウム+ナトリウム)/CL*電池,5C,正極/TX]-H01M10/?/FI",
     "[リチウム/CL+ナトリウム/CL]*電池,5C,正極/TX-H01M10/?/FI"),
    ("電池,5n,正極", "電池,5N,正極/TX"),
    ('"2-メチル"', '"2-メチル"/TX'),
    ('"x/TI"', '"x/TI"/TX'),
    ('"a""b"', '"a""b"/TX'),
    ("h01m8/02@z/fi", "H01M8/02@Z/FI"),
    ('"H01M 8/02"/IP', "H01M8/02/IP"),
    ("H01M0008020000/IP", "H01M8/02/IP"),
    ("4f100ab01.a/ft", "4F100AB01.A/FT"),
    ("2020/AD", "20200101:20201231/AD"),
    ("202002:/AD", "20200201:/AD"),
    (":2020/AD", ":20201231/AD"),
    ("20200301/AD", "20200301/AD"),
    ('"特願2020-123456"/AN', "2020123456/AN"),
    ('"特開平10-123456"/PN', "1998123456/PN"),
    ("特許第7533889号/RN", "7533889/RN"),
    ('"特開2021-090037"/AN', '"特開2021-090037"/AN'),   # the key alone would read otherwise
    ("b2/KD", "B2/KD"),
    ("9/NC", "09/NC"),
])
def test_canonical_forms(text, shown):
    assert show(parse(text).tree) == shown


def test_hand_built_trees_print():
    tree = Or(And(Atom("AP", Text(("トヨタ",))), Atom("PD", DateRange(dt.date(2020, 1, 1),
                                                                       None))),
              Atom("TM", Mark("ア?")))
    assert show(tree) == "[トヨタ/AP*20200101:/PD]+ア?/TM"
    assert show(Atom("ST", Code("in-force"))) == '"in-force"/ST'
    assert show(Atom("AN", NumberValue((("application", "2020123456"),)))) == "2020123456/AN"


@pytest.mark.parametrize(("value", "quoted"), [
    ("a", "a"), ("", '""'), ("a b", '"a b"'), ("a,b", '"a,b"'), ("/a", '"/a"'),
    ('a"b', '"a""b"'), ("a/TX", '"a/TX"'), ("a/b", "a/b"), ("a/1", "a/1"), ("x-y", '"x-y"'),
    ("[x]", '"[x]"'), ("(x)", '"(x)"'), ("x*y", '"x*y"'), ("x+y", '"x+y"'),
])
def test_quoting(value, quoted):
    assert quote(value) == quoted


def test_random_expressions_either_fail_cleanly_or_round_trip():
    pieces = [*'ab電池*+-[]()/" ,5CN?:<>;.', "/TX", "/FI", "/AD", "/TM", "/AN", "/ZZ", "/tx",
              "H01M8/02", "2020", "4F100AB01", "\u3000", "＊", "＂", "/NC", "2020123456"]
    rng = random.Random(20240201)
    parsed = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        try:
            tree = parse(text, screen="trademark").tree
        except QueryError as error:
            assert 0 <= error.position <= len(text) and error.message("ja")
            continue
        parsed += 1
        assert parse(show(tree), screen="trademark").tree == tree, text
    assert parsed > 300


@pytest.mark.parametrize("words", [19, 100, 200])
def test_long_form_and_simple_searches_read_back(words):
    """A form row or a simple search of many words: its canonical form is what permalinks,
    page links, sorting, CSV and saved formulas carry, so it must parse again (a chain
    printed one bracket per operator was 17 levels deep at 19 words: too deep to read)."""
    from tokkyo.documents.results import form_expression, simple_expression

    text = " ".join(f"w{i}" for i in range(words))
    chain = "-".join(f"w{i}" for i in range(min(words, 150)))
    alternating = "".join(f"w{i}{'-' if i % 2 else '*'}" for i in range(min(words, 150)))
    for expression in (form_expression([("TI", text, "OR")]),
                       form_expression([("TI", text, "AND")]), chain, alternating + "z",
                       simple_expression(" ".join(f"w{i}" for i in range(words // 7)), "all")):
        tree = parse(expression).tree
        assert parse(show(tree)).tree == tree
