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


def test_the_xml_is_encoded_as_to_cp932_then_cp932_would():
    """`xml_writer.encode` maps the dual characters inside the codec (one pass): for every
    character of the basic plane it gives the bytes of `to_cp932` and cp932, or the same
    error, alone and between others (the codec hands a run of them to its handler)."""
    from tokkyo.efiling.xml_writer import encode

    def reference(text: str) -> bytes | None:
        try:
            return to_cp932(text).encode("cp932")
        except UnicodeEncodeError:
            return None

    def ours(text: str) -> bytes | None:
        try:
            return encode(text)
        except UnicodeEncodeError:
            return None

    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert ours(char) == reference(char), hex(code)
    runs = ["\u301c\u2212\u2016", "a\u301c\u2212b", "\u2014\u00a2\u00a3\u00ac", "\u301c\u2460",
            "\u2460\u301c", "x\u301c\u2460\u2212y", "【\u2212】&lt;", "x\u301c\u00e9y",
            "\u00e9\u2212", "\u2212\U0001f600"]
    assert ours("x\u301c\u00e9y") is None
    for text in runs:
        assert ours(text) == reference(text), text


def test_the_whole_input_test_says_what_the_characters_say():
    """`allowed_but_newlines` (the check's test of a whole input at once) holds for a
    character exactly when it is allowed or a line feed."""
    from tokkyo.efiling.characters import allowed_but_newlines

    chars = [chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000]
    assert [c for c in chars if allowed_but_newlines(c) != (c == "\n" or jis_ok(c))] == []
    assert allowed_but_newlines("電池\nと～〜\n") and allowed_but_newlines("")
    assert not allowed_but_newlines("電池\n①") and not allowed_but_newlines("電池\r\n")
