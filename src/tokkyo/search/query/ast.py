"""The parsed form of a logical expression: a tree of And / Or / AndNot over Atoms, each
atom one field and one typed value (portal.md §3.2)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Gap:
    distance: int
    ordered: bool


@dataclass(frozen=True, slots=True)
class Text:
    parts: tuple[str, ...]
    gaps: tuple[Gap, ...] = ()


@dataclass(frozen=True, slots=True)
class Fi:
    code: str
    prefix: bool = False
    facet: bool = False


@dataclass(frozen=True, slots=True)
class Ipc:
    code: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Fterm:
    theme: str
    code: str = ""
    additional: str = ""


@dataclass(frozen=True, slots=True)
class FtermSet:
    theme: str
    additionals: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    code: str


@dataclass(frozen=True, slots=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None
    text: str = ""          # as written, for showing back


@dataclass(frozen=True, slots=True)
class NumberValue:
    keys: tuple[tuple[str, str], ...]
    text: str = ""


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Mark:
    pattern: str

    @property
    def exact(self) -> bool:
        return "?" not in self.pattern

    def regex(self) -> re.Pattern[str]:
        """The pattern over mark text normalised with N1–N2 (`?` = any run)."""
        folded = unicodedata.normalize("NFKC", self.pattern).casefold()
        return re.compile(".*".join(re.escape(p) for p in folded.split("?")), re.S)


Value = Text | Fi | Ipc | Fterm | FtermSet | Theme | DateRange | NumberValue | Code | Mark


@dataclass(frozen=True, slots=True)
class Atom:
    field: str
    value: Value
    start: int = 0
    end: int = 0
    raw: str = ""

    def __eq__(self, other: object) -> bool:      # positions do not make atoms different
        return (isinstance(other, Atom) and (self.field, self.value) == (other.field,
                                                                          other.value))

    def __hash__(self) -> int:
        return hash((self.field, self.value))


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class AndNot:
    left: Node
    right: Node


Node = Atom | And | Or | AndNot
