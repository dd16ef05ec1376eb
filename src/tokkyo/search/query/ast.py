"""The parsed form of a logical expression (portal.md §3.2): a tree of And / Or / AndNot
over Atoms; each atom is one field and one value typed by the field (values.py).

Trees compare by structure, fields and values only: an atom's position and the text as
typed take no part in equality, so `parse(show(tree)).tree == tree`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """Proximity between two text parts: at most `distance` characters strictly between
    them; `ordered` = as written (`nC`), else either order (`nN`)."""

    distance: int
    ordered: bool


@dataclass(frozen=True, slots=True)
class Text:
    """A substring (`parts` of one) or a proximity chain `t1,nC,t2,…`, as typed (the engine
    normalises); `len(gaps) == len(parts) - 1`."""

    parts: tuple[str, ...]
    gaps: tuple[Gap, ...] = ()

    def __post_init__(self) -> None:
        if not self.parts or len(self.gaps) != len(self.parts) - 1:
            raise ValueError("a Text needs one gap fewer than parts")


@dataclass(frozen=True, slots=True)
class Fi:
    """An FI code (canonical, upper case, no trailing `?`); `prefix` = written with `?`;
    `facet` = a 3-letter broad facet such as ZAB."""

    code: str
    prefix: bool = False
    facet: bool = False


@dataclass(frozen=True, slots=True)
class Ipc:
    """An IPC or CPC group, canonical `H01M8/02`; `prefix` = written with a trailing `?`."""

    code: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Fterm:
    """`theme` + `code` (viewpoint and number, possibly shorter or empty: a prefix) +
    `additional` (the `.X` code, or "")."""

    theme: str
    code: str = ""
    additional: str = ""


@dataclass(frozen=True, slots=True)
class FtermSet:
    """`TTTTT<c1,…,ck;f1,…,fk>`: some one-to-one pairing of the additional codes with the
    terms is present."""

    theme: str
    additionals: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    """An F-term theme code such as 5H029."""

    code: str


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive; None = open at that end."""

    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class NumberValue:
    """Readings of a number: (NumberKind value, canonical key), best first."""

    keys: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Code:
    """A code of KD, ST, CC, DC, DT, LC, NC, SC or VC; `prefix` = written with `?`."""

    code: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Mark:
    """A mark-text pattern as typed: `?` is any run of characters (also none), except a
    `?` typed inside quotes, which is itself (`literal` holds those positions)."""

    pattern: str
    literal: tuple[int, ...] = ()

    @property
    def pieces(self) -> list[str]:
        """The literal runs between the wildcards."""
        out: list[str] = []
        current: list[str] = []
        for i, char in enumerate(self.pattern):
            if char == "?" and i not in self.literal:
                out.append("".join(current))
                current = []
            else:
                current.append(char)
        out.append("".join(current))
        return out

    @property
    def exact(self) -> bool:
        """True when the pattern has no wildcard: the mark text must equal it."""
        return len(self.pieces) == 1

    def regex(self) -> re.Pattern[str]:
        """A pattern to `fullmatch` against mark text normalised with N1–N2 only (NFKC,
        case-folded; portal.md §2)."""
        return re.compile(".*".join(re.escape(normalise_mark(piece)) for piece in self.pieces),
                          re.S)


def normalise_mark(text: str) -> str:
    """Mark text as TM compares it: N1 width and N2 case only."""
    return unicodedata.normalize("NFKC", text).casefold()


Value = Text | Fi | Ipc | Fterm | FtermSet | Theme | DateRange | NumberValue | Code | Mark

# --- tree --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Atom:
    """One field and one value; `start`/`end` are offsets into the original query (the
    value and its `/CODE`), `raw` the value as typed (quotes included)."""

    field: str
    value: Value
    start: int = dataclasses.field(default=0, compare=False)
    end: int = dataclasses.field(default=0, compare=False)
    raw: str = dataclasses.field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class And:
    """`left * right`."""

    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    """`left + right`."""

    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class AndNot:
    """`left - right`: left AND NOT right."""

    left: Node
    right: Node


Node = Atom | And | Or | AndNot
OPERATORS: dict[type, str] = {And: "*", Or: "+", AndNot: "-"}


def atoms(tree: Node) -> list[Atom]:
    """The atoms of `tree`, left to right."""
    if isinstance(tree, Atom):
        return [tree]
    return atoms(tree.left) + atoms(tree.right)
