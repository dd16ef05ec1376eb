"""The canonical, fully bracketed form of a parsed expression (portal.md §3.2 rule 6): what
the user is shown, what permalinks carry, and what parses back to an equal tree.

- every And / Or / AndNot is wrapped in `[ ]`, except the root; a chain as the parser
  builds it, left to right at one level, is one bracket: `[a+b+c]`, and `[a*b-c*d]` for
  AND and AND-NOT, which the grammar reads left to right (`a-b*c` is `(a-b)*c`), not
  `[[[a*b]-c]*d]`: that said nothing more, and a form or simple search of 19 words (or
  19 terms of AND-NOT) printed deeper than the 16 levels the parser reads back;
- every atom is `value/CODE`, with its field even when it was the screen's default;
- a value is double-quoted (`"` written `""`) when it is empty or holds whitespace, a
  delimiter `* + - [ ] ( )`, a quote, a `,` (text, mark, code), a leading `/`, or a
  trailing `/` + letters that could read as a field;
- text proximity is `t1,5C,t2`; codes are canonical (`H01M8/02`, `4F100AB01.A`,
  `4F100<A,B;AB01,AK41>`); dates are `YYYYMMDD:YYYYMMDD` (`A:`, `:B` when open, one
  `YYYYMMDD` for a single day); a number is its canonical key when that reads back to the
  same readings, else the number as typed.
"""

from __future__ import annotations

import datetime as dt

from tokkyo.search.query.ast import (
    OPERATORS,
    And,
    AndNot,
    Atom,
    Code,
    DateRange,
    Fi,
    Fterm,
    FtermSet,
    Ipc,
    Mark,
    Node,
    NumberValue,
    Or,
    Text,
    Theme,
    Value,
)
from tokkyo.search.query.fields import field_code
from tokkyo.search.query.lexer import looks_like_code
from tokkyo.search.query.values import BadValue, number_value

_SPECIAL = frozenset('*+-[]()"')


def needs_quotes(value: str, *, comma: bool = True) -> bool:
    """Whether `value` must be quoted to read back as one literal value."""
    if not value or value.startswith("/"):
        return True
    if any(c in _SPECIAL or c.isspace() for c in value) or (comma and "," in value):
        return True
    _, slash, tail = value.rpartition("/")
    return bool(slash) and (field_code(tail) is not None or looks_like_code(tail))


def quote(value: str, *, comma: bool = True) -> str:
    """`value` as a chunk: as is, or in double quotes with `"` doubled."""
    if needs_quotes(value, comma=comma):
        return '"' + value.replace('"', '""') + '"'
    return value


def _date(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%Y%m%d")


def _number(value: NumberValue, field: str, raw: str) -> str:
    keys = list(dict.fromkeys(key for _, key in value.keys))
    if len(keys) == 1:
        try:
            if number_value(keys[0], field) == value:
                return quote(keys[0])
        except BadValue:
            pass
    return raw or quote(keys[0] if keys else "")


def show_value(value: Value, field: str = "", raw: str = "") -> str:
    """The canonical text of one value of `field` (`raw`: the value as typed, used for a
    number whose key alone would read differently)."""
    if isinstance(value, Text):
        out = quote(value.parts[0])
        for gap, part in zip(value.gaps, value.parts[1:], strict=True):
            out += f",{gap.distance}{'C' if gap.ordered else 'N'},{quote(part)}"
        return out
    if isinstance(value, Fi | Ipc):
        return value.code + ("?" if value.prefix else "")
    if isinstance(value, FtermSet):
        return f"{value.theme}<{','.join(value.additionals)};{','.join(value.terms)}>"
    if isinstance(value, Fterm):
        return value.theme + value.code + (f".{value.additional}" if value.additional else "")
    if isinstance(value, Theme):
        return value.code
    if isinstance(value, DateRange):
        if value.start is not None and value.start == value.end:
            return _date(value.start)
        return f"{_date(value.start)}:{_date(value.end)}"
    if isinstance(value, NumberValue):
        return _number(value, field, raw)
    if isinstance(value, Mark):   # wildcards bare, literal runs quoted where they must be
        return "?".join("" if not piece else '"' + piece.replace('"', '""') + '"'
                        if "?" in piece or needs_quotes(piece) else piece
                        for piece in value.pieces)
    if isinstance(value, Code):
        return quote(value.code + ("?" if value.prefix else ""))
    raise TypeError(f"not a query value: {value!r}")


def show_atom(atom: Atom) -> str:
    """`value/CODE`."""
    return f"{show_value(atom.value, atom.field, atom.raw)}/{atom.field}"


def _show(node: Node, root: bool) -> str:
    if isinstance(node, Atom):
        return show_atom(node)
    level = (Or,) if isinstance(node, Or) else (And, AndNot)
    links = []                    # (operator, right operand) along the left spine
    left: Node = node
    while isinstance(left, level):      # a+b+c parses as [a+b]+c, a-b*c as [a-b]*c
        links.append((OPERATORS[type(left)], left.right))
        left = left.left
    text = _show(left, False) + "".join(f"{op}{_show(right, False)}"
                                        for op, right in reversed(links))
    return text if root else f"[{text}]"


def show(tree: Node) -> str:
    """The fully bracketed canonical form of `tree` (the root is not bracketed)."""
    return _show(tree, True)
