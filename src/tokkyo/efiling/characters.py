"""Which characters an application may use: JIS X 0208 in Shift_JIS (and printable
ASCII). Not Microsoft's extensions of cp932 (circled digits ①, ㈱, Roman numerals Ⅰ,
IBM kanji), not half-width katakana, not characters outside Shift_JIS; a character that
cannot be written is described between ▲ and ▼.

The check is one regular expression of the characters allowed, made once from the
codecs (`_allowed`), so that checking a whole application is one pass in C: encoding it
as cp932 and decoding it as Shift_JIS, which the definition below spells out, took six
times as long.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Characters that JIS X 0208 holds but that Unicode maps two ways: Python's shift_jis
#: and Microsoft's cp932 differ. Both are accepted; the XML is written in cp932's.
TO_CP932 = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d",
                          "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",
                          "\u2014": "\u2015"})
#: Any of the characters TO_CP932 maps (translating only text that holds one is much
#: faster than translating all of it).
DUAL = re.compile("[\u301c\u2016\u2212\u00a2\u00a3\u00ac\u2014]")


_PAIRS = tuple((chr(a), str(b)) for a, b in TO_CP932.items())


def to_cp932(text: str) -> str:
    """The dual characters in cp932's form (str.replace per character present: a
    translate of a whole input would go character by character in Python's slow path)."""
    if not DUAL.search(text):
        return text
    for jis, cp932 in _PAIRS:
        if jis in text:
            text = text.replace(jis, cp932)
    return text


#: What to write instead, for characters applicants often type.
_SUGGEST = {
    **{chr(0x2460 + i): f"（{chr(0xFF11 + i) if i < 9 else str(i + 1)}）" for i in range(20)},
    "㈱": "（株）", "㈲": "（有）", "№": "Ｎｏ．", "℡": "ＴＥＬ", "㎜": "ｍｍ", "㎝": "ｃｍ",
    "㎏": "ｋｇ", "㍑": "リットル", "㍍": "メートル",
}


def jis_ok(text: str, *, source: bool = False) -> bool:
    """Whether every character of `text` is printable ASCII or JIS X 0208 (`source`:
    line breaks and tabs allowed too, for a whole input). By definition: encoded as cp932
    (Microsoft's mapping, which takes both Unicode forms of the dual characters) and
    decoded as Shift_JIS, which refuses what only cp932 has: NEC row 13 (①, ㈱, Ⅰ) and the
    IBM extensions; control characters and half-width katakana are refused too."""
    return not_allowed(source).search(text) is None


def bad_characters(text: str) -> list[int]:
    """The indexes of the characters of `text` that may not be used."""
    return [m.start() for m in not_allowed().finditer(text)]


def not_allowed(source: bool = False) -> re.Pattern[str]:
    """A character that is not allowed (`jis_ok`'s definition, one character at a time:
    the encodings are stateless, so a text passes if each of its characters does);
    `source`: line breaks and tabs allowed too."""
    return _refused("\t\n\r" if source else "")


def allowed_but_newlines(text: str) -> bool:
    """Whether every character of `text` is allowed or a line feed: a whole input for
    which this holds and which holds no entity (`&`) cannot give a line a character that
    is not allowed, since a line's text is made of the input's characters but line feeds
    (and spaces). One possessive run of the allowed characters, which the regular
    expression engine tests twice as fast as it searches for one that is not."""
    return _allowed_run("\n").fullmatch(text) is not None


@functools.cache
def _allowed_run(blanks: str) -> re.Pattern[str]:
    return re.compile(f"[{blanks} -~{_allowed_ranges()}]*+")


@functools.cache
def _refused(blanks: str) -> re.Pattern[str]:
    """A character that is neither allowed nor one of `blanks`. Made on first use, some
    60 ms: every two-byte Shift_JIS code decoded, with the other Unicode form of the dual
    characters."""
    return re.compile(f"[^{blanks} -~{_allowed_ranges()}]")


@functools.cache
def _allowed_ranges() -> str:
    """The characters of JIS X 0208 (and the other form of each dual character) as the
    ranges of a regular expression's character class."""
    allowed = set(_jis_x_0208())
    for jis, cp932 in _PAIRS:
        if jis in allowed or cp932 in allowed:
            allowed |= {jis, cp932}
    points = sorted(ord(c) for c in allowed)
    ranges: list[list[int]] = []
    for p in points:
        if ranges and ranges[-1][1] == p - 1:
            ranges[-1][1] = p
        else:
            ranges.append([p, p])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in ranges)


def _jis_x_0208() -> set[str]:
    """The characters of every valid two-byte Shift_JIS code."""
    out = set()
    for lead in (*range(0x81, 0xA0), *range(0xE0, 0xFD)):
        for trail in range(0x40, 0xFD):
            char = bytes((lead, trail)).decode("shift_jis", "replace")
            if len(char) == 1 and char != "\ufffd":
                out.add(char)
    return out


def suggestion(char: str) -> tuple[str, str]:
    """What to write instead, in Japanese and English."""
    if char in _SUGGEST:
        instead = _SUGGEST[char]
        return (f"「{instead}」と書いてください。", f"Write '{instead}' instead.")
    if unicodedata.east_asian_width(char) == "H" and "KATAKANA" in unicodedata.name(char, ""):
        full = unicodedata.normalize("NFKC", char)
        return (f"半角カナは使えません。全角の「{full}」にしてください。",
                f"Half-width katakana are not allowed; use the full-width '{full}'.")
    if not char.isprintable():
        return ("制御文字です。削除してください。", "A control character: delete it.")
    return ("表記できない文字は、その説明を ▲ と ▼ で囲んで書いてください（例：▲丸にＡ▼）。",
            "Describe a character that cannot be written between ▲ and ▼ "
            "(e.g. ▲丸にＡ▼, 'A in a circle').")
