"""The application as the JPO's XML: the request as `JPOXMLDOC01-jpbibl.xml`
(`jp:pat-app-doc`, document code A163) and the description, claims, abstract and
drawings as `JPOXMLDOC01-appb.xml` (`application-body`), both in Shift_JIS, with the
images as `JPOXMLDOC01-appb-D000001.gif` …

Element names are those of the JPO's XML in the corpus (`claim`/`claim-text`, `p num`,
`technical-field`, `jp:` bibliographic elements). No DOCTYPE is written: the JPO's DTDs
are not public, and a declaration naming one would promise a validation nobody can run.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from tokkyo.efiling.characters import DUAL, TO_CP932
from tokkyo.efiling.forms import DESCRIPTION_ELEMENTS, FLOATING_ELEMENTS
from tokkyo.efiling.html_reader import Image, Line, Text
from tokkyo.efiling.items import PARAGRAPH, Application, Document, Item, is_floating
from tokkyo.model.eras import era_to_western

PREFIX = "JPOXMLDOC01"
BIBL = f"{PREFIX}-jpbibl.xml"
BODY = f"{PREFIX}-appb.xml"
DECLARATION = '<?xml version="1.0" encoding="Shift_JIS"?>\n'
NS = 'xmlns:jp="http://www.jpo.go.jp"'
_STYLE_ORDER = ("u", "sup", "sub")
_N = "[0-9０-９]"
_ERA_DATE = re.compile(rf"(令和|平成|昭和)\s*({_N}+|元)\s*年\s*({_N}+)\s*月\s*({_N}+)\s*日")
_AD_DATE = re.compile(rf"({_N}{{4}})\s*[年/.-]\s*({_N}{{1,2}})\s*[月/.-]\s*({_N}{{1,2}})")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True, slots=True)
class Placed:
    """An image as the package holds it: its file name, format and size in mm."""

    file: str
    format: str
    height_mm: int
    width_mm: int


@dataclass(slots=True)
class ImageNames:
    """The package's name of each image (by the src the HTML gives), in order of first
    use: D000001, D000002, …; `placed` says what each became."""

    placed: dict[str, Placed] = field(default_factory=dict)
    serial: int = 0

    def tag(self, image: Image, content: str) -> str:
        self.serial += 1
        p = self.placed.get(image.src)
        if p is None:
            return ""
        return (f'<img id="{self.serial:06d}" he="{p.height_mm}" wi="{p.width_mm}" '
                f'file="{p.file}" img-format="{p.format}" img-content="{content}" '
                'orientation="portrait" inline="no"/>')


def _to_cp932(error: UnicodeError) -> tuple[str, int]:
    """The codec's error handler for `encode`: a character JIS X 0208 holds in the form
    cp932 does not map (〜 U+301C, − U+2212 …) in cp932's form; anything else stays an
    error."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start:error.end]
    if DUAL.sub("", run):
        raise error
    return run.translate(TO_CP932), error.end


_CP932_ERRORS = "tokkyo-efiling-cp932"
codecs.register_error(_CP932_ERRORS, _to_cp932)


def encode(text: str) -> bytes:
    """XML text in Shift_JIS as the JPO writes it (Microsoft's cp932 mapping): `to_cp932`
    done by the codec as it meets a dual character, so the text is encoded in one pass
    (no scan of it beforehand)."""
    return text.encode("cp932", _CP932_ERRORS)


def inline(segments: Iterable[Text | Image], images: ImageNames, content: str = "drawing"
           ) -> str:
    out: list[str] = []
    for s in segments:
        if isinstance(s, Image):
            out.append(images.tag(s, content))
            continue
        piece = s.text
        if "&" in piece or "<" in piece or ">" in piece:
            piece = escape(piece)
        if s.styles:
            for style in reversed(_STYLE_ORDER):
                if style in s.styles:
                    piece = f"<{style}>{piece}</{style}>"
        out.append(piece)
    return "".join(out)


def after(line: Line, index: int) -> list[Text | Image]:
    """The line's segments from text index `index` on."""
    out: list[Text | Image] = []
    at = 0
    for s in line.segments:
        if isinstance(s, Image):
            if at >= index:
                out.append(s)
            continue
        end = at + len(s.text)
        if end > index:
            cut = max(index - at, 0)
            out.append(s if cut == 0 else Text(s.text[cut:], s.styles, s.start, s.raw[cut:]))
        at = end
    return out


def line_xml(line: Line, images: ImageNames, content: str = "drawing") -> str:
    """A whole line as `inline` writes it. A bare line (`Line.markup`: plain text, or
    text with unnested U, SUP and SUB pairs), most lines of an application, is its
    source: the XML's tags for the styles are the HTML's, and the text holds no `&` or
    `<` (nor `>` once it has a tag)."""
    markup = line.markup
    if markup is not None:          # a bare line: as written, but a ">" in plain text
        return markup if ">" not in line.text else escape(markup)
    segments = line.segments
    if len(segments) == 1:
        only = segments[0]
        if isinstance(only, Text) and not only.styles:
            text = only.text
            return escape(text) if "&" in text or "<" in text or ">" in text else text
    return inline(segments, images, content)


def item_text(item: Item, images: ImageNames, content: str = "drawing") -> str:
    """The item's value and the lines after it, joined by `<br/>`; leading ASCII blanks
    of the value dropped."""
    line = item.line
    if item.value_from < len(line.text) or line.pictured:
        first = after(line, item.value_from)
        if first and isinstance(first[0], Text):
            head = first[0]
            first[0] = Text(head.text.lstrip(" \t"), head.styles, head.start, head.raw)
        parts = [inline(first, images, content)] if any(
            isinstance(s, Image) or s.text for s in first) else []
    else:                           # nothing after the item's name (【０００１】 alone)
        body = item.body
        if len(body) == 1:
            return line_xml(body[0], images, content)
        parts = []
    parts += [line_xml(line, images, content) for line in item.body]
    return "<br/>".join(parts)


def application_body(app: Application, images: ImageNames) -> bytes:
    out = [DECLARATION, f'<application-body lang="ja" dtd-version="1.0" {NS}>\n']
    description = app.document("明細書")
    if description is not None:
        out.append(_description(description, images))
    claims = app.document("特許請求の範囲")
    if claims is not None:
        out.append("<claims>\n")
        # a formula or table after a claim's text belongs to that claim
        texts: list[tuple[int | None, list[str]]] = []
        for item in claims.items:
            if item.name == "請求項":
                texts.append((item.number, [item_text(item, images)]))
            elif is_floating(item, claims.form) and texts:
                texts[-1][1].append(_floating(item, images))
        out += [f'<claim num="{n}"><claim-text>{"<br/>".join(p for p in parts if p)}'
                "</claim-text></claim>\n" for n, parts in texts]
        out.append("</claims>\n")
    abstract = app.document("要約書")
    if abstract is not None:
        # 【要約】 heads the abstract; text right under it (older abstracts) is kept
        lines = [f"{'' if i.name == '要約' else escape(i.bracketed)}{item_text(i, images)}"
                 for i in abstract.items]
        lines = [line for line in lines if line]
        out.append('<abstract>\n<p num="">' + "<br/>".join(lines) + "</p>\n</abstract>\n")
    drawings = app.document("図面")
    if drawings is not None:
        out.append("<drawings>\n")
        for item in drawings.items:
            tags = "".join(images.tag(img, "drawing") for img in item.images())
            out.append(f'<figure num="{item.number}">{tags}</figure>\n')
        out.append("</drawings>\n")
    out.append("</application-body>\n")
    return encode("".join(out))


def _floating(item: Item, images: ImageNames) -> str:
    """A formula, equation or table: its images in their element, and any text that
    follows them (the next lines of the paragraph) after it."""
    element, content = FLOATING_ELEMENTS[item.name]
    tags = "".join(images.tag(img, content) for img in item.images())
    text = [inline([s for s in line.segments if isinstance(s, Text)], images)
            for line in item.body if line.text.strip(" \u3000")]
    return "<br/>".join([f'<{element} num="{item.number}">{tags}</{element}>', *text])


def _description(document: Document, images: ImageNames) -> str:
    """Headings become elements (nested as the JPO nests them), paragraph numbers `<p
    num>`; what stands inside a paragraph (its lines, 【特許文献１】 as `patcit`, a
    drawing's line, a formula's image) joins it, `<br/>` between lines."""
    out = ["<description>\n"]
    opened: list[str] = []           # headings whose element is open, outermost first
    paragraph: list[str] | None = None

    def close_paragraph() -> None:
        nonlocal paragraph
        if paragraph is not None:
            out.append("<br/>".join(paragraph) + "</p>\n")
            paragraph = None

    form = document.form
    for item in document.items:
        if item.name == PARAGRAPH:   # the commonest item, written here without calls
            if paragraph is not None:
                out.append("<br/>".join(paragraph) + "</p>\n")
            line, body = item.line, item.body
            if len(body) == 1 and not line.pictured and item.value_from >= len(line.text):
                only = body[0]       # one line under the number: most paragraphs
                text = only.markup
                if text is None or ">" in only.text:
                    text = line_xml(only, images)
            else:
                text = item_text(item, images)
            out.append(f'<p num="{item.label.translate(_DIGITS)}">')
            paragraph = [text] if text else []
            continue
        spec = form.spec(item.name, item.number is not None) if form else None
        if paragraph is not None and (is_floating(item, form) or (spec and spec.under)):
            paragraph.append(_in_paragraph(item, images))
            continue
        close_paragraph()
        if item.name == "発明の名称":
            out.append(f"<invention-title>{item_text(item, images)}</invention-title>\n")
            continue
        element, parent = DESCRIPTION_ELEMENTS.get(item.name, ("heading", ""))
        while opened and opened[-1] != parent:
            out.append(f"</{DESCRIPTION_ELEMENTS[opened.pop()][0]}>\n")
        if element == "heading":
            out.append(f"<heading>{escape(item.label)}</heading>\n")
            continue
        out.append(f"<{element}>\n")
        opened.append(item.name)
    close_paragraph()
    while opened:
        out.append(f"</{DESCRIPTION_ELEMENTS[opened.pop()][0]}>\n")
    out.append("</description>\n")
    return "".join(out)


def _in_paragraph(item: Item, images: ImageNames) -> str:
    if item.name in FLOATING_ELEMENTS:
        return _floating(item, images)
    if item.name in ("特許文献", "非特許文献"):
        cite = "patcit" if item.name == "特許文献" else "nplcit"
        return f'<{cite} num="{item.number}"><text>{item_text(item, images)}</text></{cite}>'
    return escape(item.bracketed) + item_text(item, images)


def bibliography(request: Document) -> bytes:
    """The request (特許願) as `jp:pat-app-doc`."""
    e = _Bibl()
    e.add("<jp:document-code>A163</jp:document-code>")
    group = ""
    for item in request.items:
        # a value Word wrapped onto the next lines of the request is one value
        value = escape(" ".join([item.value, *(line.text.strip(" \u3000")
                                              for line in item.body)]).strip())
        name = item.name
        if name in _GROUPS:
            if name != e.kind:
                e.close_party()
            group = name
        if name == "整理番号":
            e.add(f"<jp:file-reference-id>{value}</jp:file-reference-id>")
        elif name == "提出日":
            e.add(f"<jp:submission-date><jp:date>{_date(item.value)}</jp:date>"
                  "</jp:submission-date>")
        elif name == "あて先":
            e.add(f"<jp:addressed-to-person>{value}</jp:addressed-to-person>")
        elif name == "国際特許分類":
            e.add(f"<jp:ipc-article><jp:ipc>{value}</jp:ipc></jp:ipc-article>")
        elif name in ("発明者", "特許出願人", "代理人"):
            e.party(name)
        elif name in ("住所又は居所", "氏名", "氏名又は名称", "識別番号", "電話番号",
                      "弁理士") and group in ("発明者", "特許出願人", "代理人"):
            e.field(name, value)
        elif name == "手数料の表示":
            e.add("<jp:charge-article><jp:payment>", close="</jp:payment></jp:charge-article>")
        elif name == "予納台帳番号":
            e.add(f'<jp:account jp:account-type="deposit" jp:number={quoteattr(item.value)}/>')
        elif name == "納付金額":
            amount = re.sub(r"\D", "", item.value.translate(_DIGITS))
            e.add(f'<jp:fee jp:amount="{amount}" jp:currency="JPY"/>')
        elif name == "提出物件の目録":
            e.add("<jp:submission-object-list-article>",
                  close="</jp:submission-object-list-article>")
        elif name == "物件名":
            m = re.fullmatch(r"(.*?)[ \u3000\t]*([0-9０-９]*)", item.value)
            doc, count = (m.group(1), m.group(2)) if m else (item.value, "")
            e.add(f"<jp:list-group><jp:document-name>{escape(doc)}</jp:document-name>"
                  f"<jp:number-of-object>{count.translate(_DIGITS) or 1}"
                  "</jp:number-of-object></jp:list-group>")
    e.close_party()
    e.close_block()
    body = "\n".join(e.lines)
    return encode(f'{DECLARATION}<jp:pat-app-doc lang="ja" dtd-version="1.0" {NS}>\n'
                  f'<jp:application-a63 jp:kind-of-law="patent">\n{body}\n'
                  "</jp:application-a63>\n</jp:pat-app-doc>\n")


_GROUPS = ("発明者", "特許出願人", "代理人", "手数料の表示", "提出物件の目録", "国際特許分類")
_PARTY = {"発明者": ("jp:inventors", "jp:inventor"), "特許出願人": ("jp:applicants",
                                                                   "jp:applicant"),
          "代理人": ("jp:agents", "jp:agent")}
_FIELD = {"住所又は居所": "jp:address", "氏名": "jp:name", "氏名又は名称": "jp:name",
          "識別番号": "jp:registered-number", "電話番号": "jp:phone"}
#: The order of a party's fields in jp:addressbook, whatever the request's order.
_FIELD_ORDER = ("識別番号", "住所又は居所", "氏名", "氏名又は名称", "電話番号")


@dataclass(slots=True)
class _Bibl:
    lines: list[str] = field(default_factory=list)
    kind: str = ""                          # the open party list, 発明者 …
    fields: dict[str, str] = field(default_factory=dict)
    attorney: bool = False
    persons: list[str] = field(default_factory=list)
    block_end: str = ""

    def add(self, line: str, close: str = "") -> None:
        if close:
            self.close_block()
        self.lines.append(line)
        if close:
            self.block_end = close

    def close_block(self) -> None:
        if self.block_end:
            self.lines.append(self.block_end)
            self.block_end = ""

    def party(self, kind: str) -> None:
        self.close_block()
        self.flush_person()
        self.kind = kind

    def field(self, name: str, value: str) -> None:
        if name == "弁理士":
            self.attorney = True
        else:
            self.fields[name] = value

    def flush_person(self) -> None:
        if not self.kind or not (self.fields or self.attorney):
            return
        tag = _PARTY[self.kind][1]
        book = []
        for name in _FIELD_ORDER:
            if name in self.fields:
                value = self.fields[name]
                element = _FIELD[name]
                book.append(f"<jp:address><jp:text>{value}</jp:text></jp:address>"
                            if element == "jp:address" else f"<{element}>{value}</{element}>")
        attrs = ' jp:kind-of-agent="representative"' if self.kind == "代理人" else ""
        attorney = "<jp:attorney/>" if self.attorney else ""
        self.persons.append(f"<{tag}{attrs}><jp:addressbook>{''.join(book)}</jp:addressbook>"
                            f"{attorney}</{tag}>")
        self.fields, self.attorney = {}, False

    def close_party(self) -> None:
        self.flush_person()
        if self.kind and self.persons:
            outer = _PARTY[self.kind][0]
            self.lines.append(f"<{outer}>{''.join(self.persons)}</{outer}>")
        self.kind, self.persons = "", []


def _date(text: str) -> str:
    """A date of the request as YYYYMMDD (令和６年１２月６日, 2024年12月6日); as written
    when it is neither."""
    m = _ERA_DATE.search(text)
    if m:
        year = 1 if m.group(2) == "元" else int(m.group(2).translate(_DIGITS))
        try:
            western = era_to_western(m.group(1), year)
        except ValueError:
            return escape(text)
        return f"{western}{int(m.group(3).translate(_DIGITS)):02d}" \
               f"{int(m.group(4).translate(_DIGITS)):02d}"
    m = _AD_DATE.search(text)
    if m:
        y, mo, d = (g.translate(_DIGITS) for g in m.groups())
        return f"{y}{int(mo):02d}{int(d):02d}"
    return escape(text)

