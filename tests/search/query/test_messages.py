"""Errors name the position and what was expected, in English and Japanese (portal.md §3.2
rule 7); the catalogs cover every code in both languages."""

from __future__ import annotations

import re
import string

import pytest

from tokkyo.search.query import MESSAGES, QueryError, QueryWarning, parse
from tokkyo.search.query.errors import LANGUAGES, WORDS


def error_of(text: str, screen: str = "all") -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(text, screen=screen)
    return caught.value


# Every error code the parser raises, with an input that raises it.
CASES = [
    ("", "empty", 0),
    ("a*", "expected-operand", 2),
    ("a)", "unexpected-close", 1),
    ("[a)", "unexpected-token", 2),
    ("a b", "two-atoms", 2),
    ("-a", "starts-with-not", 0),
    ("[a+b", "unbalanced-bracket", 0),
    ('x+"abc', "unterminated-quote", 2),
    ("x/ZZ", "unknown-field", 1),
    ("/x", "needs-quotes", 0),
    ("電池/TM", "field-not-for-law", 2),
    ("(a/TI)/TX", "field-in-group", 2),
    ("(a+b)*c", "group-needs-field", 5),
    ("[a]/TX", "field-after-bracket", 3),
    ("H01X/FI", "bad-value", 0),
    ("a" * 2001, "too-long", 2000),
    ("+".join("a" * 201), "too-many-values", 400),
    ("[" * 17 + "a" + "]" * 17, "too-deep", 16),
]


@pytest.mark.parametrize(("text", "code", "position"), CASES, ids=[c[1] for c in CASES])
def test_errors_name_the_code_and_the_position_in_both_languages(text, code, position):
    error = error_of(text, "patent" if "TM" in text else "all")
    assert (error.code, error.position) == (code, position)
    english, japanese = error.message("en"), error.message("ja")
    assert english.startswith(f"Position {position + 1}: ") and english.endswith(".")
    assert japanese.startswith(f"{position + 1}文字目：") and japanese.endswith("。")
    assert "{" not in english + japanese
    assert str(error) == english


def test_every_message_code_is_raised_by_some_case():
    raised = {code for _, code, _ in CASES} | {"mixed-operators"}
    assert raised == {k for k in MESSAGES["en"] if not k.startswith("value.")}


def test_the_message_says_what_was_expected_and_what_was_found():
    error = error_of("[a*]")
    assert error.message("en") == "Position 4: expected a keyword, '(' or '[' after '*', found ']'."
    assert error.message("ja") == (
        "4文字目：「*」の後にキーワード、「(」か「[」が必要ですが、「]」があります。")


def test_inside_a_group_only_keywords_and_groups_are_expected():
    error = error_of("(a+)/TX")
    assert error.message("en") == "Position 4: expected a keyword or '(' after '+', found ')'."


def test_the_end_of_the_expression_is_named():
    assert error_of("a*").message("en").endswith("found the end of the expression.")
    assert error_of("a*").message("ja").endswith("式が終わっています。")


def test_unclosed_bracket_and_unexpected_token_name_the_closing_bracket():
    assert "expected ']'" in error_of("[a").message("en")
    assert "「)」が必要です" in error_of("(a").message("ja")
    assert "or ']', found ')'" in error_of("[a)").message("en")


def test_field_not_for_law_names_field_and_screen():
    error = error_of("a/AR", "trademark")
    assert error.message("en") == (
        "Position 2: the field /AR (article name) cannot be used in a trademark search.")
    assert error.message("ja") == (
        "2文字目：検索項目 /AR（意匠に係る物品）は商標の検索では使えません。")


def test_value_problems_are_translated():
    error = error_of("x*20210229/AD")
    assert error.message("en") == (
        "Position 3: '20210229' is not a valid /AD value: 20210229 is not a real date.")
    assert error.message("ja") == (
        "3文字目：「20210229」は /AD の値として正しくありません：20210229 は実在しない日付です。")


def test_unknown_language_falls_back_to_english():
    assert error_of("a b").message("fr") == error_of("a b").message("en")


def test_catalogs_have_the_same_keys_and_placeholders():
    assert set(LANGUAGES) == set(MESSAGES) == set(WORDS)
    assert MESSAGES["en"].keys() == MESSAGES["ja"].keys()
    assert WORDS["en"].keys() == WORDS["ja"].keys()
    fields = string.Formatter()
    for key in MESSAGES["en"]:
        names = [{f for _, f, _, _ in fields.parse(MESSAGES[lang][key]) if f}
                 for lang in LANGUAGES]
        assert names[0] == names[1], key


def test_messages_are_sentences_without_final_punctuation_in_the_template():
    for lang in LANGUAGES:
        for key, template in MESSAGES[lang].items():
            assert not re.search(r"[.。]$", template), (lang, key)


def test_warnings_have_messages_with_the_position():
    warning = parse("x*y+z").warnings[0]
    assert isinstance(warning, QueryWarning)
    assert (warning.code, warning.position) == ("mixed-operators", 0)
    assert warning.message("en") == ("Position 1: '+' is mixed with '*' or '-' without "
                                     "brackets; read as [x/TX*y/TX]+z/TX.")
    assert warning.message("ja").startswith("1文字目：括弧なしで")
