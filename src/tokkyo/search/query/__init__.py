"""The logical-expression language of the portal (portal.md §3): lexer, parser, values by
field type, errors with positions in Japanese and English, and the canonical printer."""

from tokkyo.search.query.ast import (
    And,
    AndNot,
    Atom,
    Code,
    DateRange,
    Fi,
    Fterm,
    FtermSet,
    Gap,
    Ipc,
    Mark,
    Node,
    NumberValue,
    Or,
    Text,
    Theme,
    Value,
)
from tokkyo.search.query.errors import QueryError, QueryWarning
from tokkyo.search.query.fields import DEFAULT_FIELD, FIELDS, Field
from tokkyo.search.query.parser import Parsed, parse
from tokkyo.search.query.printer import show

__all__ = ["DEFAULT_FIELD", "FIELDS", "And", "AndNot", "Atom", "Code", "DateRange", "Fi",
           "Field", "Fterm", "FtermSet", "Gap", "Ipc", "Mark", "Node", "NumberValue", "Or",
           "Parsed", "QueryError", "QueryWarning", "Text", "Theme", "Value", "parse", "show"]
