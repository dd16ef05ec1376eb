"""Safe, exact XML parsing for the formats other offices send (exchange.md §10–§11).

Nothing is fetched: no DTD is loaded, no external entity is read, no network is used, and
lxml never expands an entity itself (`resolve_entities=False`). What a document may use:

- the five XML entities and character references;
- text entities declared in its own internal subset, expanded here under a size cap (an
  entity bomb fails with `entity-expansion`);
- the entity names of a bundled table (`entities.py`: ISO 8879 and MathML sets, as the
  USPTO's external DTDs define them), which is correct parsing, not repair.

Any other name fails with `unknown-entity`; an internal subset that declares an external
(SYSTEM or PUBLIC) text entity fails with `external-entity`, whatever the entity names
(`/etc/passwd`, a URL). Unparsed NDATA entities (image files) are allowed: they name
files, they are not read. A file that is not well-formed fails with
`xml-not-well-formed` at the line and column of the offending character (libxml2 gives
one past it; see `failure`); nothing of it is used.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from tokkyo.ingest.errors import Rejected

#: Larger files are refused (`too-large`) before they are decoded. Weekly USPTO files
#: are about 1 GiB; a partner sending larger ones splits them.
MAX_BYTES = 4 * 1024 ** 3
#: The largest text one declared entity may expand to, counting nested references.
MAX_ENTITY_EXPANSION = 64 * 1024
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})

_CP932_ALIASES = {"shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms932",
                  "ms_kanji", "csshiftjis"}
_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*?\?>")
_UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_ENCODING = re.compile(rb"\A\s*<\?xml[^>]*?encoding\s*=\s*[\"'](?P<enc>[A-Za-z0-9_.:-]+)[\"']")
_DOCTYPE = re.compile(r"<!DOCTYPE\s+[^\[>]*(?:\[(?P<subset>.*?)\]\s*)?>", re.DOTALL)
_ENTITY_DECL = re.compile(
    r"<!ENTITY\s+(?P<pe>%\s+)?(?P<name>[^\s%]+)\s+(?:(?P<external>SYSTEM|PUBLIC)\b"
    r"(?P<ids>[^>]*?)|(?P<q>[\"'])(?P<value>.*?)(?P=q))\s*(?P<ndata>NDATA\s+\S+)?\s*>",
    re.DOTALL)
_REFERENCE = re.compile(r"&(?P<name>[A-Za-z_][\w.-]*);")
_COMMENT_OR_CDATA = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)


class ParseFailure(Rejected):
    """A file that cannot be read exactly: `{file, code, line, column, message, context}`.

    Codes: `xml-not-well-formed`, `unknown-entity`, `external-entity`,
    `entity-expansion`, `encoding-error`, `truncated`, `too-large`, `empty`.
    """

    def __init__(self, file: str, code: str, message: str, *, line: int = 0, column: int = 0,
                 context: str = "", format: str = "") -> None:
        where = f" at line {line}, column {column}" if line else ""
        near = f" near {context!r}" if context else ""
        super().__init__(f"{file}: {code}{where}: {message}{near}", format=format)
        self.file = file
        self.code = code
        self.line = line
        self.column = column
        self.message = message
        self.context = context

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "code": self.code, "line": self.line,
                "column": self.column, "message": self.message, "context": self.context}


def decode(name: str, data: bytes) -> str:
    """The text of an XML file in the encoding its declaration names (UTF-8 if none;
    Shift_JIS through cp932); a UTF-8 byte order mark is dropped."""
    if not data.strip():
        raise ParseFailure(name, "empty", "the file holds no XML")
    if len(data) > MAX_BYTES:
        raise ParseFailure(name, "too-large", f"{len(data)} bytes, more than the "
                           f"{MAX_BYTES} bytes one file may have")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    match, encoding, codec = _encoding(data)
    try:
        codecs.lookup(codec)
    except LookupError:
        raise ParseFailure(name, "encoding-error", f"the XML declaration names {encoding!r}, "
                           "an encoding tokkyo does not know", line=1, column=1) from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line, column = position_of(data, exc.start, codec)
        raise ParseFailure(name, "encoding-error", f"byte 0x{data[exc.start]:02x} is not "
                           f"{encoding}" + (" (declared in the XML declaration)" if match
                                             else " (no encoding is declared)"),
                           line=line, column=column) from None


def _encoding(data: bytes) -> tuple[re.Match[bytes] | None, str, str]:
    """The XML declaration's encoding (its match, the name as declared in lower case,
    the codec `decode` uses), UTF-8 if none; `data` without its byte order mark."""
    match = _ENCODING.match(data[:512])
    encoding = match.group("enc").decode("ascii").lower() if match else "utf-8"
    return match, encoding, "cp932" if encoding in _CP932_ALIASES else encoding


def position_of(data: bytes, offset: int, encoding: str = "utf-8") -> tuple[int, int]:
    """1-based line and column of a byte offset, the column counted in characters (as
    libxml2 counts) of the line's bytes before it, decoded as `encoding` (any byte that
    does not decode counts as one character)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    before = data[line_start:offset].decode(encoding, "replace")
    return data.count(b"\n", 0, offset) + 1, len(before) + 1


def _text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of an index into decoded text."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def context_at(text: str, line: int, column: int, width: int = 30) -> str:
    """The source around a position, for error messages."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    raw = lines[line - 1].encode("utf-8")
    start = max(0, column - 1 - width)
    return raw[start:column - 1 + width].decode("utf-8", "replace").strip()


def declared_entities(name: str, text: str) -> dict[str, str]:
    """The text entities of the internal subset, expanded (capped); external text
    entities fail with `external-entity`. NDATA entities and parameter entities that are
    not used in the document are left alone."""
    return _declared_entities(name, text, _doctype(text))


def _doctype(text: str) -> re.Match[str] | None:
    """The DOCTYPE declaration in the first 256 Ki characters."""
    return _DOCTYPE.search(text, 0, 65536 * 4)


def _declared_entities(name: str, text: str, doctype: re.Match[str] | None
                       ) -> dict[str, str]:
    if doctype is None or not doctype.group("subset"):
        return {}
    subset_start = doctype.start("subset")
    raw: dict[str, str] = {}
    for decl in _ENTITY_DECL.finditer(doctype.group("subset")):
        if decl.group("ndata"):
            continue                                   # an image file's name: not read
        if decl.group("external"):
            line, column = _text_position(text, subset_start + decl.start())
            raise ParseFailure(name, "external-entity", f"the document declares the "
                               f"external entity {decl.group('name')!r} "
                               f"({decl.group('external')}{decl.group('ids').rstrip()}); "
                               "tokkyo never reads external entities",
                               line=line, column=column)
        if decl.group("pe"):
            continue
        raw.setdefault(decl.group("name"), decl.group("value") or "")
    expanded: dict[str, str] = {}

    def expand(entity: str, depth: int) -> str:
        if entity in expanded:
            return expanded[entity]
        if depth > 20:
            raise ParseFailure(name, "entity-expansion", f"entity {entity!r} nests more "
                               "than 20 levels deep")
        value = raw[entity]
        out: list[str] = []
        size = 0
        last = 0
        for ref in _REFERENCE.finditer(value):
            out.append(value[last:ref.start()])
            inner = ref.group("name")
            piece = expand(inner, depth + 1) if inner in raw else ref.group(0)
            out.append(piece)
            size += len(piece) + ref.start() - last
            if size > MAX_ENTITY_EXPANSION:
                raise ParseFailure(name, "entity-expansion", f"entity {entity!r} expands to "
                                   f"more than {MAX_ENTITY_EXPANSION} characters (an entity "
                                   "bomb?)")
            last = ref.end()
        out.append(value[last:])
        result = "".join(out)
        if len(result) > MAX_ENTITY_EXPANSION:
            raise ParseFailure(name, "entity-expansion", f"entity {entity!r} expands to more "
                               f"than {MAX_ENTITY_EXPANSION} characters (an entity bomb?)")
        expanded[entity] = result
        return result

    for entity in raw:
        expand(entity, 0)
    return expanded


def resolve_references(name: str, text: str, table: Mapping[str, str]) -> str:
    """`&name;` replaced by its text from the internal subset or `table`; any other name
    fails with `unknown-entity` at its line and column. Markup-significant expansions
    (`&lt;`) are kept as character references so that they stay text."""
    return _resolve_references(name, text, table, _doctype(text))


def _resolve_references(name: str, text: str, table: Mapping[str, str],
                        doctype: re.Match[str] | None) -> str:
    body_start = 0
    if doctype is not None:
        body_start = doctype.end()
    skip = [(m.start(), m.end()) for m in _COMMENT_OR_CDATA.finditer(text, body_start)]
    out: list[str] = [text[:body_start]]
    last = body_start
    skip_index = 0
    for ref in _REFERENCE.finditer(text, body_start):
        entity = ref.group("name")
        if entity in XML_ENTITIES:
            continue
        while skip_index < len(skip) and skip[skip_index][1] <= ref.start():
            skip_index += 1
        if skip_index < len(skip) and skip[skip_index][0] <= ref.start():
            continue
        value = table.get(entity)
        if value is None:
            line, column = _text_position(text, ref.start())
            raise ParseFailure(name, "unknown-entity", f"the entity &{entity}; is not "
                               "defined in the document or in tokkyo's entity table",
                               line=line, column=column,
                               context=context_at(text, line, column))
        out.append(text[last:ref.start()])
        out.append(value.replace("&", "&#38;").replace("<", "&#60;"))
        last = ref.end()
    out.append(text[last:])
    return "".join(out)


def prepared(name: str, data: bytes, entities: Mapping[str, str] | None = None) -> bytes:
    """UTF-8 bytes lxml can parse exactly: decoded, entities resolved or refused, the
    XML declaration rewritten to UTF-8 (the DOCTYPE stays; it is never loaded)."""
    text = decode(name, data)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    # UTF-8 bytes are the text's UTF-8 as they are: a DOCTYPE in the text is in them (the
    # text is not searched when they hold none), and when no entity was resolved they
    # are what encoding the text again would give (only the declaration is rewritten)
    utf8 = codecs.lookup(_encoding(body)[2]).name == "utf-8"
    doctype = _doctype(text) if not utf8 or b"<!DOCTYPE" in body else None
    declared = _declared_entities(name, text, doctype)
    table = {**(entities or {}), **declared} if declared else (entities or {})
    resolved = _resolve_references(name, text, table, doctype) if "&" in text else text
    declaration = _DECLARATION.match(resolved)   # anchored at the start (sub(count=1))
    if utf8 and resolved == text:
        if declaration is None:
            return body
        return _UTF8_DECLARATION + body[len(text[:declaration.end()].encode("utf-8")):]
    if declaration is not None:
        resolved = _UTF8_DECLARATION.decode("ascii") + resolved[declaration.end():]
    return resolved.encode("utf-8")


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True, recover=False)


def parse(name: str, data: bytes, entities: Mapping[str, str] | None = None,
          *, format: str = "") -> etree._Element:
    """The root element of a whole document, strictly parsed."""
    source = prepared(name, data, entities)
    try:
        return etree.fromstring(source, parser())
    except etree.XMLSyntaxError as exc:
        raise failure(name, exc, source, format=format) from None


def iterparse(name: str, data: bytes, tags: tuple[str, ...],
              entities: Mapping[str, str] | None = None, *, format: str = ""
              ) -> Iterator[etree._Element]:
    """Each complete element named in `tags`, cleared after the caller is done with it:
    memory stays bounded by one record of a large delivery."""
    import io

    source = prepared(name, data, entities)
    context = etree.iterparse(io.BytesIO(source), events=("end",), tag=tags,
                              resolve_entities=False, load_dtd=False, no_network=True,
                              huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        for _event, element in context:
            yield element
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                parent = element.getparent()
                if parent is None:
                    break
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise failure(name, exc, source, format=format) from None


_POSITION = re.compile(r",? line \d+, column \d+$")


def failure(name: str, exc: etree.XMLSyntaxError, source: bytes, *, format: str = ""
            ) -> ParseFailure:
    """A libxml2 syntax error as a `ParseFailure` with its line, column and context.

    Columns are 1-based and counted in characters. For a file that is not well-formed
    the column is that of the last character the parser accepted before it stopped:
    libxml2 reports the one after it (one past a bare `&`), so one is taken off, which is
    how exchange.md §11 gives positions (`UDAPI & ASOCIADOS` fails at the `&`, 93:36)
    and where tolerant recovery's repairs point. A truncated file fails where it ends:
    the position just after its last character, as libxml2 reports it.
    """
    message = _POSITION.sub("", str(getattr(exc, "msg", "") or exc)).strip()
    line, column = exc.position if exc.position else (0, 0)
    text = source.decode("utf-8", "replace")
    root = re.search(r"<([A-Za-z_][\w:.-]*)", _DOCTYPE.sub("", text[:65536], count=1))
    if root is not None and not source.rstrip().endswith(f"</{root.group(1)}>".encode()):
        return ParseFailure(name, "truncated", "the file ends before its root element "
                            f"<{root.group(1)}> is closed (the parser stopped with: "
                            f"{message})", line=line, column=column,
                            context=context_at(text, line, column), format=format)
    if line and column > 1:
        column -= 1
    return ParseFailure(name, "xml-not-well-formed", message, line=line, column=column,
                        context=context_at(text, line, column), format=format)


def local(tag: object) -> str:
    """An element's name without its namespace."""
    name = _LOCAL.get(tag)
    if name is None:
        if not isinstance(tag, str):
            return ""
        name = tag.rsplit("}", 1)[-1]
        if len(_LOCAL) < _LOCAL_KEPT:
            _LOCAL[tag] = name
    return name


# Names already split (a document has a few dozen distinct ones and thousands of
# elements), up to a bound: a file with endless new names adds nothing past it.
_LOCAL: dict[object, str] = {}
_LOCAL_KEPT = 4096
