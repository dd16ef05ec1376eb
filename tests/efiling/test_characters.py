"""The characters an application may use, as one regular expression made from the codecs:
it must say exactly what the codecs' definition says, for every character."""

from __future__ import annotations

import re

import pytest

from tokkyo.efiling.characters import bad_characters, jis_ok, to_cp932

_CONTROL_OR_HALF_WIDTH = re.compile("[\x00-\x1f\x7f-\x9f\uff61-\uff9f]")
_CONTROL_OR_HALF_WIDTH_IN_SOURCE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uff61-\uff9f]")


def by_codecs(char: str, *, source: bool = False) -> bool:
    """The definition: no control character (in source: but tab and line breaks) and no
    half-width katakana; ASCII, or encoded as cp932 and decoded as Shift_JIS."""
    refused = _CONTROL_OR_HALF_WIDTH_IN_SOURCE if source else _CONTROL_OR_HALF_WIDTH
    if refused.search(char):
        return False
    if char.isascii():
        return True
    try:
        to_cp932(char).encode("cp932").decode("shift_jis")
    except UnicodeError:
        return False
    return True


@pytest.mark.parametrize("source", [False, True])
def test_every_character_of_the_basic_plane_as_the_codecs_say(source):
    chars = [chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000]
    differ = [c for c in chars if jis_ok(c, source=source) != by_codecs(c, source=source)]
    assert differ == []
    assert sum(by_codecs(c, source=source) for c in chars) == 6984 - (0 if source else 3)


def test_beyond_the_basic_plane_nothing_is_allowed():
    assert not any(jis_ok(chr(i)) for i in range(0x10000, 0x110000, 101))
    assert not jis_ok("𠮷") and bad_characters("a𠮷b") == [1]


def test_a_text_fails_where_its_characters_fail():
    text = "電池①と㈱ﾃ～〜∥‖\t"
    assert bad_characters(text) == [2, 4, 5, 10]          # ①, ㈱, ﾃ, and the tab
    assert jis_ok(text.replace("\t", ""), source=True) is False
    assert jis_ok("電池～〜∥‖－−￠¢\tと\n", source=True)
    assert not jis_ok("電池\t") and jis_ok("電池\t", source=True)
