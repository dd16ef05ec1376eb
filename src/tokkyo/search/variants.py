"""The optional folds N4–N6 of portal.md §2, applied to queries as variant expansion.

The index holds text normalised with N1–N3 only. A query with a fold switched on is
expanded into the spellings the fold makes equal (katakana and hiragana; with and without
ヴ), and a document matches when it contains any of them: the same matches the fold would
give for text written in one script, with no second index. The long-vowel fold drops a
trailing `ー` from the query, which under substring matching finds both spellings.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_VARIANTS = 16
_HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))
_KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))
_TO_KATAKANA = str.maketrans(_HIRAGANA, _KATAKANA)
_TO_HIRAGANA = str.maketrans(_KATAKANA, _HIRAGANA)
_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ"}
#: The long-vowel marks that end a word of one kana script (セパレーター → セパレータ, also
#: before a particle: セパレーターと).
_WORD_FINAL_LONG = re.compile(r"(?<=[ァ-ヺ])ー+(?![ァ-ヺー])|(?<=[ぁ-ゖ])ー+(?![ぁ-ゖー])")


#: Which texts a text atom reads where stored machine translations exist (translation.md
#: §4): originals and translations, originals only, translations only; with the flag
#: each has in the permalink ("" for the default).
SCOPES = {"both": "", "original": "o", "translation": "t"}


@dataclass(frozen=True, slots=True)
class Folds:
    """Which optional folds a query uses: N4 kana, N5 long vowel, N6 ヴ; and `scope`,
    whether its text atoms read the originals, their stored translations or both."""

    kana: bool = False
    long_vowel: bool = False
    vu: bool = False
    scope: str = "both"

    @property
    def flags(self) -> str:
        """The permalink form: the numbers of the folds that are on (`456`, `` for none),
        then `o` (originals only) or `t` (translations only)."""
        return "".join(n for n, on in (("4", self.kana), ("5", self.long_vowel),
                                       ("6", self.vu)) if on) + SCOPES[self.scope]

    @classmethod
    def from_flags(cls, flags: str) -> Folds:
        scope = ("translation" if "t" in flags and "o" not in flags
                 else "original" if "o" in flags and "t" not in flags else "both")
        return cls(kana="4" in flags, long_vowel="5" in flags, vu="6" in flags,
                   scope=scope)


def _vu_spellings(text: str) -> list[str]:
    """Every spelling of `text` with each ヴ-syllable or its バ-row twin."""
    pieces: list[tuple[str, ...]] = []
    i = 0
    reverse = {v: k for k, v in _VU.items()}
    while i < len(text):
        two, one = text[i:i + 2], text[i]
        if two in _VU:
            pieces.append((two, _VU[two]))
            i += 2
        elif one in _VU:
            pieces.append((one, _VU[one]))
            i += 1
        elif one in reverse:
            pieces.append((one, reverse[one]))
            i += 1
        else:
            pieces.append((one,))
            i += 1
    out: list[str] = []
    for combo in itertools.product(*pieces):
        out.append("".join(combo))
        if len(out) >= MAX_VARIANTS:
            break
    return out


def expand(normalised: str, folds: Folds) -> list[str]:
    """The normalised spellings a term stands for under `folds` (first: the term itself)."""
    term = normalised
    if folds.long_vowel:
        term = term.rstrip("ー") or term
    spellings = [term]
    if folds.vu:
        spellings = _vu_spellings(term)
    if folds.kana:
        spellings = [s for t in spellings
                     for s in (t, t.translate(_TO_KATAKANA), t.translate(_TO_HIRAGANA))]
    return list(dict.fromkeys(spellings))[:MAX_VARIANTS]


def fold(text: str, folds: Folds) -> str:
    """`text` with the folds applied, for verifying a match in Python (proximity): the
    text and the query's parts alike, so distances are counted on folded text."""
    if folds.kana:
        text = text.translate(_TO_KATAKANA)
    if folds.vu:
        for vu, plain in _VU.items():
            text = text.replace(vu, plain)
    if folds.long_vowel:        # after the others: a word written in either script
        text = _WORD_FINAL_LONG.sub("", text)
    return text
