"""The grammar of portal.md §3.2: pre-lexing, chunks, quoting, `/CODE`, value groups,
precedence (rules 1–7), limits, the examples of §3.3 and the mixing warning."""

from __future__ import annotations

import datetime as dt

import pytest

from tokkyo.search.query import (
    And,
    AndNot,
    Atom,
    Code,
    DateRange,
    Fi,
    Fterm,
    Gap,
    Mark,
    Or,
    QueryError,
    Text,
    atoms,
    parse,
)


def tx(value: str, field: str = "TX") -> Atom:
    return Atom(field, Text((value,)))


def error_of(text: str, screen: str = "all") -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(text, screen=screen)
    return caught.value


# --- rule 1: precedence ---------------------------------------------------------------------

def test_or_binds_loosest():
    assert parse("a+b-c").tree == Or(tx("a"), AndNot(tx("b"), tx("c")))
    assert parse("a*b+c").tree == Or(And(tx("a"), tx("b")), tx("c"))


def test_and_and_and_not_go_left_to_right():
    assert parse("a-b*c").tree == And(AndNot(tx("a"), tx("b")), tx("c"))
    assert parse("a*b-c").tree == AndNot(And(tx("a"), tx("b")), tx("c"))
    assert parse("a*b*c").tree == And(And(tx("a"), tx("b")), tx("c"))
    assert parse("a+b+c").tree == Or(Or(tx("a"), tx("b")), tx("c"))


def test_brackets_group():
    assert parse("[a+b]*c").tree == And(Or(tx("a"), tx("b")), tx("c"))
    assert parse("a-[b*c]").tree == AndNot(tx("a"), And(tx("b"), tx("c")))
    assert parse("[[a]]").tree == tx("a")


@pytest.mark.parametrize(("text", "position"), [("-a", 0), ("[-a]", 1), ("a*[-b]", 3),
                                                ("(-a)/TX", 1), ("  -a", 2)])
def test_an_expression_or_group_may_not_start_with_not(text, position):
    error = error_of(text)
    assert (error.code, error.position) == ("starts-with-not", position)


def test_not_after_another_operator_is_a_missing_operand():
    error = error_of("a+-b")
    assert (error.code, error.position, error.args["after"]) == ("expected-operand", 2, "+")


# --- rule 2: whitespace is not an operator ----------------------------------------------------

@pytest.mark.parametrize(("text", "position"), [("a b", 2), ("a [b]", 2), ("[a] b", 4),
                                                ("a (b)/TX", 2), ("(a b)/TX", 3),
                                                ("a/TI b/TX", 5)])
def test_two_atoms_without_operator_are_an_error(text, position):
    error = error_of(text)
    assert (error.code, error.position) == ("two-atoms", position)


def test_whitespace_around_operators_is_ignored():
    assert parse("  a  *\tb \n").tree == And(tx("a"), tx("b"))


# --- pre-lexing and lexing --------------------------------------------------------------------

def test_full_width_operators_brackets_and_ideographic_space():
    assert parse("ａ＊［ｂ＋ｃ］").tree == And(tx("ａ"), Or(tx("ｂ"), tx("ｃ")))
    assert parse("(自動車＋車両)／ＴＸ").tree == Or(tx("自動車"), tx("車両"))
    assert parse("a\u3000＊\u3000b－c").tree == AndNot(And(tx("a"), tx("b")), tx("c"))
    assert parse("Ｈ01Ｍ8／02／FI").tree == Atom("FI", Fi("H01M8/02"))


def test_only_the_listed_characters_are_mapped_before_parsing():
    # ㈱ and full-width letters stay as typed (normalised later, per value).
    assert parse("㈱トヨタ/AP").tree == tx("㈱トヨタ", "AP")
    assert parse("ｻｰﾊﾞｰ").tree == tx("ｻｰﾊﾞｰ")


def test_positions_are_offsets_into_the_original_text():
    tree = parse("ａ＊ｂｃ/TI").tree
    assert isinstance(tree, And)
    assert (tree.right.start, tree.right.end, tree.right.raw) == (2, 7, "ｂｃ")


def test_quotes_keep_delimiters_and_double_quotes_escape():
    assert parse('"2-メチル"/TX').tree == tx("2-メチル")
    assert parse('"C++"/TX').tree == tx("C++")
    assert parse('"a b"').tree == tx("a b")
    assert parse('"say ""hi"""').tree == tx('say "hi"')
    assert parse('ab"c d"e').tree == tx("abc de")
    assert parse('"[x]"*"(y)"').tree == And(tx("[x]"), tx("(y)"))


def test_a_quoted_comma_is_literal_text_and_an_unquoted_one_is_proximity():
    assert parse('"1,000"').tree == tx("1,000")
    assert parse('"a,b",3N,c').tree == Atom("TX", Text(("a,b", "c"), (Gap(3, False),)))


def test_raw_keeps_the_value_as_typed():
    atom = parse('"2-メチル"/CL').tree
    assert isinstance(atom, Atom)
    assert (atom.raw, atom.start, atom.end) == ('"2-メチル"', 0, 10)


# --- /CODE ------------------------------------------------------------------------------------

def test_the_field_splits_at_the_last_slash():
    assert parse("H01M8/22@Z/FI").tree == Atom("FI", Fi("H01M8/22@Z"))
    assert parse("H01L21/?/FI").tree == Atom("FI", Fi("H01L21/", prefix=True))


def test_field_codes_are_case_insensitive():
    assert parse("h01m8/22/fi").tree == Atom("FI", Fi("H01M8/22"))
    assert parse("電池/Tx").tree == tx("電池")


def test_a_slash_inside_quotes_never_splits():
    assert parse('"a/TX"/TI').tree == tx("a/TX", "TI")
    assert parse('"a/TI"').tree == tx("a/TI")
    assert parse('a/"TI"').tree == tx("a/TI")


def test_a_slash_not_followed_by_a_field_code_is_part_of_the_value():
    assert parse("km/h").tree == tx("km/h")
    assert parse("mg/kg*A/D").tree == And(tx("mg/kg"), tx("A/D"))
    assert parse('"/x"').tree == tx("/x")


@pytest.mark.parametrize(("text", "position", "name"), [("x/ZZ", 1, "ZZ"), ("a*b/PA", 3, "PA"),
                                                        ("(a)/QQ", 3, "QQ")])
def test_an_unknown_field_code_is_an_error(text, position, name):
    error = error_of(text)
    assert (error.code, error.position, error.args["name"]) == ("unknown-field", position, name)


@pytest.mark.parametrize("text", ["/abc", "/a/TX", "a*/x"])
def test_a_leading_slash_needs_quotes(text):
    assert error_of(text).code == "needs-quotes"


# --- rule 3: default field, value groups ------------------------------------------------------

@pytest.mark.parametrize(("screen", "field"), [("all", "TX"), ("patent", "TX"),
                                               ("utility", "TX"), ("design", "AR"),
                                               ("trademark", "TM")])
def test_unfielded_atoms_take_the_screens_default_field(screen, field):
    tree = parse("x*y/AP", screen=screen).tree
    assert isinstance(tree, And) and tree.left.field == field


def test_value_groups_inherit_the_field():
    assert parse("(自動車+車両)/TX").tree == Or(tx("自動車"), tx("車両"))
    assert parse("(a-(b+c))/TI").tree == AndNot(tx("a", "TI"), Or(tx("b", "TI"), tx("c", "TI")))
    assert parse("(a*b)/CL+c").tree == Or(And(tx("a", "CL"), tx("b", "CL")), tx("c"))
    assert parse("(a+b) /AB").tree == Or(tx("a", "AB"), tx("b", "AB"))


def test_values_in_a_group_are_read_with_the_groups_field_type():
    assert parse("(H01M8/02+H01M10/?)/FI").tree == Or(Atom("FI", Fi("H01M8/02")),
                                                      Atom("FI", Fi("H01M10/", prefix=True)))


@pytest.mark.parametrize(("text", "position"), [("(a/TX+b)/TX", 2), ("(a+b/CL)/TX", 4),
                                                ("([a])/TX", 1), ("((a/TI))/TX", 3)])
def test_a_field_inside_a_group_is_an_error(text, position):
    error = error_of(text)
    assert (error.code, error.position) == ("field-in-group", position)


@pytest.mark.parametrize(("text", "position", "found"), [
    ("(a+b)", 5, None), ("(a+b) x", 6, "x"), ("(a+b)*c", 5, "*"), ("(a)x/TX", 3, "x/TX"),
])
def test_after_a_group_comes_exactly_a_field(text, position, found):
    error = error_of(text)
    assert (error.code, error.position, error.args["found"]) == (
        "group-needs-field", position, found)


def test_a_second_field_after_a_group_is_a_value_with_a_leading_slash():
    assert error_of("(a)/TX/CL").code == "needs-quotes"


def test_a_field_after_square_brackets_is_an_error():
    error = error_of("[a+b]/TX")
    assert (error.code, error.position) == ("field-after-bracket", 5)


@pytest.mark.parametrize(("text", "screen", "position"), [
    ("電池/TM", "patent", 2), ("a/AR", "trademark", 1), ("(a+b)/TM", "design", 5),
    ("x/FI", "design", 1), ("a/CN", "utility", 1),
])
def test_a_field_of_another_law_is_an_error_except_on_the_all_screen(text, screen, position):
    error = error_of(text, screen)
    assert (error.code, error.position, error.args["law"]) == (
        "field-not-for-law", position, screen)
    parse(text.replace("x/FI", "H01M8/02/FI"), screen="all")


def test_fields_for_every_law_work_on_every_screen():
    for screen in ("patent", "design", "trademark"):
        assert parse("トヨタ/AP*2020/AD*A/KD", screen=screen).tree is not None


def test_unknown_screen():
    with pytest.raises(ValueError, match="screen"):
        parse("a", screen="fax")


# --- brackets ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code", "position"), [
    ("[a+b", "unbalanced-bracket", 0), ("a*[b*[c]", "unbalanced-bracket", 2),
    ("(a+b", "unbalanced-bracket", 0), ("a]", "unexpected-close", 1),
    ("]", "unexpected-close", 0), ("[a)", "unexpected-token", 2), ("[a]]", "unexpected-close", 3),
    ("[]", "expected-operand", 1), ("()/TX", "expected-operand", 1),
])
def test_unbalanced_brackets(text, code, position):
    error = error_of(text)
    assert (error.code, error.position) == (code, position)


# --- rule 5: limits ---------------------------------------------------------------------------

def test_length_limit():
    parse("a" * 2000)
    error = error_of("a" * 2001)
    assert (error.code, error.position, error.args["length"]) == ("too-long", 2000, 2001)


def test_value_limit():
    assert len(atoms(parse("+".join(["a"] * 200)).tree)) == 200
    error = error_of("+".join(["a"] * 201))
    assert (error.code, error.position) == ("too-many-values", 400)
    assert error_of("(" + "+".join(["a"] * 201) + ")/TX").code == "too-many-values"


def test_depth_limit():
    assert parse("[" * 16 + "a" + "]" * 16).tree == tx("a")
    error = error_of("[" * 17 + "a" + "]" * 17)
    assert (error.code, error.position) == ("too-deep", 16)
    assert error_of("[" * 15 + "((a))/TX" + "]" * 15).code == "too-deep"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_an_empty_expression_is_an_error(text):
    error = error_of(text)
    assert (error.code, error.position) == ("empty", 0)


# --- rule 6: the mixing warning ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "shown"), [
    ("a+b*c", "a/TX+[b/TX*c/TX]"), ("a-b+c", "[a/TX-b/TX]+c/TX"),
    ("[a+b-c]*d", "a/TX+[b/TX-c/TX]"), ("(a+b*c)/TI", "a/TI+[b/TI*c/TI]"),
])
def test_mixing_or_with_and_or_not_at_one_level_warns(text, shown):
    warnings = parse(text).warnings
    assert [w.code for w in warnings] == ["mixed-operators"]
    assert warnings[0].args["shown"] == shown
    assert shown in warnings[0].message("en") and shown in warnings[0].message("ja")


@pytest.mark.parametrize("text", ["a+[b*c]", "[a-b]+c", "a*b-c", "a+b+c", "(a+b)/TI*c",
                                  "[a+b]*c"])
def test_brackets_or_one_kind_of_operator_give_no_warning(text):
    assert parse(text).warnings == []


# --- the examples of §3.3 ---------------------------------------------------------------------

def test_example_value_group_proximity_and_fi_prefix():
    tree = parse("[(リチウム+ナトリウム)/CL*電池,5C,正極/TX]-H01M10/?/FI").tree
    assert tree == AndNot(
        And(Or(tx("リチウム", "CL"), tx("ナトリウム", "CL")),
            Atom("TX", Text(("電池", "正極"), (Gap(5, True),)))),
        Atom("FI", Fi("H01M10/", prefix=True)))


def test_example_f_terms_with_additional_codes():
    assert parse("[4F100AB01.A/FT]*[4F100AK41.B/FT]").tree == And(
        Atom("FT", Fterm("4F100", "AB01", "A")), Atom("FT", Fterm("4F100", "AK41", "B")))


def test_example_date_range_and_applicant():
    assert parse("20200101:20201231/AD*トヨタ/AP").tree == And(
        Atom("AD", DateRange(dt.date(2020, 1, 1), dt.date(2020, 12, 31))), tx("トヨタ", "AP"))


def test_example_mark_and_nice_class_on_the_trademark_screen():
    parsed = parse("?テック?/TM*09/NC", screen="trademark")
    assert parsed.tree == And(Atom("TM", Mark("?テック?")), Atom("NC", Code("09")))
    assert parsed.warnings == [] and parsed.source == "?テック?/TM*09/NC"
