"""The tantivy backend's text tokens (search/backends/tantivy/schema.py) in Python alone.
The bigram text, made in C from interleaved UTF-32 units for long fields, holds exactly
the tokens of the definition, each character paired with the next and a unit's last
with `END`, the units `GAP` fillers apart; the character text (numpy's distinct code
points for long fields, or its count of the bytes of ASCII ones) holds each character
once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tokkyo.search.backends.tantivy.schema import (
    END,
    FILLER,
    GAP,
    SPACE,
    bigram_text,
    unigram_text,
)


def tokens_of(text: str) -> list[str]:
    """What tantivy's whitespace tokenizer reads (an empty unit leaves two spaces)."""
    return [token for token in text.split(" ") if token]


def by_definition(values: list[str]) -> list[str]:
    tokens: list[str] = []
    for i, value in enumerate(values):
        if i:
            tokens += [FILLER] * GAP
        text = value.replace(" ", SPACE) + END
        tokens += [text[j:j + 2] for j in range(len(text) - 1)]
    return tokens


# Japanese, Latin, astral characters, NUL and lone surrogates (a JSON answer can carry
# them) and spaces, in units short and long (the C path starts at 48 characters a field).
CHARACTERS = st.sampled_from("あ漢字カＡａAb1１é \x00\ud800\udc00\U0001F600")
UNITS = st.lists(st.text(CHARACTERS, max_size=120), max_size=6)


@settings(max_examples=400, deadline=None)
@given(values=UNITS)
def test_bigram_text_holds_the_tokens_of_the_definition(values: list[str]) -> None:
    assert tokens_of(bigram_text(values)) == by_definition(values)


@settings(max_examples=400, deadline=None)
@given(values=st.lists(st.text(CHARACTERS, max_size=400), max_size=4))
def test_unigram_text_holds_each_character_once(values: list[str]) -> None:
    tokens = tokens_of(unigram_text(values))
    assert len(tokens) == len(set(tokens))
    assert set(tokens) == set("".join(values)) - {" "}


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(st.characters(max_codepoint=127), max_size=400), max_size=4))
def test_unigram_text_of_latin_text_holds_each_character_once(values: list[str]) -> None:
    # ASCII fields of 200 characters and more are counted byte by byte
    tokens = tokens_of(unigram_text(values))
    assert len(tokens) == len(set(tokens))
    assert set(tokens) == set("".join(values)) - {" "}


def test_a_description_sized_field() -> None:
    values = ["半導体ウェーハを分割予定ラインに沿って分割する方法 " * 40, "a", "", "ＬｉＮｉ０．８"]
    assert tokens_of(bigram_text(values)) == by_definition(values)
