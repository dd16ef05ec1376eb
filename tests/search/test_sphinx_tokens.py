"""The words of the sphinx backend (search/backends/sphinx/tokens.py) in Python alone:
a date range's words cover exactly the dates inside it, whatever its ends; a code's
escaped word starts with a prefix's word exactly when the code starts with the prefix;
F-terms turned round for the additional code; text as words of characters and of pairs
of characters."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tokkyo.search.backends.sphinx import tokens

DAYS = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))


def covered(words: list[str], day: dt.date) -> bool:
    indexed = tokens.date_words("dpd", day)
    return any((w.endswith("*") and any(i.startswith(w[:-1]) for i in indexed))
               or w in indexed for w in words)


@settings(max_examples=300, deadline=None)
@given(start=st.one_of(st.none(), DAYS), end=st.one_of(st.none(), DAYS), day=DAYS,
       near=st.integers(-40, 40))
def test_a_date_range_covers_exactly_the_days_inside_it(start, end, day, near):
    words = tokens.date_range("dpd", start, end)
    for probe in {day, *(d + dt.timedelta(days=near) for d in (start, end) if d is not None
                         and dt.date.min + dt.timedelta(days=40) < d
                         < dt.date.max - dt.timedelta(days=40))}:
        inside = (start is None or start <= probe) and (end is None or probe <= end)
        assert covered(words, probe) == inside, (start, end, probe)
    assert len(words) <= 160


def test_the_open_range_is_a_few_words():
    every = tokens.date_range("dad", None, None)
    assert every == ([f"dady000{d}" for d in range(1, 10)] + [f"dady00{d}*" for d in range(1, 10)]
                     + [f"dady0{d}*" for d in range(1, 10)] + [f"dady{d}*" for d in range(1, 10)])
    assert tokens.date_range("dpd", dt.date(2021, 1, 1), dt.date(2021, 12, 31)) == ["dpdy2021"]
    assert tokens.date_range("dpd", dt.date(2021, 3, 1), dt.date(2021, 3, 31)) == ["dpdd202103*"]
    assert tokens.date_range("dpd", dt.date(2022, 1, 1), dt.date(2021, 1, 1)) == []


CODE = st.text(alphabet="AB05Zz/,@.:-_~é技", max_size=8)


@settings(max_examples=300, deadline=None)
@given(code=CODE, prefix=CODE)
def test_escaped_codes_keep_prefixes_and_word_characters(code, prefix):
    word, start = tokens.escape(code), tokens.escape(prefix)
    assert word.startswith(start) == code.startswith(prefix)
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in word)
    assert (tokens.escape(code) == tokens.escape(prefix)) == (code == prefix)


def test_fterms_are_turned_round_at_the_last_dot():
    assert tokens.turned("5F063AA04.B") == "B.5F063AA04"
    assert tokens.turned("5F063AA04") is None
    assert tokens.code_prefix("fta", "B.5F063AA") == "cfaB_2e5F063AA*"


def test_text_is_words_of_characters_and_of_pairs_and_units_stay_apart():
    assert tokens.char_words("a 電") == ["x61", "x20", "x96fb"]
    assert tokens.units_text(["ab", "c"]) == "x61 x62 . x63"
    assert tokens.pair_words("電池") == ["y96fb_6c60"] and tokens.pair_words("池") == []
    assert tokens.units_pairs(["abc", "d", "ef"]) == "y61_62 y62_63 .  . y65_66"
    # what the writer indexes: both at once, the same words (spaces, empty units and
    # characters past the BMP included)
    units = ["a 電", "", "d", "\U0002000b池"]
    assert tokens.units_words(units) == (
        "x61 x20 x96fb .  . x64 . x2000b x6c60", "y61_20 y20_96fb .  .  . y2000b_6c60")
    assert tokens.units_words(units) == (tokens.units_text(units), tokens.units_pairs(units))
    assert tokens.term_phrase("abc") == '"y61_62 y62_63"'
    # every other inner pair left to `*`, the first and the last kept
    assert tokens.covering_words("ab") == ["y61_62"]
    assert tokens.covering_words("abc") == ["y61_62", "y62_63"]
    assert tokens.covering_words("abcd") == ["y61_62", "*", "y63_64"]
    assert tokens.covering_phrase("abcde") == '"y61_62 * y63_64 y64_65"'
    assert tokens.covering_words("abcdef") == ["y61_62", "*", "y63_64", "*", "y65_66"]
    assert tokens.phrase("池") == '"x6c60"'
    assert tokens.marks_text(["", "A"]) == "mb mf mb x41 mf"
