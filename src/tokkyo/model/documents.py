"""A published document (gazette) with its full text, as tokkyo stores and indexes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Classification
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party


@dataclass(frozen=True, slots=True)
class Claim:
    number: int
    text: str


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
class Publication:
    country: str
    kind: str                     # kind-of-jp: A, T, B, U, Y, S
    st16_kind: str
    law: Law
    number: str                   # 10-digit Western-year key or 7-digit registration number
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

    @property
    def key(self) -> str:
        return f"{self.country}/{self.kind}/{self.number}"
