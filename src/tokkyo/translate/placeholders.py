"""Placeholders: what an engine must not translate is taken out of a segment before the
call and put back afterwards (translation.md §2).

Taken out: paragraph numbers (【０００１】), claim references (請求項１～３), figure and
formula references (図２, 【数１】, 【化１】, 【表１】), reference signs (the number of
「基板１０」: the word is translated, the sign kept), chemical formulas (ＳｉＯ２), markup
(`<chem>…</chem>`, `<maths>…</maths>`, `<sub>…</sub>` and other inline tags) and pinned
glossary terms. Each becomes `⟦n⟧`, a token engines pass through (a neural model sees a
rare symbol and a number; an LLM is told to keep it). Restoring writes each slot in the
target language (`【０００１】` → `[0001]`, `請求項１` → `claim 1`, a glossary term → its
pinned translation). A slot an engine dropped is appended at the end of the segment and
flagged, so no number, sign or formula is ever lost, whatever the engine did.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OPEN, CLOSE = "⟦", "⟧"
TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")
_STRAY = re.compile("[⟦⟧]")

_D = "[0-9０-９]"
_TAGS = "chem|maths|math|tables|table|img|sub|sup|i|b|u|o|smallcaps|br"
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("literal", r"[⟦⟧]"),
    ("markup", rf"<(?P<tag>{_TAGS})\b[^>]*>.*?</(?P=tag)\s*>|<(?:{_TAGS})\b[^>]*/>"),
    ("paragraph", rf"【{_D}{{4,5}}】"),
    ("formula", rf"【(?:数|化|表|式)\s*{_D}+】"),
    ("claim", rf"請求項{_D}+(?:\s*(?:～|〜|乃至|から|又は|または|若しくは|もしくは|及び|"
              rf"および|、|，|,|ないし)\s*(?:請求項)?{_D}+)*"),
    ("figure", rf"(?<![【])(?:図|数|化|表|式){_D}+[ａ-ｚa-zＡ-Ｚ]?(?![】])"),
    ("chemical", r"(?<![A-Za-zＡ-Ｚａ-ｚ])(?=[A-Za-zＡ-Ｚａ-ｚ0-9０-９]*[0-9０-９])"
                 r"(?:[A-ZＡ-Ｚ][a-zａ-ｚ]?[0-9０-９]*){2,}(?![A-Za-zＡ-Ｚａ-ｚ])"),
    # the number after a word: 基板１０, ウェーハ１１ａ (not 10ｍｍ, 3個, 1つ)
    ("sign", rf"(?<=[\u30a0-\u30ff\u4e00-\u9fff々ー]){_D}+[ａ-ｚa-z′']?"
             rf"(?![0-9０-９.．,，]|[個つ本枚回秒分時度倍番号年月日％%℃°]"
             rf"|[ｍmｇgｋkμµｎnＬLｃcＷWＶVＡAＨHｓsｐｐ])"),
)
#: Every marker starts with one of these: positions that do not fail at once.
_STARTS = "⟦⟧<【請図数化表式A-Za-zＡ-Ｚ0-9０-９"
_MARKERS = re.compile(f"(?=[{_STARTS}])(?:"
                      + "|".join(f"(?P<{name}>{rx})" for name, rx in _PATTERNS) + ")", re.S)
_FIGURE_EN = {"図": "FIG. ", "数": "Math. ", "化": "Chem. ", "表": "Table ", "式": "Formula "}
_JOINERS_EN = (("～", " to "), ("〜", " to "), ("乃至", " to "), ("ないし", " to "),
               ("から", " to "), ("又は", " or "), ("または", " or "), ("若しくは", " or "),
               ("もしくは", " or "), ("及び", " and "), ("および", " and "), ("、", ", "),
               ("，", ", "), (",", ", "))


_SlotMaker = Callable[[str, str, Mapping[str, str]], str]


@dataclass(frozen=True, slots=True)
class Slot:
    """One thing taken out: its text in the source and how it reads in each target."""

    kind: str
    source: str
    rendered: Mapping[str, str]

    def text_in(self, target: str) -> str:
        return self.rendered.get(target, self.source)


@dataclass(frozen=True, slots=True)
class Masked:
    """A segment with its placeholders: `text` is what the engine gets."""

    text: str
    slots: tuple[Slot, ...]


def _half(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _english(kind: str, text: str) -> str | None:
    plain = _half(text)
    if kind == "paragraph":
        return f"[{plain.strip('【】')}]"
    if kind == "formula":
        inner = plain.strip("【】").replace(" ", "")
        return f"[{_FIGURE_EN[inner[0]]}{inner[1:]}]"
    if kind == "figure":
        return _FIGURE_EN[plain[0]] + plain[1:]
    if kind == "claim":
        body = plain.replace("請求項", "")
        numbers = re.findall(r"\d+", body)
        for ja, en in _JOINERS_EN:
            body = body.replace(_half(ja), en)
        plural = len(numbers) > 1 and not set(re.sub(r"[\d\s]+", " ", body).split()) <= {"or"}
        return ("claims " if plural else "claim ") + re.sub(r"\s+", " ", body).strip()
    if kind in ("sign", "chemical"):
        return plain
    return None


def mask(text: str, source: str, glossary: Mapping[str, str] | None = None,
         glossary_pattern: re.Pattern[str] | None = None) -> Masked:
    """`text` with every protected span replaced by `⟦n⟧`. Glossary terms (`glossary`:
    source term → pinned translation, matched by `glossary_pattern`, longest first) are
    taken out before the markers, so a pinned term wins over a sign inside it."""
    slots: list[Slot] = []

    def slot(kind: str, found: str, rendered: Mapping[str, str]) -> str:
        slots.append(Slot(kind, found, rendered))
        return f"{OPEN}{len(slots) - 1}{CLOSE}"

    out, last = [], 0
    pins = glossary or {}
    found = glossary_pattern.finditer(text) if pins and glossary_pattern else ()
    for m in found:
        out.append(_mask_markers(text, last, m.start(), source, slot))
        out.append(slot("glossary", m.group(0), {"*": pins[m.group(0)]}))
        last = m.end()
    out.append(_mask_markers(text, last, len(text), source, slot))
    return Masked("".join(out), tuple(slots))


def _mask_markers(text: str, start: int, end: int, source: str, slot: _SlotMaker) -> str:
    """text[start:end] with its markers replaced; the look-behinds see the text before
    `start` (the sign after a glossary term: 切削ブレード２１ａ)."""
    out, last = [], start
    for m in _MARKERS.finditer(text, start, end):
        kind = m.lastgroup or "literal"
        if kind == "tag":
            kind = "markup"
        if source != "ja" and kind in ("claim", "figure", "sign", "formula", "paragraph"):
            continue
        english = _english(kind, m.group(0))
        out += [text[last:m.start()],
                slot(kind, m.group(0), {"en": english} if english is not None else {})]
        last = m.end()
    out.append(text[last:end])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Restored:
    text: str
    spans: tuple[tuple[int, int], ...]      # the engine's spans moved, then dropped slots


def restore(output: str, masked: Masked, target: str,
            spans: tuple[tuple[int, int], ...] = ()) -> Restored:
    """The engine's `output` with each `⟦n⟧` written in `target`; a slot that is missing
    is appended (and its span returned), a number the segment never had and a lone
    bracket are removed. `spans` (offsets in `output`, an engine's untranslated ones)
    come back moved to the restored text, before the appended slots' spans."""
    seen: set[int] = set()

    def put(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n >= len(masked.slots) or n in seen:
            return ""
        seen.add(n)
        s = masked.slots[n]
        return s.rendered.get("*", s.text_in(target))

    # an engine may also write a bracket of its own (a model's stray ⟦): never shown
    pieces: list[str] = []
    moves: list[tuple[int, int]] = []           # (offset in output, offset in text)
    last = at = 0
    for m in TOKEN.finditer(output):
        for piece, start in ((_STRAY.sub("", output[last:m.start()]), last),
                             (put(m), m.start())):
            moves.append((start, at))
            pieces.append(piece)
            at += len(piece)
        last = m.end()
    moves.append((last, at))
    pieces.append(_STRAY.sub("", output[last:]))
    text = "".join(pieces)
    moved = tuple((_move(a, moves), _move(b, moves)) for a, b in spans)
    displaced = []
    for n, s in enumerate(masked.slots):
        if n not in seen:
            piece = s.rendered.get("*", s.text_in(target))
            sep = "" if target in ("ja", "zh") or not text or text.endswith(" ") else " "
            text += sep
            displaced.append((len(text), len(text) + len(piece)))
            text += piece
    return Restored(text, (*moved, *displaced))


def _move(offset: int, moves: list[tuple[int, int]]) -> int:
    """Where an offset of the engine's output lands in the restored text (offsets inside
    a placeholder land at its start)."""
    source, target = max((m for m in moves if m[0] <= offset), default=(0, 0))
    return target + offset - source
