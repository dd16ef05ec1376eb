"""Case summaries for result lists and CSV: one stored row per case, read by its key
(store/repositories/case_summaries.py), plus the true status of each case on the day asked
for (model/status.py), read from the facts stored with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.model import urls
from tokkyo.model.jst import japan_day
from tokkyo.model.kinds import GAZETTE_KINDS
from tokkyo.model.status import StatusReading, status_on
from tokkyo.store.repositories import case_summaries
from tokkyo.store.repositories.case_summaries import StoredSummary


@dataclass
class CaseSummary:
    id: int
    law: str
    application_number: str
    filing_date: dt.date | None
    title: str = ""
    abstract: str = ""
    document_kind: str = ""            # kind of the latest publication (A, B, T ...)
    document_number: str = ""          # its number ("" when the case has none)
    publication_date: dt.date | None = None
    publication_number: str = ""       # unexamined publication (10-digit key)
    examined_number: str = ""
    registration_number: str = ""
    registration_date: dt.date | None = None
    applicants: list[str] = field(default_factory=list)
    fi: list[str] = field(default_factory=list)
    design_class: str = ""
    mark: str = ""                     # trademarks: the mark as text
    classes: list[str] = field(default_factory=list)    # trademarks: Nice classes
    appeals: list[str] = field(default_factory=list)    # appeal/trial numbers (CSV only)
    status: StatusReading | None = None
    country: str = "JP"                # the office of the case (ST.3)

    @property
    def stage(self) -> str:
        """Stage of the document the row shows: pub, reg or app (a foreign document is
        a publication, whatever its kind)."""
        if self.document_kind and self.country != "JP":
            return "pub"
        if self.document_kind:
            return GAZETTE_KINDS[self.document_kind].stage
        return "reg" if self.registration_number else "app"

    @property
    def permalink(self) -> str:
        if self.document_kind and self.country != "JP":
            return urls.document(self.law, "pub", self.document_number + self.document_kind,
                                 self.country)
        if self.document_kind:
            return urls.document(self.law, self.stage, self.document_number)
        return urls.case(self.law, self.application_number, self.country)

    @property
    def case_link(self) -> str:
        return urls.case(self.law, self.application_number, self.country)


def summaries(conn: sa.Connection, ids: Sequence[int], on: dt.date | None = None, *,
              abstracts: bool = False, appeals: bool = False) -> list[CaseSummary]:
    """Summaries of the cases `ids`, in that order, with their status on `on` (today in
    Japan by default); the abstracts (long texts) and the appeal/trial numbers are read
    only when asked for (CSV)."""
    on = on or japan_day()
    stored = case_summaries.read(conn, ids)
    texts = case_summaries.abstracts(conn, ids) if abstracts else {}
    numbers = case_summaries.appeals(conn, ids) if appeals else {}
    out = []
    for i in ids:
        found = stored.get(i)
        if found is None:
            continue
        out.append(_summary(i, found, on, texts.get(i, ""), numbers.get(i, [])))
    return out


def _summary(app_id: int, stored: StoredSummary, on: dt.date, abstract: str,
             appeals: list[str]) -> CaseSummary:
    return CaseSummary(
        id=app_id, law=stored.law, country=stored.country,
        application_number=stored.application_number,
        filing_date=stored.filing_date, title=stored.title, abstract=abstract,
        document_kind=stored.document_kind, document_number=stored.document_number,
        publication_date=stored.publication_date,
        publication_number=stored.publication_number,
        examined_number=stored.examined_number,
        registration_number=stored.registration_number,
        registration_date=stored.registration_date, applicants=list(stored.applicants),
        fi=list(stored.fi), design_class=stored.design_class, mark=stored.mark,
        classes=list(stored.classes), appeals=appeals, status=status_on(stored.facts, on))


def statuses_of(conn: sa.Connection, ids: Sequence[int], on: dt.date) -> dict[int, StatusReading]:
    """The true status of each case on the date `on`."""
    return {i: status_on(s.facts, on)
            for i, s in case_summaries.read(conn, list(ids)).items()}
