"""Which characters an application may use: JIS X 0208 in Shift_JIS (and printable
ASCII). Not Microsoft's extensions of cp932 (circled digits ①, ㈱, Roman numerals Ⅰ,
IBM kanji), not half-width katakana, not characters outside Shift_JIS; a character that
cannot be written is described between ▲ and ▼.

The check runs over every line: one encode and one byte pattern per line, character by
character only where a line fails.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters that JIS X 0208 holds but that Unicode maps two ways: Python's shift_jis
#: and Microsoft's cp932 differ. Both are accepted; the XML is written in cp932's.
TO_CP932 = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d",
                          "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",
                          "\u2014": "\u2015"})
#: A line in cp932 that is all printable ASCII and JIS X 0208 rows 1–84 (lead bytes
#: 0x81–0x84, 0x88–0x9F, 0xE0–0xEA); NEC row 13 (0x87) and the IBM extensions
#: (0xED–0xFC) are cp932 only.
_JIS_BYTES = re.compile(rb"(?:[\x20-\x7e]|[\x81-\x84\x88-\x9f\xe0-\xea][\x40-\x7e\x80-\xfc])*")
#: What to write instead, for characters applicants often type.
_SUGGEST = {
    **{chr(0x2460 + i): f"（{chr(0xFF11 + i) if i < 9 else str(i + 1)}）" for i in range(20)},
    "㈱": "（株）", "㈲": "（有）", "№": "Ｎｏ．", "℡": "ＴＥＬ", "㎜": "ｍｍ", "㎝": "ｃｍ",
    "㎏": "ｋｇ", "㍑": "リットル", "㍍": "メートル",
}


def jis_ok(text: str) -> bool:
    """Whether every character of `text` is printable ASCII or JIS X 0208."""
    if text.isascii():
        return text.isprintable()
    try:
        data = text.translate(TO_CP932).encode("cp932")
    except UnicodeEncodeError:
        return False
    return _JIS_BYTES.fullmatch(data) is not None


def bad_characters(text: str) -> list[int]:
    """The indexes of the characters of `text` that may not be used."""
    if jis_ok(text):
        return []
    return [i for i, c in enumerate(text) if not jis_ok(c)]


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
