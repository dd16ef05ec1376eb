"""The logical-expression language of the portal (portal.md §3): lexer, parser, values by
field type, errors with positions in English and Japanese, and the canonical printer."""

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
    atoms,
)
from tokkyo.search.query.errors import MESSAGES, QueryError, QueryWarning
from tokkyo.search.query.fields import ALIASES, DEFAULT_FIELD, FIELDS, Field, field_code
from tokkyo.search.query.parser import Parsed, parse
from tokkyo.search.query.printer import show

__all__ = ["ALIASES", "DEFAULT_FIELD", "FIELDS", "MESSAGES", "And", "AndNot", "Atom", "Code",
           "DateRange", "Fi", "Field", "Fterm", "FtermSet", "Gap", "Ipc", "Mark", "Node",
           "NumberValue", "Or", "Parsed", "QueryError", "QueryWarning", "Text", "Theme",
           "Value", "atoms", "field_code", "parse", "show"]
