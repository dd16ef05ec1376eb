"""`normalise_text` collapses whitespace by splitting and joining: the same text as the
definition (NFKC, case-folded, every run of `\\s` one space, trimmed) for any text,
whitespace of every kind included."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tokkyo.search.normalize import normalise_text

#: Every character `\s` matches, and some that NFKC turns into spaces or that are not
#: whitespace at all but look like it.
WHITESPACE = "".join(re.findall(r"\s", "".join(map(chr, range(sys.maxunicode + 1)))))
CHARACTERS = st.sampled_from(WHITESPACE + "\u200b\ufeff\u3000\u00a0aZé漢ｶＡ\x00\ud800")


def by_definition(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()


@settings(max_examples=400, deadline=None)
@given(st.text(CHARACTERS, max_size=60) | st.text(max_size=60))
def test_normalise_text_is_the_definition(text: str) -> None:
    assert normalise_text(text) == by_definition(text)


def test_every_whitespace_character_is_a_space_between_words() -> None:
    assert len(WHITESPACE) > 20
    for char in WHITESPACE:
        assert normalise_text(f" a{char}{char}b{char}") == "a b", repr(char)
