"""The formality check of an application's text: characters, reserved brackets, the
items of each document (known, in order, not repeated, none missing), paragraph numbers,
claims and the list of documents. Images are checked in `images.py`.

Each finding names the line and column in the input and the document, item and
paragraph it falls in, so that an applicant can go to it."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from tokkyo.efiling.characters import (
    allowed_but_newlines,
    bad_characters,
    not_allowed,
    suggestion,
)
from tokkyo.efiling.claims import Report, check_claims
from tokkyo.efiling.findings import Finding, Position, finding
from tokkyo.efiling.forms import ORDER, REQUIRED_WITH_REQUEST, Form
from tokkyo.efiling.html_reader import Line, Source
from tokkyo.efiling.items import (
    DOCUMENT_NAME,
    ITEM,
    PARAGRAPH,
    Application,
    Document,
    Item,
    is_floating,
    wide,
)

_EN = {"特許願": "request", "明細書": "description", "特許請求の範囲": "claims",
       "要約書": "abstract", "図面": "drawings"}
_COUNT = " \u3000\t0123456789０１２３４５６７８９"


@dataclass(slots=True)
class Places:
    """Turns a place in a line into a finding's position."""

    source: Source

    def at(self, line: Line | None, index: int | None, document: Document | None = None,
           item: Item | None = None, paragraph: str = "") -> Position:
        if line is None:
            where = (0, 0)
        else:
            offset = line.offset(index) if index is not None else (
                item.at if item is not None and item.line is line else line.start)
            where = self.source.where(offset)
        label = item.label if item is not None and item.name != DOCUMENT_NAME else ""
        return Position(*where, document=document.name if document else "",
                        item="" if item is not None and item.name == PARAGRAPH else label,
                        paragraph=paragraph)


def check_text(app: Application) -> list[Finding]:
    places = Places(app.source)
    out: list[Finding] = []
    out += _lines(app, places)
    out += _documents(app, places)
    for document in app.documents:
        if document.form is not None:
            out += _items(document, document.form, places)
        if document.form is not None and document.form.paragraphs:
            out += _paragraph_numbers(document, places)
            out += _text_outside_paragraphs(document, document.form, places)
        if document.name == "特許請求の範囲":
            out += check_claims(document, _reporter(document, places))
    request = app.document("特許願")
    if request is not None:
        out += _list_of_documents(app, request, places)
    return out


def _reporter(document: Document, places: Places) -> Report:
    def report(code: str, item: Item, line: Line, index: int | None, text: str,
               **args: Any) -> Finding:
        return finding(code, places.at(line, index, document, item), text, **args)
    return report


Where = tuple[Document | None, Item | None, str, Line]


def _walk(app: Application) -> Iterator[Where]:
    """(document, item, paragraph, line) for every line of the application."""
    for line in app.stray:
        yield None, None, "", line
    for document in app.documents:
        for line in document.head.lines():
            yield document, document.head, "", line
        paragraph = ""
        for item in document.items:
            if item.name == PARAGRAPH:
                paragraph = item.label
            elif not is_floating(item, document.form):
                paragraph = ""
            for line in item.lines():
                yield document, item, paragraph, line


def located(app: Application, findings: list[Finding]) -> list[Finding]:
    """The reader's findings (they know only a line and column) with the document, item
    and paragraph of the line they are on, or of the last line of text before it."""
    if not findings:
        return findings
    where = app.source.where
    starts: list[int] = []
    places: list[tuple[str, str, str]] = []
    for document, item, paragraph, line in _walk(app):
        starts.append(where(line.start)[0])
        label = item.label if item is not None and item.name not in (PARAGRAPH,
                                                                     DOCUMENT_NAME) else ""
        places.append((document.name if document else "", label, paragraph))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    starts = [starts[i] for i in order]
    places = [places[i] for i in order]
    out = []
    for f in findings:
        i = bisect_right(starts, f.position.line) - 1
        if i < 0 or f.position.document:
            out.append(f)
            continue
        name, label, paragraph = places[i]
        out.append(replace(f, position=replace(f.position, document=name, item=label,
                                                paragraph=paragraph)))
    return out


def _lines(app: Application, places: Places) -> list[Finding]:
    """Characters outside JIS X 0208, 【 】 outside an item name, and text before the
    first document."""
    out: list[Finding] = []
    refused = not_allowed().search
    for document, item, paragraph, line in (() if _plain(app) else _walk(app)):
        text = line.text
        if refused(text):                # each line's text, entities read (&copy; is ©)
            for i in bad_characters(text):
                ja, en = suggestion(text[i])
                out.append(finding("character-not-in-jis-x-0208",
                                   places.at(line, i, document, item, paragraph), text[i],
                                   char=text[i], codepoint=f"{ord(text[i]):04X}",
                                   suggestion=ja, suggestion_en=en))
        if "【" in text or "】" in text:
            if (item is not None and item.line is line and text.count("【") == 1
                    and text.count("】") == 1):
                continue                 # the item's own name, and nothing else
            named = ITEM.match(text) if item is not None and item.line is line else None
            skip = range(named.start(1) - 1, named.end()) if named else range(0)
            for i, c in enumerate(text):
                if c in "【】" and i not in skip:
                    out.append(finding("reserved-bracket",
                                       places.at(line, i, document, item, paragraph), c))
    if app.stray or not app.documents:
        first = app.stray[0] if app.stray else None
        out.append(finding("item-missing", places.at(first, 0 if first else None),
                           first.text[:20] if first else "", item="【書類名】",
                           document="出願書類", document_en="application"))
    return out


def _plain(app: Application) -> bool:
    """Whether `_lines` would find nothing in any line: every character allowed, and 【 】
    only once each on an item's own line. The same tests as `_lines`, without placing
    each line in its document and paragraph, which only a finding needs: the walk is
    run only when a line fails here.

    First the whole input at once, which is enough for most: every character in it
    allowed (`allowed_but_newlines`) and no entity, and as many 【 and as many 】 as there
    are items (each item's line holds one of each, so no other line can)."""
    source = app.source.text
    items = len(app.documents) + sum(len(d.items) for d in app.documents)
    if ("&" not in source and source.count("【") == items == source.count("】")
            and allowed_but_newlines(source)):
        return True
    refused = not_allowed().search
    for line in app.stray:
        text = line.text
        if refused(text) or "【" in text or "】" in text:
            return False
    for document in app.documents:
        for item in (document.head, *document.items):
            text = item.line.text
            if refused(text) or text.count("【") != 1 or text.count("】") != 1:
                return False
            for line in item.body:
                text = line.text
                if refused(text) or "【" in text or "】" in text:
                    return False
    return True


def _documents(app: Application, places: Places) -> list[Finding]:
    """Documents that are not forms, repeated, out of order, or missing beside a request."""
    out: list[Finding] = []
    seen: dict[str, Document] = {}
    last = -1
    for document in app.documents:
        head, name = document.head, document.name
        where = places.at(head.line, None, document, head)
        if document.form is None:
            out.append(finding("item-unknown", where, f"【書類名】{name}",
                               item=f"【書類名】{name}", document="出願書類",
                               document_en="application",
                               hint="書類名は " + "、".join(ORDER) + " のいずれかです。",
                               hint_en="A document is one of " + ", ".join(ORDER) + "."))
            continue
        if name in seen:
            out.append(finding("item-duplicate", where, f"【書類名】{name}",
                               item=f"【書類名】{name}", document="出願書類",
                               document_en="application"))
            continue
        rank = ORDER.index(name)
        if rank < last:
            later = next(d for d in seen.values() if ORDER.index(d.name) > rank)
            out.append(finding("item-order", where, f"【書類名】{name}",
                               item=f"【書類名】{name}", before=f"【書類名】{later.name}"))
        last = max(last, rank)
        seen[name] = document
    for name in ("特許願", *REQUIRED_WITH_REQUEST):
        if name not in seen and app.documents:
            out.append(finding("item-missing", places.at(None, None), "",
                               item=f"【書類名】{name}", document="出願書類",
                               document_en="application"))
    return out


def _items(document: Document, form: Form, places: Places) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    highest: tuple[int, Item] | None = None
    for item in document.items:
        if item.name == PARAGRAPH:       # the commonest item: nothing more to look at
            if not form.paragraphs:
                out.append(finding("item-unknown", places.at(item.line, None, document, item),
                                   item.bracketed, item=item.bracketed,
                                   document=form.name, document_en=form.en,
                                   hint="段落番号は明細書にだけ付けます。",
                                   hint_en="Paragraph numbers belong in the description "
                                           "only."))
            continue
        if is_floating(item, form):
            continue

        def where(item: Item = item) -> Position:
            return places.at(item.line, None, document, item)
        spec = form.spec(item.name, item.number is not None)
        if spec is None or (item.number is not None and item.name not in form.numbered):
            out.append(finding("item-unknown", where(), item.bracketed, item=item.bracketed,
                               document=form.name, document_en=form.en,
                               hint=_hint(form), hint_en=_hint_en(form)))
            continue
        if spec.under:
            continue                       # a sub-item: follows its group's head
        key = spec.name if item.number is None else f"{spec.name}{item.number}"
        if key in seen and not spec.repeats:
            out.append(finding("item-duplicate", where(), item.bracketed, item=item.bracketed,
                               document=form.name, document_en=form.en))
            continue
        seen.add(spec.name)
        if highest is not None and spec.rank < highest[0]:
            out.append(finding("item-order", where(), item.bracketed, item=item.bracketed,
                               before=highest[1].bracketed))
            continue
        highest = (spec.rank, item)
    head = document.head
    for spec in form.items.values():
        if spec.required and not spec.under and spec.name not in seen:
            shown = f"【{spec.name}{'１' if spec.name in form.numbered else ''}】"
            out.append(finding("item-missing", places.at(head.line, None, document, head), "",
                               item=shown, document=form.name, document_en=form.en))
    return out


def _hint(form: Form) -> str:
    names = [f"【{s.name.removesuffix('N')}】" for s in form.items.values() if not s.under]
    return "使える項目: " + "".join(names[:12]) + ("…" if len(names) > 12 else "")


def _hint_en(form: Form) -> str:
    names = [f"【{s.name.removesuffix('N')}】" for s in form.items.values() if not s.under]
    return "Its items: " + "".join(names[:12]) + ("…" if len(names) > 12 else "")


def _paragraph_numbers(document: Document, places: Places) -> list[Finding]:
    """【０００１】 first, then one more each time."""
    numbered = document.named(PARAGRAPH)
    if list(map(attrgetter("number"), numbered)) == list(range(1, len(numbered) + 1)):
        return []                        # (most documents: each in turn, no finding)
    out: list[Finding] = []
    previous = 0
    for item in numbered:
        n = item.number or 0
        expected = previous + 1
        code = ("paragraph-number-repeat" if n == previous else
                "paragraph-number-order" if n < previous else
                "paragraph-number-gap" if n > expected else "")
        if code:
            out.append(finding(code, places.at(item.line, None, document, item, item.label),
                               item.bracketed, found=item.label, expected=wide(expected, 4)))
        previous = max(previous, n) if code != "paragraph-number-order" else previous
    return out


def _text_outside_paragraphs(document: Document, form: Form, places: Places
                             ) -> list[Finding]:
    """Text of the description must stand in a numbered paragraph: a line under a heading
    (【技術分野】) before any 【０００１】 has none."""
    out: list[Finding] = []
    for item in document.items:
        if item.name in (PARAGRAPH, "発明の名称") or is_floating(item, form):
            continue                     # (most items: no need to look their spec up)
        spec = form.spec(item.name, item.number is not None)
        if spec is None or spec.under:
            continue
        for line in item.body:
            if line.text.strip(" \u3000"):
                out.append(finding("item-missing", places.at(line, None, document, item),
                                   line.text[:20], item="【段落番号】", document=form.name,
                                   document_en=form.en))
                break
    return out


def _list_of_documents(app: Application, request: Document, places: Places
                       ) -> list[Finding]:
    """【提出物件の目録】's 【物件名】 lines against the documents the file holds."""
    listing = request.named("提出物件の目録")
    if not listing:
        return []
    named = request.named("物件名")
    listed = {i.value.rstrip(_COUNT): i for i in named}
    present = {d.name for d in app.documents if d.name != "特許願"}
    out: list[Finding] = []
    for name, item in listed.items():
        if name not in present:
            out.append(finding(
                "list-of-documents-mismatch", places.at(item.line, item.value_from, request,
                                                        item), item.value,
                what_ja=f"提出物件の目録に「{name}」がありますが、その書類がありません。"
                        "書類を加えるか、目録から削除してください。",
                what_en=f"The list of documents names {_EN.get(name, name)} ({name}), "
                        "which the application does not hold. Add it or take it off "
                        "the list."))
    head = listing[0]
    # the known documents in their order, then any others by name (a set's order
    # depends on the hash seed: the findings must not)
    for name in sorted(present - set(listed), key=lambda n: (ORDER.index(n)
                       if n in ORDER else len(ORDER), n)):
        out.append(finding(
            "list-of-documents-mismatch", places.at(head.line, None, request, head), name,
            what_ja=f"書類「{name}」が提出物件の目録にありません。【物件名】{name}　１ を"
                    "加えてください。",
            what_en=f"The {_EN.get(name, name)} ({name}) is not on the list of documents. "
                    f"Add 【物件名】{name}　１."))
    return out
