"""The application as the gazette would print it, line by line, for a page to show beside
its findings: each row carries the input line it came from (so a finding links to it),
its item label, its text with U, SUP and SUB kept (HTML), and the images it shows."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from tokkyo.efiling.html_reader import Image, Line, Text
from tokkyo.efiling.items import DOCUMENT_NAME, Application, Item
from tokkyo.efiling.xml_writer import after

_ORDER = ("u", "sup", "sub")


@dataclass(frozen=True, slots=True)
class Row:
    line: int                 # the input line (1-based)
    label: str                # 【技術分野】, or "" for a line of text
    html: str                 # the text, escaped, with <u>, <sup>, <sub>
    images: tuple[str, ...]   # the IMG srcs the line shows
    heading: bool             # an item without a value: printed as a heading

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "label": self.label, "html": self.html,
                "images": list(self.images)}


@dataclass(frozen=True, slots=True)
class Part:
    name: str                 # 書類名, or "" for lines before the first document
    line: int
    rows: tuple[Row, ...]

    def as_json(self) -> dict[str, object]:
        return {"document": self.name, "line": self.line,
                "rows": [r.as_json() for r in self.rows]}


def preview(app: Application) -> list[Part]:
    where = app.source.where
    parts: list[Part] = []
    if app.stray:
        parts.append(Part("", where(app.stray[0].start)[0],
                          tuple(_text_row(line, where(line.start)[0]) for line in app.stray)))
    for document in app.documents:
        rows: list[Row] = []
        for item in document.items:
            rows.append(_item_row(item, where(item.at)[0]))
            rows += [_text_row(line, where(line.start)[0]) for line in item.body]
        rows = [*(_text_row(line, where(line.start)[0]) for line in document.head.body), *rows]
        parts.append(Part(document.name, where(document.head.at)[0], tuple(rows)))
    return parts


def _item_row(item: Item, line: int) -> Row:
    segments = after(item.line, item.value_from)
    html = _html(segments).strip(" ")
    label = item.bracketed if item.name != DOCUMENT_NAME else ""
    return Row(line, label, html, _srcs(segments), not html and not _srcs(segments))


def _text_row(line: Line, number: int) -> Row:
    return Row(number, "", _html(line.segments), _srcs(line.segments), False)


def _html(segments: list[Text | Image]) -> str:
    out = []
    for s in segments:
        if isinstance(s, Text):
            piece = escape(s.text, quote=False)
            for style in reversed(_ORDER):
                if style in s.styles:
                    piece = f"<{style}>{piece}</{style}>"
            out.append(piece)
    return "".join(out)


def _srcs(segments: list[Text | Image]) -> tuple[str, ...]:
    return tuple(s.src for s in segments if isinstance(s, Image))
