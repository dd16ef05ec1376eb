"""Parties to a case: applicants, inventors, attorneys and right holders, with JPO codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PartyRole(StrEnum):
    APPLICANT = "applicant"
    INVENTOR = "inventor"
    ATTORNEY = "attorney"
    RIGHT_HOLDER = "right-holder"

    @property
    def api_class(self) -> str:
        """`applicantAttorneyClass` of the JPO API: 1 applicant, 2 attorney."""
        if self is PartyRole.APPLICANT:
            return "1"
        if self is PartyRole.ATTORNEY:
            return "2"
        raise ValueError(f"{self.value} has no applicantAttorneyClass")

    @classmethod
    def from_api_class(cls, value: str) -> PartyRole:
        if value == "1":
            return cls.APPLICANT
        if value == "2":
            return cls.ATTORNEY
        raise ValueError(f"applicantAttorneyClass {value!r} is neither 1 (applicant) "
                         "nor 2 (attorney)")


@dataclass(frozen=True, slots=True)
class Party:
    """One party as a document or an API answer names it.

    `code` is the 9-digit JPO applicant/attorney identification number where known,
    `sequence` the position the source gives (`repeatNumber`, `sequence=`), `agent_kind`
    the gazette's kind of agent (`representative`, ...).
    """

    role: PartyRole
    name: str
    code: str = ""
    sequence: int | None = None
    address: str = ""
    agent_kind: str = ""


@dataclass(frozen=True, slots=True)
class PartyName:
    """A code-to-name fact, as `applicant_attorney_cd` and `applicant_attorney` answer it."""

    code: str
    name: str
