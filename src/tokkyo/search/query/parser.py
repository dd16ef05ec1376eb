"""Recursive-descent parser for the grammar of portal.md §3.2:

    query  = expr EOF
    expr   = term { "+" term }
    term   = factor { ("*" | "-") factor }
    factor = "[" expr "]" | atom
    atom   = vgroup FIELD | VALUE [ FIELD ]
    vgroup = "(" vexpr ")"   with vexpr/vterm/vfactor the same over bare values
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tokkyo.search.query.ast import And, AndNot, Atom, Node, Or
from tokkyo.search.query.errors import QueryError, QueryWarning
from tokkyo.search.query.fields import DEFAULT_FIELD, FIELDS, SCREENS
from tokkyo.search.query.lexer import Token, tokens
from tokkyo.search.query.printer import show
from tokkyo.search.query.values import BadValue, value_for

MAX_LENGTH = 2000
MAX_VALUES = 200
MAX_DEPTH = 16
CLOSERS = {"[": "]", "(": ")"}


@dataclass
class Parsed:
    tree: Node
    warnings: list[QueryWarning] = field(default_factory=list)
    source: str = ""


@dataclass
class _Raw:
    """A bare value inside ( ) before its group's field is known."""

    token: Token


class _Parser:
    def __init__(self, source: str, screen: str) -> None:
        self.source = source
        self.screen = screen
        self.toks = tokens(source)
        self.i = 0
        self.values = 0
        self.depth = 0
        self.warnings: list[QueryWarning] = []

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def _found(self) -> str | None:
        t = self.tok
        return None if t.kind == "end" else self.source[t.start:t.end]

    def _previous_op(self) -> str | None:
        return self.toks[self.i - 1].text if self.i and self.toks[self.i - 1].kind == "op" \
            else None

    # expr / term / factor --------------------------------------------------------------
    def expr(self, grouped: bool) -> Node:
        start = self.tok.start
        terms = [self.term(grouped)]
        while self.tok.kind == "op" and self.tok.text == "+":
            self.i += 1
            terms.append(self.term(grouped))
        node = terms[0]
        for t in terms[1:]:
            node = Or(node, t)
        if len(terms) > 1 and any(self._is_conj(t) for t in terms):
            self.warnings.append(QueryWarning("mixed-operators", start,
                                              {"shown": _sketch(node, True)}))
        return node

    def _is_conj(self, node: Node) -> bool:
        return isinstance(node, And | AndNot) and id(node) not in self.bracketed

    def term(self, grouped: bool) -> Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            raise QueryError("starts-with-not", self.tok.start)
        node = self.factor(grouped)
        while self.tok.kind == "op" and self.tok.text in "*-":
            op = self.tok.text
            self.i += 1
            right = self.factor(grouped)
            node = And(node, right) if op == "*" else AndNot(node, right)
        if self.tok.kind in ("chunk", "[", "(", "field"):
            raise QueryError("two-atoms", self.tok.start)
        return node

    def _operand_error(self) -> QueryError:
        t = self.tok
        if t.kind in ("]", ")"):
            opened = [k for k in self.stack] if self.stack else []
            if not opened:
                return QueryError("unexpected-close", t.start, close=t.text)
        return QueryError("expected-operand", t.start, op=self._previous_op(),
                          found=self._found())

    def factor(self, grouped: bool) -> Node:
        t = self.tok
        if t.kind == "[":
            if grouped:
                raise QueryError("field-in-group", t.start)
            return self._bracket("[", lambda: self.expr(False), mark=True)
        if t.kind == "(":
            return self.vgroup(grouped)
        if t.kind == "chunk":
            self.i += 1
            return self.atom(t, grouped)
        if t.kind == "op" and t.text == "-":
            raise QueryError("starts-with-not", t.start)
        raise self._operand_error()

    def _bracket(self, open_: str, inner, mark: bool = False):  # noqa: ANN001, ANN202
        t = self.tok
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError("too-deep", t.start, limit=MAX_DEPTH)
        self.stack.append(t)
        self.i += 1
        node = inner()
        close = CLOSERS[open_]
        if self.tok.kind != close:
            if self.tok.kind == "end":
                raise QueryError("unbalanced-bracket", t.start, open=open_, close=close)
            if self.tok.kind in ("]", ")"):
                raise QueryError("unbalanced-bracket", t.start, open=open_, close=close)
            raise QueryError("expected-operator", self.tok.start, found=self._found())
        self.stack.pop()
        self.i += 1
        self.depth -= 1
        if mark:
            self.bracketed.add(id(node))
        return node

    # values and groups -------------------------------------------------------------------
    def vgroup(self, grouped: bool) -> Node:
        opened = self.tok
        inner = self._bracket("(", lambda: self.expr(True))
        if grouped:
            return inner                     # a nested group: the outer one sets the field
        if self.tok.kind != "field":
            raise QueryError("group-needs-field", self.tok.start, found=self._found())
        code = self.tok.field
        self.i += 1
        assert code is not None
        return self._assign(inner, code, opened)

    def _assign(self, node: Node, code: str, opened: Token) -> Node:
        if isinstance(node, _Raw):
            return self._make(node.token, code)
        if isinstance(node, And):
            return And(self._assign(node.left, code, opened), self._assign(node.right, code,
                                                                            opened))
        if isinstance(node, Or):
            return Or(self._assign(node.left, code, opened), self._assign(node.right, code,
                                                                           opened))
        if isinstance(node, AndNot):
            return AndNot(self._assign(node.left, code, opened),
                          self._assign(node.right, code, opened))
        return node

    def atom(self, t: Token, grouped: bool) -> Node:
        if grouped:
            if t.field is not None:
                raise QueryError("field-in-group", t.start)
            return _Raw(t)  # type: ignore[return-value]
        return self._make(t, t.field or DEFAULT_FIELD[self.screen])

    def _make(self, t: Token, code: str) -> Atom:
        self.values += 1
        if self.values > MAX_VALUES:
            raise QueryError("too-many-values", t.start, limit=MAX_VALUES)
        spec = FIELDS[code]
        if self.screen != "all":
            laws = {"patent": {"patent", "utility"}}.get(self.screen, {self.screen})
            if not spec.laws & laws:
                raise QueryError("field-not-for-law", t.start, name=code, law=self.screen)
        quoted = t.quoted or tuple(False for _ in t.text)
        try:
            value = value_for(code, t.text, quoted)
        except BadValue as exc:
            raise QueryError("bad-value", t.start, field=code, reason=str(exc)) from None
        return Atom(code, value, t.start, t.end, t.text)

    def parse(self) -> Parsed:
        self.stack: list[Token] = []
        self.bracketed: set[int] = set()
        if self.tok.kind == "end":
            raise QueryError("empty", 0)
        tree = self.expr(False)
        if self.tok.kind != "end":
            if self.tok.kind in ("]", ")"):
                raise QueryError("unexpected-close", self.tok.start, close=self.tok.text)
            raise QueryError("expected-operator", self.tok.start, found=self._found())
        return Parsed(tree, self.warnings, self.source)


def _sketch(node: Node | _Raw, root: bool = False) -> str:
    """The bracketed form of a (possibly not yet fielded) subtree, for warnings."""
    if isinstance(node, _Raw):
        return node.token.text
    if isinstance(node, Atom):
        return show(node)
    op = "*" if isinstance(node, And) else "+" if isinstance(node, Or) else "-"
    text = f"{_sketch(node.left)}{op}{_sketch(node.right)}"
    return text if root else f"[{text}]"


def parse(source: str, *, screen: str = "all") -> Parsed:
    """The expression's tree; QueryError with the position when it is malformed."""
    if screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}")
    if len(source) > MAX_LENGTH:
        raise QueryError("too-long", MAX_LENGTH, limit=MAX_LENGTH)
    if not source.strip():
        raise QueryError("empty", 0)
    return _Parser(source, screen).parse()
