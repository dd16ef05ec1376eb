"""A published document (gazette) with its full text, as tokkyo stores and indexes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Classification
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party
from tokkyo.model.trademarks import TrademarkInfo


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim; `language` is set where a document carries claims in more than one
    language (EP grants: de, en, fr) and differs from the publication's own."""

    number: int
    text: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A description paragraph; `number` is the printed 【0001】 number without brackets."""

    number: str
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class Drawing:
    number: str
    file: str
    image_format: str = ""
    height: int | None = None
    width: int | None = None


@dataclass(frozen=True, slots=True)
class Amendment:
    """A written amendment printed with the publication (`jp:written-amendment-group`)."""

    date: dt.date | None
    document_code: str
    item: str
    way: str
    target: str
    text: str


@dataclass(frozen=True, slots=True)
class LocalText:
    """A title or abstract in another language that the document itself carries (an EP
    document's German and French titles, a CN document's English abstract)."""

    part: str                     # "title" or "abstract"
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Publication:
    country: str
    kind: str                     # JP: kind-of-jp (A, T, B, U, Y, S); others: ST.16 (B1, A2)
    st16_kind: str
    law: Law
    # JP: 10-digit Western-year key or 7-digit registration number; others: the DOCDB
    # doc-number form (EP "1234567", US "6336130" / "D435854" / "20010000044")
    number: str
    date: dt.date | None
    application_number: str
    filing_date: dt.date | None
    title: str
    abstract: str = ""
    language: str = "ja"
    claims: tuple[Claim, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    drawings: tuple[Drawing, ...] = ()
    parties: tuple[Party, ...] = ()
    priorities: tuple[Priority, ...] = ()
    classifications: tuple[Classification, ...] = ()
    patent_citations: tuple[PatentCitation, ...] = ()
    non_patent_citations: tuple[NonPatentCitation, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    parent: ParentApplication | None = None
    registration_number: str = ""
    registration_date: dt.date | None = None
    number_of_claims: int | None = None
    examination_requested: bool | None = None
    filing_form: str = ""
    total_pages: int | None = None
    representative_figure: str = ""
    family_id: str = ""           # DOCDB simple family id, where the source gives one
    repaired: bool = False        # read from a file tolerant recovery changed
    other_texts: tuple[LocalText, ...] = ()
    trademark: TrademarkInfo | None = None    # trademark gazettes and ST.96 trademarks

    @property
    def key(self) -> str:
        return f"{self.country}/{self.kind}/{self.number}"
