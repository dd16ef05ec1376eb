"""The text fields of a publication, under the field codes queries name them by.

A publication's searchable text is stored in parts (its title, its abstract, each claim,
each description paragraph, each party's name) and indexed one unit per part. Each kind
of part has a field code of the query language (portal.md §3.3): TI, AB, CL, DE, and AP,
IN, AG for the names of parties in given roles. The store reads a case's units back by
their field (store/repositories/case_documents.py); search indexes each unit under its
field (search/documents.py) and says which of these fields each query field reads
(search/query/fields.py). This table is the one place that pairs a code with its stored
text; it lives in model because the store may import nothing above model.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from tokkyo.model.parties import PartyRole

#: Where a field's text is stored: the publication's own title and abstract, its claims,
#: its description paragraphs, or the names of its parties.
SOURCES = ("title", "abstract", "claims", "paragraphs", "parties")


@dataclass(frozen=True, slots=True)
class TextField:
    """One field of publication text: its code, where its text is stored and, for names,
    the party roles whose names it holds."""

    code: str
    source: str
    roles: tuple[PartyRole, ...] = ()

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"unknown text source {self.source!r}")
        if bool(self.roles) != (self.source == "parties"):
            raise ValueError(f"{self.code}: party roles go with party names only")

    @property
    def names(self) -> bool:
        """A field of names: indexed and matched without spaces (portal.md §2, N3)."""
        return self.source == "parties"


TEXT_FIELDS: tuple[TextField, ...] = (
    TextField("TI", "title"),
    TextField("AB", "abstract"),
    TextField("CL", "claims"),
    TextField("DE", "paragraphs"),
    # right holders are searched as applicants
    TextField("AP", "parties", (PartyRole.APPLICANT, PartyRole.RIGHT_HOLDER)),
    TextField("IN", "parties", (PartyRole.INVENTOR,)),
    TextField("AG", "parties", (PartyRole.ATTORNEY,)),
)
BY_CODE: dict[str, TextField] = {f.code: f for f in TEXT_FIELDS}
#: The name field of each party role, by the role's stored value ("applicant": "AP").
ROLE_FIELDS: dict[str, str] = {role.value: f.code for f in TEXT_FIELDS for role in f.roles}
#: Fields that hold names: indexed and matched without spaces (portal.md §2, N3).
NAME_FIELDS: frozenset[str] = frozenset(f.code for f in TEXT_FIELDS if f.names)


def roles_of(codes: Collection[str]) -> tuple[str, ...]:
    """The stored party roles whose names the fields `codes` hold, in table order."""
    return tuple(role.value for f in TEXT_FIELDS if f.code in codes for role in f.roles)
