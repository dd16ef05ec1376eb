"""The item model: an application is documents (【書類名】特許願, 明細書, …), a document
is items (【技術分野】, 【０００１】, 【請求項１】), an item is the line it is named on
and the lines that follow it up to the next item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tokkyo.efiling.forms import FLOATING, FORMS, Form
from tokkyo.efiling.html_reader import Image, Line, Read, Source

ITEM = re.compile(r"[ \u3000\t]*【([^【】\n]*)】")
NUMBERED = re.compile(r"(請求項|非特許文献|特許文献|実施例|図|化|数|表)([0-9０-９]+)\Z")
#: ITEM, with a paragraph number (the commonest item) read apart: 1 its digits, 2 any
#: other label.
_NAMED = re.compile(r"[ \u3000\t]*【(?:[ \u3000]*([0-9０-９]{4})[ \u3000]*|([^【】\n]*))】")
PARAGRAPH = "段落"                 # the name of a paragraph-number item
DOCUMENT_NAME = "書類名"
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def number_of(digits: str) -> int:
    """The number written in ASCII or full-width digits (int reads both)."""
    return int(digits)


def wide(n: int, width: int = 0) -> str:
    """A number in full-width digits, as items are written: 【請求項１２】, 【０００１】."""
    return str(n).zfill(width).translate(_WIDE)


@dataclass(slots=True)
class Item:
    name: str                # 技術分野, 請求項, 段落 (a paragraph number), 図
    label: str               # what stands between 【 and 】, as written
    number: int | None       # 1 for 【請求項１】 and 【０００１】
    line: Line               # the line the item is named on
    value_from: int          # where its value starts in that line's text (after 】)
    body: list[Line] = field(default_factory=list)

    @property
    def at(self) -> int:
        """The input offset of its 【."""
        return self.line.offset(self.line.text.index("【"))

    @property
    def value(self) -> str:
        return self.line.text[self.value_from:].strip(" \u3000\t")

    @property
    def bracketed(self) -> str:
        return f"【{self.label}】"

    def lines(self) -> list[Line]:
        """Its own line and the lines after it."""
        return [self.line, *self.body]

    def images(self) -> list[Image]:
        out = self.line.images() if self.line.pictured else []
        for line in self.body:
            if line.pictured:
                out += line.images()
        return out


@dataclass(slots=True)
class Document:
    head: Item                       # 【書類名】…
    form: Form | None                # None for a document name that is not a form
    items: list[Item] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.head.value

    @property
    def en(self) -> str:
        return self.form.en if self.form else self.name

    def named(self, name: str) -> list[Item]:
        return [i for i in self.items if i.name == name]


@dataclass(slots=True)
class Application:
    source: Source
    documents: list[Document]
    stray: list[Line]                # lines before the first 【書類名】

    def document(self, name: str) -> Document | None:
        return next((d for d in self.documents if d.name == name), None)

    def lines(self) -> list[Line]:
        out = list(self.stray)
        for d in self.documents:
            out.append(d.head.line)
            out += d.head.body
            for i in d.items:
                out.append(i.line)
                out += i.body
        return out


def parse_item(line: Line) -> Item | None:
    """The item a line names, or None for a line of text."""
    text = line.text
    if "【" not in text:
        return None
    m = _NAMED.match(text)
    if m is None:
        return None
    return _item(m, line)


def _item(m: re.Match[str], line: Line) -> Item:
    """The item `_NAMED` found at the start of the line."""
    digits, label = m.group(1, 2)
    if digits:                              # the commonest item: 【０００１】
        return Item(PARAGRAPH, digits, int(digits), line, m.end())
    label = label.strip(" \u3000")
    numbered = NUMBERED.match(label)
    if numbered:
        name, number = numbered.group(1), number_of(numbered.group(2))
    else:
        name, number = label, None
    return Item(name, label, number, line, m.end())


def build(read: Read) -> Application:
    """Documents and items from the lines of the HTML. (One step a line, some 4,000 for
    a 200-page application: a line of text goes to the body it belongs to, the current
    item's or, before the first item, the stray lines, without a call.)"""
    documents: list[Document] = []
    stray: list[Line] = []
    body = stray                            # where a line of text goes
    named = _NAMED.match
    for line in read.lines:
        text = line.text
        m = named(text) if "【" in text else None
        if m is None:
            body.append(line)
            continue
        item = _item(m, line)
        if item.name == DOCUMENT_NAME:
            documents.append(Document(item, FORMS.get(item.value)))
        elif documents:
            documents[-1].items.append(item)
        else:
            stray.append(line)
            continue
        body = item.body
    return Application(read.source, documents, stray)


def is_floating(item: Item, form: Form | None) -> bool:
    """A formula, equation or table image (【化１】) in a form that numbers them."""
    return form is not None and item.name in FLOATING and item.name in form.numbered
