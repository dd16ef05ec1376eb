"""Safe, streaming XML reading for JPO files, and text extraction.

No external DTD is loaded and nothing is fetched over the network: JPO bulk files name
DTDs that are not shipped with them. Entities of an internal subset are expanded under
libxml2's amplification limits (`huge_tree` stays off); an entity defined only in an
external DTD is an error that names it. Files that declare a Japanese legacy encoding are
decoded in Python (Shift_JIS through cp932, which also maps the vendor characters the
JPO uses) and handed to lxml as UTF-8.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator

from lxml import etree

from tokkyo.ingest.errors import Rejected

JP_NS = "http://www.jpo.go.jp"
NS = {"jp": JP_NS}

_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']"
                          rb"(?P<enc>[A-Za-z0-9_.:-]+)[\"'][^>]*\?>")
_UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_CP932_ALIASES = {"shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms932",
                  "ms_kanji", "csshiftjis"}


def declared_encoding(data: bytes) -> str | None:
    match = _DECLARATION.match(data[:512])
    return match.group("enc").decode("ascii").lower() if match else None


def to_utf8(name: str, data: bytes) -> bytes:
    """UTF-8 bytes for lxml; files declaring another encoding are transcoded here."""
    encoding = declared_encoding(data)
    if encoding is None or encoding.replace("-", "").replace("_", "") == "utf8":
        return data
    codec = "cp932" if encoding in _CP932_ALIASES else encoding
    try:
        codecs.lookup(codec)
    except LookupError:
        raise Rejected(f"{name}: wrong encoding: the XML declaration names {encoding!r}, "
                       "an encoding tokkyo does not know") from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if cut_off(data):
            raise Rejected(f"{name}: file cut off: the document ends before its root element "
                           f"is closed (byte 0x{data[exc.start]:02x} at offset {exc.start} is "
                           f"not {encoding})") from None
        raise Rejected(f"{name}: wrong encoding: byte 0x{data[exc.start]:02x} at offset "
                       f"{exc.start} is not {encoding} (declared in the XML declaration)"
                       ) from None
    return _DECLARATION.sub(_UTF8_DECLARATION, text.encode("utf-8"), count=1)


_POSITION = re.compile(r",? line \d+, column \d+$")


def cut_off(data: bytes) -> bool:
    """Whether the document stops before its root element is closed."""
    from tokkyo.ingest.detect import xml_root

    root = xml_root(data)
    return root is not None and not data.rstrip().endswith(f"</{root}>".encode())


def syntax_error(name: str, exc: etree.XMLSyntaxError, data: bytes) -> Rejected:
    message = _POSITION.sub("", str(exc.msg if getattr(exc, "msg", None) else exc))
    line, column = exc.position if exc.position else (0, 0)
    where = f"(line {line}, column {column})"
    if cut_off(data):
        return Rejected(f"{name}: file cut off: the document ends before its root element is "
                        f"closed; the parser stopped with: {message} {where}")
    if "UTF-8" in message or "encoding" in message.lower():
        return Rejected(f"{name}: wrong encoding: {message} {where}; declare the encoding in "
                        "the XML declaration or convert the file to UTF-8")
    return Rejected(f"{name}: malformed XML: {message} {where}")


def checked(name: str, utf8: bytes) -> bytes:
    """The document, once its internal subset is known to declare no external entity
    (`external-entity`: a file or URL it would have the parser read) and no entity that
    expands past the cap (`entity-expansion`), as the foreign readers check."""
    head = utf8[:262144]
    if b"<!ENTITY" in head:
        from tokkyo.ingest.foreign.xmlsafe import declared_entities

        declared_entities(name, head.decode("utf-8", "replace"))
    return utf8


def iter_children(name: str, data: bytes, tags: tuple[str, ...]
                  ) -> Iterator[etree._Element]:
    """The root element first (attributes read, children still arriving), then each
    top-level child whose tag is in `tags`, complete.

    lxml filters the tags in C, so Python sees a handful of events per document. Memory
    stays bounded by the largest top-level block: each is cleared once the caller is done
    with it. Elements of the same name deeper down (the claims inside a printed
    amendment) are left to their own top-level block.
    """
    source = io.BytesIO(checked(name, to_utf8(name, data)))
    context = etree.iterparse(source, events=("end",), tag=tags, load_dtd=False,
                              no_network=True, remove_comments=True, remove_pis=True)
    root = None
    try:
        for _event, element in context:
            if root is None:
                root = element
                while (parent := root.getparent()) is not None:
                    root = parent
                yield root
            if element.getparent() is not root:
                continue
            yield element
            element.clear()
            while element.getprevious() is not None:
                del root[0]
        if root is None and context.root is not None:
            yield context.root
    except etree.XMLSyntaxError as exc:
        raise syntax_error(name, exc, data) from None


def parse_whole(name: str, data: bytes) -> etree._Element:
    """A small document (a dossier body) as one tree."""
    parser = etree.XMLParser(load_dtd=False, no_network=True, remove_comments=True,
                             remove_pis=True)
    try:
        return etree.fromstring(checked(name, to_utf8(name, data)), parser)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(name, exc, data) from None


def local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


# Blocks printed as images; the text keeps their printed label (【表１】, 【化１】, 【数１】).
_IMAGE_BLOCKS = {"tables": "表", "chemistry": "化", "maths": "数"}
# Items the gazette prints on a line of their own after a label (公報仕様: 【特許文献１】,
# 【非特許文献１】 in the citation list, 【図１】 in the brief description of drawings); the
# label is printed before the item's own text, which stays.
_LABELLED_ITEMS = {"patcit": "特許文献", "nplcit": "非特許文献", "figref": "図"}
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# What `_collect_text` looks for below an element: the marked elements, and entity
# references left unexpanded.
_MARKED = ("br", *_IMAGE_BLOCKS, *_LABELLED_ITEMS, etree.Entity)


def text_of(element: etree._Element | None) -> str:
    """The text of an element: markup dropped, `<br/>` as a line break, lines trimmed."""
    if element is None:
        return ""
    return tidy(_collect_text(element))


_SOURCE_NEWLINE = re.compile(r"[ \t\r]*\n\s*")
_BREAK = "\x00"      # stands for <br/> while source line breaks are folded


def _label(tag: str, number: str | None) -> str:
    names = _IMAGE_BLOCKS if tag in _IMAGE_BLOCKS else _LABELLED_ITEMS
    return f"【{names[tag]}{(number or '').strip().translate(_FULL_WIDTH)}】"


def _collect_text(element: etree._Element) -> str:
    """Text with `<br/>` as line breaks, image blocks as their labels and each cited
    document or figure on a line of its own after its printed label.

    Line breaks in the XML source are layout and fold to a space; only `<br/>` (and a
    labelled item) breaks a line. The work is done by libxml2's text serialiser (or lxml's
    `itertext`) and C-level string operations where nothing is marked; the tree is read,
    not changed. The element itself keeps no label
    (a citation read on its own is its text).
    """
    if not len(element):        # no child: its own text (most fields, many paragraphs)
        text = (element.text or "").strip()
        return _SOURCE_NEWLINE.sub(" ", text) if "\n" in text else text
    marks: dict[etree._Element, str] = {}
    prefixes: dict[etree._Element, str] = {}
    entities = False
    for child in element.iterdescendants(*_MARKED):
        tag = child.tag
        if not isinstance(tag, str):
            entities = True
        elif tag == "br":
            marks[child] = _BREAK
        elif tag in _IMAGE_BLOCKS:
            marks[child] = _label(tag, child.get("num"))
        else:
            prefixes[child] = _BREAK + _label(tag, child.get("num"))
    if not marks and not prefixes:
        # libxml2's text serialiser: the same text as joining itertext, in half the time;
        # an unexpanded entity reference (which it would expand) keeps the itertext way
        text = ("".join(element.itertext()) if entities else
                etree.tostring(element, method="text", encoding=str, with_tail=False)).strip()
    else:
        parts: list[str] = []
        _walk(element, marks, prefixes, parts)
        text = "".join(parts).strip()
    if "\n" in text:
        text = _SOURCE_NEWLINE.sub(" ", text)
    return text.replace(_BREAK, "\n") if marks or prefixes else text


def _walk(element: etree._Element, marks: dict[etree._Element, str],
          prefixes: dict[etree._Element, str], parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        mark = marks.get(child)
        if mark is not None:
            parts.append(mark)
        else:
            prefix = prefixes.get(child)
            if prefix is not None:
                parts.append(prefix)
            if isinstance(child.tag, str) and (child.text or len(child)):
                _walk(child, marks, prefixes, parts)
        if child.tail:
            parts.append(child.tail)


def tidy(text: str) -> str:
    if "\n" not in text:
        return text.strip()
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
