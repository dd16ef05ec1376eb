"""The canonical, fully bracketed form of a parsed expression (portal.md §3.2 rule 6):
what the user is shown, what permalinks carry, and what parses back to the same tree."""

from __future__ import annotations

from tokkyo.search.query.ast import (
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

_SPECIAL = set('*+-[]()" \t\r\n\u3000＊＋－［］（）＂')


def quote_if_needed(value: str, comma: bool = True) -> str:
    needs = (any(c in _SPECIAL or c.isspace() for c in value) or value.startswith("/")
             or (comma and "," in value) or _looks_fielded(value) or value == "")
    return '"' + value.replace('"', '""') + '"' if needs else value


def _looks_fielded(value: str) -> bool:
    _, slash, tail = value.rpartition("/")
    return bool(slash) and (field_code(tail) is not None
                            or (tail.isascii() and tail.isalpha() and 1 <= len(tail) <= 3))


def show_value(value: Value) -> str:
    if isinstance(value, Text):
        out = quote_if_needed(value.parts[0])
        for gap, part in zip(value.gaps, value.parts[1:], strict=True):
            out += f",{gap.distance}{'C' if gap.ordered else 'N'},{quote_if_needed(part)}"
        return out
    if isinstance(value, Fi):
        return value.code + ("?" if value.prefix else "")
    if isinstance(value, Ipc):
        return value.code + ("?" if value.prefix else "")
    if isinstance(value, FtermSet):
        return f"{value.theme}<{','.join(value.additionals)};{','.join(value.terms)}>"
    if isinstance(value, Fterm):
        return value.theme + value.code + (f".{value.additional}" if value.additional else "")
    if isinstance(value, Theme):
        return value.code
    if isinstance(value, DateRange):
        return value.text
    if isinstance(value, NumberValue):
        return quote_if_needed(value.text)
    if isinstance(value, Mark):
        return quote_if_needed(value.pattern)
    assert isinstance(value, Code)
    return quote_if_needed(value.code + ("?" if value.prefix else ""), comma=False)


def _show(node: Node, root: bool) -> str:
    if isinstance(node, Atom):
        return f"{show_value(node.value)}/{node.field}"
    op = "*" if isinstance(node, And) else "+" if isinstance(node, Or) else "-"
    assert isinstance(node, And | Or | AndNot)
    text = f"{_show(node.left, False)}{op}{_show(node.right, False)}"
    return text if root else f"[{text}]"


def show(tree: Node) -> str:
    return _show(tree, True)
