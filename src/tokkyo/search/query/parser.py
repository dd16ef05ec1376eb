"""Recursive-descent parser for the grammar of portal.md §3.2 (v1, normative):

    query    = expr EOF
    expr     = term { "+" term }                 (* OR, lowest *)
    term     = factor { ("*" | "-") factor }     (* AND, AND-NOT; left to right *)
    factor   = "[" expr "]" | atom
    atom     = vgroup FIELD | VALUE [ FIELD ]
    vgroup   = "(" vexpr ")"
    vexpr    = vterm { "+" vterm }
    vterm    = vfactor { ("*" | "-") vfactor }
    vfactor  = vgroup | VALUE                    (* VALUE without FIELD *)

vexpr/vterm share expr/term with an `in_group` flag; inside a group values stay bare
(`_Bare`) until the group's `/CODE` is read, then become atoms of that field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tokkyo.search.query.ast import OPERATORS, And, AndNot, Atom, Node, Or
from tokkyo.search.query.errors import QueryError, QueryWarning
from tokkyo.search.query.fields import DEFAULT_FIELD, SCREENS, applies
from tokkyo.search.query.lexer import Token, tokens
from tokkyo.search.query.printer import show_atom
from tokkyo.search.query.values import BadValue, value_for

MAX_LENGTH = 2000
MAX_VALUES = 200
MAX_DEPTH = 16
_CLOSE = {"[": "]", "(": ")"}
_BINARY = {"*": And, "+": Or, "-": AndNot}


@dataclass
class Parsed:
    """A parsed expression: the tree, warnings (rule 6) and the text it came from."""

    tree: Node
    warnings: list[QueryWarning] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True, slots=True)
class _Bare:
    """A value inside ( ) whose field is not known yet."""

    token: Token


def _sketch(node: Any, code: str, root: bool = True) -> str:
    """The bracketed reading of one level, for the mixing warning; bare values of a group
    are shown as typed with the group's field `code`."""
    if isinstance(node, _Bare):
        return f"{node.token.raw}/{code}"
    if isinstance(node, Atom):
        return show_atom(node)
    op = OPERATORS[type(node)]
    text = f"{_sketch(node.left, code, False)}{op}{_sketch(node.right, code, False)}"
    return text if root else f"[{text}]"


class _Parser:
    def __init__(self, source: str, screen: str) -> None:
        self.source = source
        self.screen = screen
        self.toks = tokens(source)
        self.i = 0
        self.depth = 0
        self.values = 0
        self.warnings: list[QueryWarning] = []
        self.mixed_in_group: list[tuple[int, Any]] = []  # (position, level) until /CODE

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def _found(self) -> str | None:
        t = self.tok
        return None if t.kind == "end" else self.source[t.start:t.end]

    def _is_op(self, ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    # expr / term / factor ----------------------------------------------------------------
    def expr(self, in_group: bool) -> Any:
        start = self.tok.start
        if self._is_op("-"):
            raise QueryError("starts-with-not", start)
        node, mixed = self.term(in_group)
        terms = 1
        while self._is_op("+"):
            self.i += 1
            right, conj = self.term(in_group)
            node, terms, mixed = Or(node, right), terms + 1, mixed or conj
        if terms > 1 and mixed:
            if in_group:
                self.mixed_in_group.append((start, node))
            else:
                self._warn_mixed(start, node, "")
        return node

    def _warn_mixed(self, start: int, level: Any, code: str) -> None:
        self.warnings.append(QueryWarning("mixed-operators", start,
                                          {"shown": _sketch(level, code)}))

    def term(self, in_group: bool) -> tuple[Any, bool]:
        node = self.factor(in_group)
        conj = False
        while self._is_op("*-"):
            op = self.tok.text
            self.i += 1
            node, conj = _BINARY[op](node, self.factor(in_group)), True
        if self.tok.kind in ("chunk", "[", "("):
            raise QueryError("two-atoms", self.tok.start, found=self._found())
        if self.tok.kind == "field":
            after = self.toks[self.i - 1].kind
            code = "field-after-bracket" if after == "]" else "unexpected-token"
            raise QueryError(code, self.tok.start, found=self._found())
        return node, conj

    def factor(self, in_group: bool) -> Any:
        t = self.tok
        if t.kind == "chunk":
            self.i += 1
            return self.atom(t, in_group)
        if t.kind == "(":
            return self.vgroup(in_group)
        if t.kind == "[":
            if in_group:
                raise QueryError("field-in-group", t.start)
            return self.bracket(lambda: self.expr(False))
        before = self.toks[self.i - 1].text if self.i else None
        if t.kind in ("]", ")") and before not in ("[", "(", "*", "+", "-"):
            raise QueryError("unexpected-close", t.start, close=t.text)
        raise QueryError("expected-operand", t.start, after=before, in_group=in_group,
                         found=self._found())

    def bracket(self, inner: Any) -> Any:
        """`[ … ]` or `( … )` around `inner()`, counting depth."""
        opened = self.tok
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError("too-deep", opened.start, limit=MAX_DEPTH)
        self.i += 1
        node = inner()
        close = _CLOSE[opened.kind]
        if self.tok.kind == "end":
            raise QueryError("unbalanced-bracket", opened.start, open=opened.kind, close=close)
        if self.tok.kind != close:
            raise QueryError("unexpected-token", self.tok.start, close=close,
                             found=self._found())
        self.i += 1
        self.depth -= 1
        return node

    # values and groups ---------------------------------------------------------------------
    def vgroup(self, in_group: bool) -> Any:
        inner = self.bracket(lambda: self.expr(True))
        if in_group:
            return inner              # nested group: the outermost one names the field
        t = self.tok
        if t.kind != "field":
            raise QueryError("group-needs-field", t.start, found=self._found())
        self.i += 1
        code = t.field or ""
        self._check_law(code, t.field_at)
        for start, level in self.mixed_in_group:
            self._warn_mixed(start, level, code)
        self.mixed_in_group.clear()
        return self._assign(inner, code)

    def _assign(self, node: _Bare | Node, code: str) -> Node:
        """A group's tree with each of its values, still bare, an atom of the field `code`."""
        if isinstance(node, _Bare):
            return self._atom(node.token, code)
        assert not isinstance(node, Atom), "a group's values are bare until its /CODE"
        return type(node)(self._assign(node.left, code), self._assign(node.right, code))

    def atom(self, t: Token, in_group: bool) -> Any:
        # counted as read, also inside ( ): a group's values become atoms only at its
        # /CODE, and a chain of a thousand of them was a tree too deep to walk
        self.values += 1
        if self.values > MAX_VALUES:
            raise QueryError("too-many-values", t.start, limit=MAX_VALUES)
        if in_group:
            if t.field is not None:
                raise QueryError("field-in-group", t.field_at)
            return _Bare(t)
        if t.field is not None:
            self._check_law(t.field, t.field_at)
        return self._atom(t, t.field or DEFAULT_FIELD[self.screen])

    def _check_law(self, code: str, at: int) -> None:
        if not applies(code, self.screen):
            raise QueryError("field-not-for-law", at, name=code, law=self.screen)

    def _atom(self, t: Token, code: str) -> Atom:
        try:
            value = value_for(code, t.text, t.quoted)
        except BadValue as bad:
            raise QueryError("bad-value", t.start, field=code, value=t.text,
                             problem=bad.problem, **bad.details) from None
        return Atom(code, value, t.start, t.end, t.raw)

    def query(self) -> Parsed:
        tree = self.expr(False)
        if self.tok.kind in ("]", ")"):
            raise QueryError("unexpected-close", self.tok.start, close=self.tok.text)
        if self.tok.kind != "end":
            raise QueryError("unexpected-token", self.tok.start, found=self._found())
        return Parsed(tree, self.warnings, self.source)


def parse(text: str, *, screen: str = "all") -> Parsed:
    """Parse a logical expression for `screen` ("all", "patent", "utility", "design" or
    "trademark", which sets the default field and the fields allowed); QueryError with
    the position when it is malformed."""
    if screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}; expected one of {sorted(SCREENS)}")
    if len(text) > MAX_LENGTH:
        raise QueryError("too-long", MAX_LENGTH, limit=MAX_LENGTH, length=len(text))
    parser = _Parser(text, screen)
    if parser.tok.kind == "end":
        raise QueryError("empty", 0)
    return parser.query()
