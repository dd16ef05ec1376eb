"""A small, strict SGML parser for the JPO's SGML gazettes (ISO 8879, reference concrete syntax).

Why our own: the JPO delivered its trademark registration gazettes as SGML (`TR.DTD`),
with end tags omitted where the DTD allows it, and no SGML tool (OpenSP, SP) can be
assumed on a user's machine. lxml's HTML parser would guess structure and lose text;
this parser instead reads the DTD's element declarations and infers omitted end tags
exactly as ISO 8879 defines for these declarations:

- an element declared `EMPTY` has no content and no end tag;
- an element whose end tag is declared omissible (`- O`) is closed by a start tag its
  content model does not allow, by its parent's end tag, or by the end of the file;
- an element whose end tag is required (`- -`) that is still open at the end of the file
  means the file was cut short (`truncated`), and an end tag that would close it
  implicitly is an error;
- attribute values quoted, unquoted (name tokens) or with the attribute name omitted
  (an enumerated value such as `TRUE`, SHORTTAG); element and attribute names are
  case-insensitive (NAMECASE GENERAL YES), entity names are not;
- text and internal text entities (`&name;`, `&#123;`) are expanded under a cap; an
  external text or parameter entity is refused (`external-entity`): nothing is read
  from outside the file. NDATA entities (image and sound files) only name files.

Whether each element's children follow its content model (order, required elements)
is checked when the element closes; a mismatch is reported in `SgmlDocument.problems`
rather than refusing the file, because the structure itself is unambiguous.

Not supported, each failing with a clear message rather than being guessed: omitted
start tags (`O -`), marked sections (`<![ ... ]]>`), SHORTTAG empty or unclosed tags
(`<>`, `</>` is supported), SHORTREF and data tags. The `&` connector is checked loosely
(any order and number).

The DTD side is in `sgml_dtd.py`. Failures raise `ParseFailure` (from
`tokkyo.ingest.foreign.xmlsafe`) with codes
`truncated`, `sgml-not-well-formed` (markup that cannot be read), `sgml-invalid`
(an element or attribute the DTD does not declare or allow where it stands),
`unknown-entity`, `external-entity`, `entity-expansion`; lines and columns are
1-based, columns counted in characters of the decoded text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.ingest.sgml_dtd import (
    _ATTRIBUTE,
    _ENTITY_REF,
    _NAME,
    _SPACE,
    MAX_ENTITY_EXPANSION,
    Dtd,
    ElementDecl,
    EntityDecl,
    _fail,
    parse_dtd,
)

# --- the document --------------------------------------------------------------------------

@dataclass(slots=True)
class Element:
    """An element of the parsed document; `children` mixes elements and text strings."""

    name: str
    attributes: dict[str, str]
    line: int
    column: int
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """All text inside, markup dropped."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self) -> Iterator[Element]:
        return iter([c for c in self.children if isinstance(c, Element)])

    def find(self, name: str) -> Element | None:
        """The first child element of that type."""
        for child in self.children:
            if isinstance(child, Element) and child.name == name:
                return child
        return None

    def findall(self, name: str) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element) and c.name == name]

    def iter(self, name: str | None = None) -> Iterator[Element]:
        """This element and its descendants in document order (of one type if named).
        Walked with a stack of the children still to visit, not by nested generators
        (one per element, each resumed once per descendant)."""
        pending: list[Element] = [self]
        while pending:
            element = pending.pop()
            if name is None or element.name == name:
                yield element
            children = [c for c in element.children if isinstance(c, Element)]
            if children:
                children.reverse()
                pending += children


@dataclass
class SgmlDocument:
    """A parsed SGML document: its root, document type, declared entities and any
    content-model mismatches (`problems`, one English sentence each)."""

    root: Element
    doctype: str
    public_id: str
    entities: dict[str, EntityDecl]
    problems: list[str] = field(default_factory=list)


_DOCTYPE = re.compile(r"<!DOCTYPE\s+(?P<name>" + _NAME + r")\s*(?:(?P<kw>PUBLIC|SYSTEM)\s*"
                      r"(?P<ids>(?:\"[^\"]*\"\s*|'[^']*'\s*){0,2}))?(?P<subset>\[)?",
                      re.IGNORECASE)


class _Builder:
    def __init__(self, name: str, text: str, dtd: Dtd, format: str) -> None:
        self.name = name
        self.text = text
        self.dtd = dtd
        self.format = format
        self.stack: list[tuple[Element, ElementDecl]] = []
        self.root: Element | None = None
        self.closed = False
        self.problems: list[str] = []
        self.expanded: dict[str, str] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # how many open elements declare inclusions or exclusions (TR.DTD: none), so
        # that `start` asks the open elements only when one does
        self.marked = 0

    def push(self, element: Element, decl: ElementDecl) -> None:
        self.stack.append((element, decl))
        if decl.inclusions or decl.exclusions:
            self.marked += 1

    def position(self, index: int) -> tuple[int, int]:
        """Line and column of an offset, by bisection (elements are many; `_position`
        scans the text, which is fine for the one failure a file can have)."""
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def fail(self, index: int, code: str, message: str) -> ParseFailure:
        return _fail(self.name, self.text, index, code, message, self.format)

    # entities
    def entity_text(self, entity: str, index: int, depth: int = 0) -> str:
        if entity in self.expanded:
            return self.expanded[entity]
        decl = self.dtd.entities.get(entity)
        if decl is None or decl.parameter:
            raise self.fail(index, "unknown-entity", f"the entity &{entity}; is not declared "
                            "(not in the document's internal subset nor in the DTD; JPO's "
                            "special-character entity set is not available to tokkyo)")
        if decl.text is None:
            what = f"NDATA {decl.notation} file" if decl.notation else "external text entity"
            raise self.fail(index, "external-entity", f"&{entity}; refers to the {what} "
                            f"{decl.system or decl.public!r}; tokkyo never reads external "
                            "entities into text")
        if depth > 20:
            raise self.fail(index, "entity-expansion",
                            f"entity {entity!r} nests more than 20 levels deep")
        result = self.references(decl.text, index, depth + 1)
        if len(result) > MAX_ENTITY_EXPANSION:
            raise self.fail(index, "entity-expansion", f"entity {entity!r} expands to more "
                            f"than {MAX_ENTITY_EXPANSION} characters (an entity bomb?)")
        self.expanded[entity] = result
        return result

    def references(self, data: str, index: int, depth: int = 0) -> str:
        if "&" not in data:
            return data
        out: list[str] = []
        last = 0
        size = 0
        for ref in _ENTITY_REF.finditer(data):
            out.append(data[last:ref.start()])
            if ref.group("num") or ref.group("hex"):
                code = int(ref.group("num")) if ref.group("num") else int(ref.group("hex"), 16)
                try:
                    piece = chr(code)
                except (ValueError, OverflowError):
                    raise self.fail(index + ref.start(), "sgml-not-well-formed",
                                    f"{ref.group()} is not a character") from None
            else:
                piece = self.entity_text(ref.group("name"), index + ref.start(), depth)
            out.append(piece)
            size += len(piece)
            if size > MAX_ENTITY_EXPANSION * 16:
                raise self.fail(index, "entity-expansion", "entity references expand to "
                                "more text than a gazette holds (an entity bomb?)")
            last = ref.end()
        out.append(data[last:])
        return "".join(out)

    # structure
    def close_top(self, index: int) -> None:
        element, decl = self.stack.pop()
        if decl.inclusions or decl.exclusions:
            self.marked -= 1
        if decl.pattern is not None:
            names = [c.name for c in element.children if isinstance(c, Element)]
            sequence = f"<{'><'.join(names)}>" if names else ""
            if not decl.pattern.fullmatch(sequence):
                listed = ", ".join(names) or "nothing"
                self.problems.append(
                    f"line {element.line}: {element.name} holds {listed}, which does not "
                    "follow its content model in the DTD")
        if not self.stack:
            self.closed = True

    def excluded(self, child: str) -> bool:
        return bool(self.marked) and any(child in d.exclusions for _, d in self.stack)

    def included(self, child: str) -> bool:
        return bool(self.marked) and any(child in d.inclusions for _, d in self.stack)

    def start(self, tag: str, attributes: dict[str, str], index: int) -> None:
        decl = self.dtd.elements.get(tag)
        if decl is None:
            raise self.fail(index, "sgml-invalid", f"element {tag} is not declared in the DTD")
        if self.root is None:
            self.root = Element(tag, attributes, *self.position(index))
            self.push(self.root, decl)
            return
        while True:
            if not self.stack:
                raise self.fail(index, "sgml-not-well-formed", f"<{tag}> after the end of "
                                f"the document element {self.root.name}")
            parent, parent_decl = self.stack[-1]
            # ElementDecl.allows, inlined: asked for every start tag
            if ((tag in parent_decl.names or parent_decl.content == "ANY"
                 or self.included(tag)) and not self.excluded(tag)):
                break
            if not parent_decl.omit_end:
                raise self.fail(index, "sgml-invalid", f"<{tag}> is not allowed in "
                                f"{parent.name}, whose end tag the DTD requires")
            self.close_top(index)
        element = Element(tag, attributes, *self.position(index))
        parent.children.append(element)
        if decl.content != "EMPTY":
            self.push(element, decl)

    def end(self, tag: str, index: int) -> None:
        if not tag:                               # </> closes the open element
            if not self.stack:
                raise self.fail(index, "sgml-not-well-formed", "</> with no open element")
            tag = self.stack[-1][0].name
        if self.stack and self.stack[-1][0].name == tag:     # the usual case: the open one
            self.close_top(index)
            return
        open_names = [e.name for e, _ in self.stack]
        if tag not in open_names:
            decl = self.dtd.elements.get(tag)
            what = " (an EMPTY element has no end tag)" if decl and decl.content == "EMPTY" \
                else ""
            raise self.fail(index, "sgml-not-well-formed",
                            f"</{tag}> without an open <{tag}>{what}")
        while self.stack[-1][0].name != tag:
            element, decl = self.stack[-1]
            if not decl.omit_end:
                raise self.fail(index, "sgml-not-well-formed", f"</{tag}> while "
                                f"{element.name} (line {element.line}) is open, whose end "
                                "tag the DTD requires")
            self.close_top(index)
        self.close_top(index)

    def data(self, chunk: str, index: int) -> None:
        if not chunk:
            return
        while True:
            if not self.stack:
                if chunk.strip():
                    raise self.fail(index, "sgml-not-well-formed",
                                    "text outside the document element")
                return
            element, decl = self.stack[-1]
            if decl.mixed or decl.content == "ANY":
                element.children.append(self.references(chunk, index))
                return
            if not chunk.strip():
                return                             # separators in element content
            if not decl.omit_end:
                raise self.fail(index, "sgml-invalid", f"text {chunk.strip()[:20]!r} is not "
                                f"allowed in {element.name}")
            self.close_top(index)


_TAG_END = re.compile(r"\s*>")


def _attributes(builder: _Builder, tag: str, body: str, index: int) -> dict[str, str]:
    declared = builder.dtd.attributes.get(tag, {})
    out: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        if not body[pos:].strip():
            break
        m = _ATTRIBUTE.match(body, pos)
        if m is None or m.end() == pos:
            raise builder.fail(index, "sgml-not-well-formed",
                               f"cannot read the attributes of <{tag}>: {body[pos:].strip()!r}")
        pos = m.end()
        if m.group("bare"):                        # SHORTTAG: the attribute name omitted
            token = m.group("bare")
            owner = next((a for a in declared.values()
                          if token.upper() in (v.upper() for v in a.values)), None)
            if owner is None:
                raise builder.fail(index, "sgml-invalid", f"<{tag}> has the value {token!r} "
                                   "that no attribute of it declares")
            out[owner.name] = next(v for v in owner.values if v.upper() == token.upper())
            continue
        name = m.group("name").upper()
        if name not in declared:
            raise builder.fail(index, "sgml-invalid",
                               f"<{tag}> has the attribute {name}, which the DTD does not "
                               "declare")
        raw = m.group("dq") if m.group("dq") is not None else m.group("sq")
        value = builder.references(raw, index) if raw is not None else m.group("token")
        if declared[name].declared in ("ENTITY", "ENTITIES"):
            for entity in value.split():
                found = builder.dtd.entities.get(entity)
                if found is None or found.parameter:
                    raise builder.fail(index, "unknown-entity", f"<{tag} {name}={value}> "
                                       f"names the entity {entity!r}, which the document "
                                       "does not declare")
        out[name] = value
    return out


#: The characters a name starts with (`_NAME`): after "<", they open a start tag.
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_START = re.compile(r"<(?P<name>" + _NAME + r")(?P<attrs>(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>")
_END = re.compile(r"</(?P<name>" + _NAME + r")?\s*>")


def parse(name: str, text: str, dtd: Dtd, *, format: str = "sgml") -> SgmlDocument:
    """The document `text` (already decoded) parsed against `dtd` and its own internal
    subset; `ParseFailure` when it cannot be read exactly."""
    index = 0
    doctype = _DOCTYPE.search(text)
    doctype_name = public_id = ""
    while True:                                   # comments and PIs before the DOCTYPE
        index = _SPACE.match(text, index).end()   # type: ignore[union-attr]
        if text.startswith("<!--", index):
            close = text.find("-->", index)
            if close < 0:
                raise _fail(name, text, index, "truncated", "the file ends in a comment",
                            format)
            index = close + 3
        elif text.startswith("<?", index):
            close = text.find(">", index)
            if close < 0:
                raise _fail(name, text, index, "truncated",
                            "the file ends in a processing instruction", format)
            index = close + 1
        else:
            break
    if doctype is not None and doctype.start() == index:
        doctype_name = doctype.group("name").upper()
        ids = re.findall(r"\"([^\"]*)\"|'([^']*)'", doctype.group("ids") or "")
        public_id = (ids[0][0] or ids[0][1]) if ids and doctype.group("kw").upper() == \
            "PUBLIC" else ""
        index = doctype.end()
        if doctype.group("subset"):
            close = _subset_end(text, index)
            if close < 0:
                raise _fail(name, text, index, "truncated",
                            "the file ends inside the DOCTYPE's internal subset", format)
            subset = parse_dtd(text, start=index, end=close, source=name, format=format)
            for entity in subset.entities.values():
                if entity.text is None and not entity.notation:
                    raise ParseFailure(name, "external-entity", f"the document declares the "
                                       f"external entity {entity.name!r} "
                                       f"({entity.system or entity.public!r}); tokkyo never "
                                       "reads external entities", line=entity.line,
                                       column=entity.column, format=format)
            dtd = subset.merged_over(dtd)
            index = close + 1
        tail = _TAG_END.match(text, index)
        if tail is None:
            raise _fail(name, text, index, "truncated" if not text[index:].strip()
                        else "sgml-not-well-formed", "the DOCTYPE declaration is not closed",
                        format)
        index = tail.end()
    builder = _Builder(name, text, dtd, format)
    length = len(text)
    while index < length:
        lt = text.find("<", index)
        if lt < 0:
            lt = length
        if lt > index:
            builder.data(_record_ends(text, index, lt), index)
        if lt >= length:
            break
        # what follows "<" decides the markup: one character, looked at once
        after = text[lt + 1:lt + 2]
        if after in _NAME_START:
            m = _START.match(text, lt)
            if m is None:
                raise _unreadable(name, text, lt, "start tag", format)
            tag = m.group("name").upper()
            attrs = m.group("attrs")
            builder.start(tag, _attributes(builder, tag, attrs, lt) if attrs else {}, lt)
            index = m.end()
            decl = dtd.elements[tag]
            if decl.content in ("CDATA", "RCDATA"):
                close = text.find("</", index)
                if close < 0:
                    raise _fail(name, text, length, "truncated",
                                f"the file ends inside {tag}", format)
                chunk = text[index:close]
                builder.stack[-1][0].children.append(
                    builder.references(chunk, index) if decl.content == "RCDATA" else chunk)
                index = close
        elif after == "/":
            m = _END.match(text, lt)
            if m is None:
                raise _unreadable(name, text, lt, "end tag", format)
            builder.end((m.group("name") or "").upper(), lt)
            index = m.end()
        elif text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            if close < 0:
                raise _fail(name, text, lt, "truncated", "the file ends in a comment", format)
            index = close + 3
        elif text.startswith("<![", lt):
            raise _fail(name, text, lt, "sgml-not-well-formed",
                        "marked sections are not supported", format)
        elif after == "?":
            close = text.find(">", lt)
            if close < 0:
                raise _fail(name, text, lt, "truncated", "the file ends in a processing "
                            "instruction", format)
            index = close + 1
        else:
            builder.data("<", lt)                   # a "<" that opens no markup is data
            index = lt + 1
    if builder.root is None:
        raise _fail(name, text, length, "truncated" if doctype_name else "empty",
                    "the file holds no document element", format)
    while builder.stack:
        element, decl = builder.stack[-1]
        if not decl.omit_end:
            raise _fail(name, text, length, "truncated", f"the file ends before the end tag "
                        f"</{element.name}> of the element opened at line {element.line}, "
                        f"column {element.column}", format)
        builder.close_top(length)
    if doctype_name and builder.root.name != doctype_name:
        builder.problems.append(f"the document element is {builder.root.name}, not "
                                f"{doctype_name} as its DOCTYPE says")
    return SgmlDocument(builder.root, doctype_name, public_id, dict(dtd.entities),
                        builder.problems)


def _subset_end(text: str, index: int) -> int:
    """The offset of the `]` that ends an internal subset (outside literals and comments)."""
    i = index
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            close = text.find(ch, i + 1)
            if close < 0:
                return -1
            i = close + 1
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            if close < 0:
                return -1
            i = close + 3
        elif ch == "]":
            return i
        else:
            i += 1
    return -1


def _unreadable(name: str, text: str, index: int, what: str, format: str) -> ParseFailure:
    rest = text[index:]
    if ">" not in rest:
        return _fail(name, text, index, "truncated", f"the file ends inside a {what}", format)
    return _fail(name, text, index, "sgml-not-well-formed", f"a {what} that cannot be read",
                 format)


def _record_ends(text: str, start: int, end: int) -> str:
    """Data between two tags, with the record end right after a start tag and right before
    an end tag dropped (ISO 8879 §7.6.1: they are not data)."""
    chunk = text[start:end]
    if start > 0 and text[start - 1] == ">" and chunk.startswith(("\r\n", "\n")):
        chunk = chunk[2:] if chunk.startswith("\r\n") else chunk[1:]
    if text.startswith("</", end) and chunk.endswith("\n"):
        chunk = chunk[:-2] if chunk.endswith("\r\n") else chunk[:-1]
    return chunk
