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

Failures raise `ParseFailure` (from `tokkyo.ingest.foreign.xmlsafe`) with codes
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

#: The largest text one internal entity may expand to (an entity bomb fails).
MAX_ENTITY_EXPANSION = 64 * 1024

_NAME = r"[A-Za-z][A-Za-z0-9.\-]*"
_NAME_RE = re.compile(_NAME)
_SPACE = re.compile(r"\s*")
_DECL_TOKEN = re.compile(r"\s*(?:(?P<lit>\"[^\"]*\"|'[^']*')|(?P<comment>--.*?--)"
                         r"|(?P<group>\()|(?P<tok>[%#]?[A-Za-z0-9.\-]+;?|[-+])"
                         r"|(?P<other>\S))", re.DOTALL)
_MODEL_TOKEN = re.compile(r"\s*(#PCDATA|[A-Za-z][A-Za-z0-9.\-]*|[(),|&?*+])")
_ENTITY_REF = re.compile(r"&(?:#(?P<num>[0-9]+)|#[xX](?P<hex>[0-9A-Fa-f]+)|(?P<name>"
                         + _NAME + r"))(?:;|\r?\n)?")
_ATTRIBUTE = re.compile(r"\s*(?:(?P<name>" + _NAME + r")\s*=\s*(?:\"(?P<dq>[^\"]*)\"|"
                        r"'(?P<sq>[^']*)'|(?P<token>[A-Za-z0-9.\-]+))"
                        r"|(?P<bare>[A-Za-z0-9.\-]+))")


# --- the DTD -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ElementDecl:
    """One element type as the DTD declares it."""

    name: str
    omit_start: bool
    omit_end: bool
    content: str                          # EMPTY, CDATA, RCDATA, ANY or MODEL
    names: frozenset[str] = frozenset()   # element types the model mentions
    mixed: bool = False                   # #PCDATA allowed
    pattern: re.Pattern[str] | None = None   # the model over "<NAME>" tokens
    inclusions: frozenset[str] = frozenset()
    exclusions: frozenset[str] = frozenset()

    def allows(self, child: str) -> bool:
        return self.content == "ANY" or child in self.names


@dataclass(frozen=True, slots=True)
class AttributeDecl:
    name: str
    declared: str                         # CDATA, ENTITY, NUMBER, ... or GROUP
    values: tuple[str, ...] = ()          # the enumerated name tokens of a group


@dataclass(frozen=True, slots=True)
class EntityDecl:
    """An entity declaration: internal text, or an external file with its notation."""

    name: str
    text: str | None = None               # internal text entity
    system: str | None = None
    public: str | None = None
    notation: str = ""                    # NDATA notation (TIFF, ...)
    parameter: bool = False
    line: int = 0
    column: int = 0


@dataclass
class Dtd:
    """Element, attribute and entity declarations (of a DTD and/or an internal subset)."""

    elements: dict[str, ElementDecl] = field(default_factory=dict)
    attributes: dict[str, dict[str, AttributeDecl]] = field(default_factory=dict)
    entities: dict[str, EntityDecl] = field(default_factory=dict)

    def merged_over(self, base: Dtd) -> Dtd:
        """These declarations, falling back to `base` (an internal subset takes
        precedence over the external DTD, as ISO 8879 processes it first)."""
        attributes = {k: dict(v) for k, v in base.attributes.items()}
        for element, attrs in self.attributes.items():
            attributes.setdefault(element, {}).update(attrs)
        return Dtd({**base.elements, **self.elements}, attributes,
                   {**base.entities, **self.entities})


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _fail(name: str, text: str, index: int, code: str, message: str,
          format: str) -> ParseFailure:
    line, column = _position(text, index)
    context = text[max(0, index - 20):index + 20].replace("\n", " ").strip()
    return ParseFailure(name, code, message, line=line, column=column, context=context,
                        format=format)


def _declarations(text: str, start: int, end: int) -> Iterator[tuple[int, str, str]]:
    """(offset, keyword, body) of each `<!KEYWORD body>` between start and end; comment
    declarations and parameter entity references are skipped."""
    index = start
    while True:
        found = text.find("<!", index, end)
        if found < 0:
            return
        if text.startswith("<!--", found):
            close = text.find("-->", found + 4, end)
            if close < 0:
                raise ValueError(f"unterminated comment at {found}")
            index = close + 3
            continue
        keyword = _NAME_RE.match(text, found + 2)
        if keyword is None:
            raise ValueError(f"a declaration without a keyword at {found}")
        # the declaration ends at the first ">" outside literals and -- comments --
        i = keyword.end()
        while i < end:
            ch = text[i]
            if ch in "\"'":
                close = text.find(ch, i + 1, end)
                i = (close if close >= 0 else end) + 1
            elif text.startswith("--", i):
                close = text.find("--", i + 2, end)
                i = (close if close >= 0 else end) + 2
            elif ch == ">":
                break
            else:
                i += 1
        if i >= end:
            raise ValueError(f"unterminated declaration <!{keyword.group()} at {found}")
        yield found, keyword.group().upper(), text[keyword.end():i]
        index = i + 1


def _tokens(body: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(body):
        m = _DECL_TOKEN.match(body, i)
        if m is None or m.end() == i:
            break
        i = m.end()
        if m.group("comment"):
            continue
        if m.group("group"):
            depth, j = 1, i
            while j < len(body) and depth:
                depth += {"(": 1, ")": -1}.get(body[j], 0)
                j += 1
            out.append(body[i - 1:j])
            i = j
            while i < len(body) and body[i] in "?*+":     # a group's occurrence indicator
                out[-1] += body[i]
                i += 1
            continue
        out.append(m.group("lit") or m.group("tok") or m.group("other"))
    return out


def _names_in(group: str) -> list[str]:
    return [n.upper() for n in re.findall(_NAME, group)]


def _model(group: str) -> tuple[frozenset[str], bool, re.Pattern[str]]:
    """The element names, #PCDATA flag and token regex of a model group such as
    `(A,B?,(C|D)+)`."""
    tokens = _MODEL_TOKEN.findall(group)
    names: set[str] = set()
    mixed = False
    pos = 0

    def unit() -> str:
        nonlocal pos, mixed
        token = tokens[pos]
        pos += 1
        if token == "(":
            parts = [unit()]
            connector = ""
            while tokens[pos] != ")":
                connector = tokens[pos]
                pos += 1
                parts.append(unit())
            pos += 1
            if connector == "|":
                regex = "(?:" + "|".join(parts) + ")"
            elif connector == "&":                 # any order: checked loosely
                regex = "(?:" + "|".join(parts) + ")*"
            else:
                regex = "(?:" + "".join(parts) + ")"
        elif token == "#PCDATA":
            mixed = True
            regex = ""
        else:
            names.add(token.upper())
            regex = "(?:<" + re.escape(token.upper()) + ">)"
        if pos < len(tokens) and tokens[pos] in ("?", "*", "+"):
            regex = "(?:" + regex + ")" + tokens[pos]
            pos += 1
        return regex

    regex = unit()
    return frozenset(names), mixed, re.compile(regex)


def parse_dtd(text: str, *, start: int = 0, end: int | None = None, source: str = "DTD",
              format: str = "sgml") -> Dtd:
    """The element, attribute and entity declarations of a DTD (or of an internal subset,
    `text[start:end]`). Parameter entity references (`%SPECIAL;`) are not resolved: an
    external DTD fragment is never read."""
    end = len(text) if end is None else end
    dtd = Dtd()
    try:
        found = list(_declarations(text, start, end))
    except ValueError as exc:
        raise _fail(source, text, start, "sgml-not-well-formed", str(exc), format) from None
    for offset, keyword, body in found:
        tokens = _tokens(body)
        if not tokens:
            continue
        if keyword == "ELEMENT":
            _element_decl(dtd, tokens, source, text, offset, format)
        elif keyword == "ATTLIST":
            _attlist_decl(dtd, tokens)
        elif keyword == "ENTITY":
            _entity_decl(dtd, tokens, text, offset)
    return dtd


def _element_decl(dtd: Dtd, tokens: list[str], source: str, text: str, offset: int,
                  format: str) -> None:
    names = _names_in(tokens[0])
    rest = tokens[1:]
    omit_start = omit_end = False
    if len(rest) >= 2 and rest[0] in ("-", "O", "o") and rest[1] in ("-", "O", "o"):
        omit_start, omit_end = rest[0] in "Oo", rest[1] in "Oo"
        rest = rest[2:]
    if not rest:
        raise _fail(source, text, offset, "sgml-not-well-formed",
                    f"element {names} has no content declaration", format)
    content = rest[0]
    inclusions: set[str] = set()
    exclusions: set[str] = set()
    for j, token in enumerate(rest[1:], 1):         # exceptions: -(A|B) +(C)
        if token in ("-", "+") and j + 1 < len(rest) and rest[j + 1].startswith("("):
            (exclusions if token == "-" else inclusions).update(_names_in(rest[j + 1]))
    kind = content.upper()
    for name in names:
        if kind in ("EMPTY", "CDATA", "RCDATA", "ANY"):
            dtd.elements[name] = ElementDecl(name, omit_start, omit_end, kind,
                                             mixed=kind != "EMPTY",
                                             inclusions=frozenset(inclusions),
                                             exclusions=frozenset(exclusions))
        else:
            model_names, mixed, pattern = _model(content)
            dtd.elements[name] = ElementDecl(name, omit_start, omit_end, "MODEL", model_names,
                                             mixed, pattern, frozenset(inclusions),
                                             frozenset(exclusions))


def _attlist_decl(dtd: Dtd, tokens: list[str]) -> None:
    elements = _names_in(tokens[0])
    i = 1
    declared: dict[str, AttributeDecl] = {}
    while i + 1 < len(tokens):
        name = tokens[i].upper()
        value = tokens[i + 1]
        i += 2
        if value.upper() == "NOTATION" and i < len(tokens):
            value = tokens[i]
            i += 1
        if value.startswith("("):
            attr = AttributeDecl(name, "GROUP", tuple(re.findall(r"[A-Za-z0-9.\-]+", value)))
        else:
            attr = AttributeDecl(name, value.upper())
        declared[name] = attr
        if i < len(tokens) and tokens[i].upper() == "#FIXED":
            i += 1
        i += 1                                     # the default value
    for element in elements:
        dtd.attributes.setdefault(element, {}).update(declared)


def _entity_decl(dtd: Dtd, tokens: list[str], text: str, offset: int) -> None:
    parameter = tokens[0] == "%"
    if parameter:
        tokens = tokens[1:]
    if not tokens:
        return
    name = tokens[0]
    line, column = _position(text, offset)
    decl = EntityDecl(name, parameter=parameter, line=line, column=column)
    rest = tokens[1:]
    literals = [t[1:-1] for t in rest if t[:1] in "\"'"]
    keyword = rest[0].upper() if rest else ""
    if keyword in ("PUBLIC", "SYSTEM"):
        public = literals[0] if keyword == "PUBLIC" and literals else None
        system = (literals[1] if len(literals) > 1 else None) if keyword == "PUBLIC" \
            else (literals[0] if literals else "")
        # only NDATA entities name files; external CDATA, SDATA and SUBDOC entities are
        # external text like any other and are refused where declared or used
        upper = [t.upper() for t in rest]
        k = upper.index("NDATA") if "NDATA" in upper else -1
        notation = rest[k + 1] if 0 <= k < len(rest) - 1 else ""
        decl = EntityDecl(name, None, system, public, notation, parameter, line, column)
    else:
        decl = EntityDecl(name, literals[0] if literals else "", parameter=parameter,
                          line=line, column=column)
    if name not in dtd.entities:                   # the first declaration is binding
        dtd.entities[name] = decl


# --- the document --------------------------------------------------------------------------

@dataclass
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
        return (c for c in self.children if isinstance(c, Element))

    def find(self, name: str) -> Element | None:
        """The first child element of that type."""
        return next((c for c in self.elements() if c.name == name), None)

    def findall(self, name: str) -> list[Element]:
        return [c for c in self.elements() if c.name == name]

    def iter(self, name: str | None = None) -> Iterator[Element]:
        """This element and its descendants in document order (of one type if named)."""
        if name is None or self.name == name:
            yield self
        for child in self.elements():
            yield from child.iter(name)


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
        if decl.pattern is not None:
            sequence = "".join(f"<{c.name}>" for c in element.elements())
            if not decl.pattern.fullmatch(sequence):
                names = ", ".join(c.name for c in element.elements()) or "nothing"
                self.problems.append(
                    f"line {element.line}: {element.name} holds {names}, which does not "
                    "follow its content model in the DTD")
        if not self.stack:
            self.closed = True

    def excluded(self, child: str) -> bool:
        return any(child in d.exclusions for _, d in self.stack)

    def included(self, child: str) -> bool:
        return any(child in d.inclusions for _, d in self.stack)

    def start(self, tag: str, attributes: dict[str, str], index: int) -> None:
        decl = self.dtd.elements.get(tag)
        if decl is None:
            raise self.fail(index, "sgml-invalid", f"element {tag} is not declared in the DTD")
        if self.root is None:
            self.root = Element(tag, attributes, *self.position(index))
            self.stack.append((self.root, decl))
            return
        while True:
            if not self.stack:
                raise self.fail(index, "sgml-not-well-formed", f"<{tag}> after the end of "
                                f"the document element {self.root.name}")
            parent, parent_decl = self.stack[-1]
            if (parent_decl.allows(tag) or self.included(tag)) and not self.excluded(tag):
                break
            if not parent_decl.omit_end:
                raise self.fail(index, "sgml-invalid", f"<{tag}> is not allowed in "
                                f"{parent.name}, whose end tag the DTD requires")
            self.close_top(index)
        element = Element(tag, attributes, *self.position(index))
        parent.children.append(element)
        if decl.content != "EMPTY":
            self.stack.append((element, decl))

    def end(self, tag: str, index: int) -> None:
        if not tag:                               # </> closes the open element
            if not self.stack:
                raise self.fail(index, "sgml-not-well-formed", "</> with no open element")
            tag = self.stack[-1][0].name
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
        if text.startswith("</", lt):
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
        elif text.startswith("<?", lt):
            close = text.find(">", lt)
            if close < 0:
                raise _fail(name, text, lt, "truncated", "the file ends in a processing "
                            "instruction", format)
            index = close + 1
        elif _NAME_RE.match(text, lt + 1):
            m = _START.match(text, lt)
            if m is None:
                raise _unreadable(name, text, lt, "start tag", format)
            tag = m.group("name").upper()
            builder.start(tag, _attributes(builder, tag, m.group("attrs"), lt), lt)
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
