"""Opt-in tolerant recovery of files that are not quite well-formed (exchange.md §11.3).

Real deliveries carry a few characters their producer forgot to escape: a bare `&` in
`UDAPI & ASOCIADOS`, a stray `<` in `<heading><First Embodiment</heading>`. Strict
parsing (the default) rejects such a file; a partner agreement or a run may opt in to
recovery, which changes exactly those characters and nothing else:

(a) an `&` that does not start `&name;`, `&#n;` or `&#xh;` becomes `&amp;`;
(b) on a parse error, the nearest preceding `<` whose following name is not an element
    of the format's vocabulary (`vocabulary.py`) becomes `&lt;`, and parsing starts
    again;
(c) at most `MAX_REPAIRS` repairs per file, else the file fails.

Every change is a `Repair(line, column, original, replacement)` in the coordinates of
the ORIGINAL file (1-based line; the column counted in characters, as libxml2 counts
them, of the changed character), so that a report can point at the byte the sender must
fix. Comments, CDATA sections, processing instructions and the DOCTYPE are never changed.
lxml's own `recover=True` is never used: it silently drops or reorders content.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.reading import Repair
from tokkyo.ingest.foreign.xmlsafe import ParseFailure

#: The most repairs one file may need; one more and the file fails as not well-formed.
MAX_REPAIRS = 50

_BARE_AMPERSAND = re.compile(r"&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)")
_UNTOUCHABLE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL)
_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*?\?>")
_NAME = re.compile(r"/?([A-Za-z_:][\w.:-]*)")
_REFERENCE = re.compile(r"&(?P<name>[A-Za-z_][\w.-]*);")


class _Edited:
    """The working text and the edits made to it, mapping its offsets back to the
    original text's."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        self.edits: list[tuple[int, int, int]] = []   # (original offset, old len, new len)
        self.repairs: list[Repair] = []

    def to_original(self, offset: int) -> int:
        growth = 0
        for start, old, new in self.edits:
            if offset >= start + growth + new:
                growth += new - old
            elif offset >= start + growth:
                return start
            else:
                break
        return offset - growth

    def position(self, original_offset: int) -> tuple[int, int]:
        line_start = self.original.rfind("\n", 0, original_offset) + 1
        return (self.original.count("\n", 0, original_offset) + 1,
                original_offset - line_start + 1)

    def replace(self, name: str, offset: int, old: str, new: str, format: str) -> None:
        """Replace `old` at working `offset` by `new`, logged; the repair over the cap
        fails the file at that position."""
        start = self.to_original(offset)
        line, column = self.position(start)
        if len(self.repairs) >= MAX_REPAIRS:
            raise ParseFailure(name, "xml-not-well-formed", f"tolerant recovery stopped: "
                               f"the file needs more than {MAX_REPAIRS} repairs (this one "
                               f"would change {old!r} to {new!r})", line=line,
                               column=column, context=xmlsafe.context_at(
                                   self.original, line, column), format=format)
        self.text = self.text[:offset] + new + self.text[offset + len(old):]
        bisect.insort(self.edits, (start, len(old), len(new)))
        self.repairs.append(Repair(line, column, old, new))


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans recovery never changes: the DOCTYPE, comments, CDATA, PIs."""
    spans = []
    doctype = _DOCTYPE.search(text, 0, 65536 * 4)
    if doctype is not None:
        spans.append((doctype.start(), doctype.end()))
    spans.extend((m.start(), m.end()) for m in _UNTOUCHABLE.finditer(text))
    spans.sort()
    return spans


def _inside(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _utf8(text: str) -> bytes:
    """The working text as UTF-8 bytes that `xmlsafe` decodes as such."""
    return _DECLARATION.sub('<?xml version="1.0" encoding="UTF-8"?>', text,
                            count=1).encode("utf-8")


def _offset_of(text: str, line: int, column: int, table: Mapping[str, str]) -> int:
    """The working-text offset of a parser position (line, column in characters of the
    text lxml saw, where entity references had been expanded)."""
    start = 0
    for _ in range(line - 1):
        found = text.find("\n", start)
        if found < 0:
            return len(text)
        start = found + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    seen = 1                                      # parser column of text[offset]
    offset = start
    for ref in _REFERENCE.finditer(text, start, end):
        value = table.get(ref.group("name"))
        if value is None:
            continue
        if seen + (ref.start() - offset) >= column:
            break
        seen += ref.start() - offset
        expanded = len(value.replace("&", "&#38;").replace("<", "&#60;"))
        if seen + expanded > column:
            return ref.start()
        seen += expanded
        offset = ref.end()
    return min(end, offset + max(0, column - seen))


def _stray_lt(text: str, offset: int, vocabulary: frozenset[str]) -> int:
    """The nearest `<` at or before `offset` that opens no element of the vocabulary
    (and no comment, CDATA, PI or DOCTYPE); -1 if there is none."""
    spans = _protected(text)
    starts = [s for s, _ in spans]
    position = text.rfind("<", 0, offset + 1)
    while position >= 0:
        if not _inside(spans, starts, position):
            name = _NAME.match(text, position + 1)
            if name is None:
                return position
            tag = name.group(1)
            if tag not in vocabulary and tag.rsplit(":", 1)[-1] not in vocabulary:
                return position
        position = text.rfind("<", 0, position)
    return -1


def parse(name: str, data: bytes, vocabulary: frozenset[str],
          entities: Mapping[str, str] | None = None, *, format: str = ""
          ) -> tuple[etree._Element, list[Repair]]:
    """The root element of a file, strictly parsed if it can be, else after tolerant
    recovery; with the repairs made (none for a well-formed file).

    Only a file that is not well-formed is repaired: one that is truncated, badly
    encoded or uses an unknown or external entity fails as in strict mode. A file that
    still fails when no rule applies fails with its last error, placed in the original
    file's coordinates.
    """
    try:
        return xmlsafe.parse(name, data, entities, format=format), []
    except ParseFailure as exc:
        if exc.code != "xml-not-well-formed":
            raise
        failure = exc
    edited = _Edited(xmlsafe.decode(name, data))
    spans = _protected(edited.original)
    starts = [s for s, _ in spans]
    # (a) left to right, so that offsets found in the original stay valid as the text grows
    growth = 0
    for match in _BARE_AMPERSAND.finditer(edited.original):
        if _inside(spans, starts, match.start()):
            continue
        edited.replace(name, match.start() + growth, "&", "&amp;", format)
        growth += len("&amp;") - 1
    table = dict(entities or {})
    table.update(xmlsafe.declared_entities(name, edited.original))
    while True:
        if edited.repairs:
            try:
                root = xmlsafe.parse(name, _utf8(edited.text), entities, format=format)
                return root, sorted(edited.repairs, key=lambda r: (r.line, r.column))
            except ParseFailure as exc:
                if exc.code != "xml-not-well-formed":
                    raise
                failure = exc
        offset = _offset_of(edited.text, failure.line, failure.column, table)
        stray = _stray_lt(edited.text, offset, vocabulary)
        if stray < 0:
            if not edited.repairs:
                raise failure
            start = edited.to_original(offset)
            line, column = edited.position(start)
            raise ParseFailure(name, failure.code, f"{failure.message} (after "
                               f"{len(edited.repairs)} tolerant repairs, no rule applies)",
                               line=line, column=column,
                               context=xmlsafe.context_at(edited.original, line, column),
                               format=format) from None
        edited.replace(name, stray, "<", "&lt;", format)
