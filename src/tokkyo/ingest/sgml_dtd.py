"""The DTD side of the SGML parser (`sgml.py`): element, attribute and entity
declarations read from a DTD or a document's internal subset, and each element's content
model as a pattern its children are checked against. Names are case-insensitive
(NAMECASE GENERAL YES); an external text or parameter entity is refused."""

from __future__ import annotations

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
