"""Segmentation before the engine call (translation.md §2): a text becomes units (a claim,
a paragraph with its 【０００１】 label, a title) and each unit becomes sentences. Units
are what the pages align side by side; sentences are what engines translate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokkyo.translate.kinds import ContentKind

_LABEL = re.compile(r"【[^】\n]{1,24}】")
_CLAIM = re.compile(r"【請求項[0-9０-９]+】")
_PARAGRAPH = re.compile(r"【[0-9０-９]{4,5}】")
_UNIT_KINDS = (ContentKind.CLAIMS, ContentKind.DESCRIPTION, ContentKind.ABSTRACT,
               ContentKind.EXAM_DOCUMENT)
_JA_END = re.compile(r"(?<=[。！？])")
_EN_END = re.compile(r"(?<=[.!?])(?<!\bFIG\.)(?<!\bFigs\.)(?<!\bNo\.)(?<!\be\.g\.)"
                     r"(?<!\bi\.e\.)\s+(?=[A-Z\[(])")
#: Languages written without spaces between sentences.
CLOSE_SET = frozenset({"ja", "zh"})


@dataclass(frozen=True, slots=True)
class Unit:
    """A claim, a paragraph or a heading: `label` is its marker as written (【請求項１】,
    【０００１】, 【技術分野】; "" for none), kept out of translation."""

    label: str
    text: str


def units(text: str, kind: ContentKind) -> list[Unit]:
    """`text` cut at its claim markers (claims) or paragraph and heading markers
    (description, abstract, examination documents); other kinds are one unit. Text before
    the first marker is a unit without a label; nothing of `text` is dropped but the
    whitespace around units."""
    if kind not in _UNIT_KINDS:
        return [Unit("", text.strip())] if text.strip() else []
    marker = _CLAIM if kind is ContentKind.CLAIMS else _LABEL
    found: list[Unit] = []
    last, label = 0, ""
    for m in marker.finditer(text):
        body = text[last:m.start()].strip()
        if body or label:
            found.append(Unit(label, body))
        label, last = m.group(0), m.end()
    body = text[last:].strip()
    if body or label:
        found.append(Unit(label, body))
    return found


def sentences(text: str, language: str) -> list[str]:
    """`text` cut after each sentence end (。！？ in Japanese and Chinese; . ! ? followed
    by a capital in other languages, not after FIG. or e.g.); line breaks end a sentence."""
    pattern = _JA_END if language in CLOSE_SET else _EN_END
    out: list[str] = []
    for line in text.splitlines():
        out += [s.strip() for s in pattern.split(line) if s.strip()]
    return out


def join(pieces: list[str], language: str) -> str:
    """Sentences put back together in the target language's way."""
    return ("" if language in CLOSE_SET else " ").join(p for p in pieces if p)
