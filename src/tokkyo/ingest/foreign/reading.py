"""What a foreign reader makes of one file: the publications it carries, the records a
delivery deletes, what is missing, and every repair made in tolerant mode."""

from __future__ import annotations

from dataclasses import dataclass, field

from tokkyo.model.documents import Publication


@dataclass(frozen=True, slots=True)
class DocumentKey:
    """The identity of a stored publication: country, normalised number and kind."""

    country: str
    kind: str
    number: str

    def __str__(self) -> str:
        return f"{self.country}/{self.kind}/{self.number}"


@dataclass(frozen=True, slots=True)
class Repair:
    """One change tolerant recovery made to a file (exchange.md §11.3)."""

    line: int
    column: int
    original: str
    replacement: str

    def __str__(self) -> str:
        return (f"repaired at line {self.line}, column {self.column}: "
                f"{self.original!r} → {self.replacement!r}")


@dataclass(frozen=True, slots=True)
class ForeignEvent:
    """A legal event of a foreign document as INPADOC reports it (an OPS family answer)."""

    document: DocumentKey
    code: str
    date: str                     # YYYY-MM-DD
    description: str = ""
    category: str = ""            # INPADOC/ST.27 category where given


@dataclass
class ForeignRead:
    """One file read by a foreign reader.

    `format` is the format's name as reports show it (`ep-patent-document`,
    `us-patent-grant`, ...). `deletions` are the records a DOCDB delivery deletes
    (`status="D"`). `problems` say what a document lacks or what could not be read
    (never silently dropped); `repairs` are the changes of tolerant recovery, and a
    publication read from a repaired file carries `repaired=True`. `partial`: the file
    carries only some parts of each document (an OPS claims or description answer), to
    be merged into what the store holds rather than replace it.
    """

    format: str
    publications: list[Publication] = field(default_factory=list)
    deletions: list[DocumentKey] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    events: list[ForeignEvent] = field(default_factory=list)
    partial: bool = False


def missing_parts(doc: str, *, claims: bool, description: bool, abstract: bool) -> list[str]:
    """The problem lines for a document that lacks claims, a description or an abstract
    (users of emerging offices' data are told exactly what a document lacks)."""
    return [f"{doc}: the document carries no {part}." for part, present in
            (("claims", claims), ("description", description), ("abstract", abstract))
            if not present]
