"""Case summaries for result lists and CSV: one row per case, read in a few batch
queries whatever the page size, plus the true status of each case (model/status.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from tokkyo.model.kinds import GAZETTE_KINDS
from tokkyo.model.status import StatusFacts, StatusReading, japan_day, status_on
from tokkyo.store.tables import (
    applications,
    classifications,
    dossier_documents,
    dossier_groups,
    goods_services,
    parties,
    publications,
    registrations,
    trademark_texts,
)

CHUNK = 500
REFUSAL_CODES = ("A02",)              # decision of refusal
WITHDRAWAL_CODES = ("A151", "A152")   # withdrawal / abandonment notices (proposed)


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

    @property
    def stage(self) -> str:
        """Stage of the document the row shows: pub, reg or app."""
        if self.document_kind:
            return GAZETTE_KINDS[self.document_kind].stage
        return "reg" if self.registration_number else "app"

    @property
    def permalink(self) -> str:
        if self.document_kind:
            return f"/d/JP/{self.law}/{self.stage}/{self.document_number}"
        return f"/d/JP/{self.law}/app/{self.application_number}"

    @property
    def case_link(self) -> str:
        return f"/d/JP/{self.law}/app/{self.application_number}"


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


def summaries(conn: sa.Connection, ids: Sequence[int], on: dt.date | None = None, *,
              abstracts: bool = False, appeals: bool = False) -> list[CaseSummary]:
    """Summaries of the cases `ids`, in that order; the abstracts (long texts) and the
    appeal/trial numbers are read only when asked for (CSV)."""
    on = on or japan_day()
    found: dict[int, CaseSummary] = {}
    statuses: dict[int, StatusReading] = {}
    for chunk in _chunks(ids):
        apps, pubs = _load_chunk(conn, chunk, found, abstracts)
        marks = [i for i, r in apps.items() if r.law == "trademark"]
        if marks:
            _load_marks(conn, marks, found)
        if appeals:
            for r in conn.execute(_APPEALS, {"ids": chunk}):
                n = r.number
                found[r.application_id].appeals.append(f"{n[:4]}-{n[4:]}" if len(n) == 10
                                                       else n)
        statuses.update(_statuses(conn, chunk, apps, pubs, on))
    out = []
    for i in ids:
        if i in found:
            found[i].status = statuses.get(i)
            out.append(found[i])
    return out


_STATUS_COLUMNS = (applications.c.registration_number, applications.c.expire_date,
                   applications.c.disappearance_date, applications.c.erasure_identifier)

# Statements built once, for a list of case ids (`ids`, expanded when run): a result page
# reads seven of them, and building them (fifty ids coerced one by one, a cache key
# each time) cost as much as running them on a page of 50.
_IDS = sa.bindparam("ids", expanding=True)
_a, _p = applications.c, publications.c
_APPS = sa.select(_a.id, _a.law, _a.application_number, _a.filing_date, _a.title,
                  _a.publication_date, _a.ad_publication_number, _a.registration_date,
                  _a.design_class, *_STATUS_COLUMNS).where(_a.id.in_(_IDS))
_APP_STATUS = sa.select(_a.id, *_STATUS_COLUMNS).where(_a.id.in_(_IDS))


def _publications(abstract: sa.ColumnElement[str]) -> sa.Select:
    return (sa.select(_p.application_id, _p.kind, _p.number, _p.date, _p.title, abstract,
                      _p.filing_date, _p.registration_number)
            .where(_p.application_id.in_(_IDS)).order_by(_p.application_id, _p.date, _p.id))


_PUBS = _publications(sa.literal("").label("abstract"))
_PUBS_WITH_ABSTRACTS = _publications(_p.abstract)
_PUB_REGISTRATIONS = (sa.select(_p.application_id, _p.registration_number)
                      .where(_p.application_id.in_(_IDS), _p.registration_number != ""))
_APPLICANTS = (sa.select(parties.c.application_id, parties.c.name)
               .where(parties.c.application_id.in_(_IDS),
                      parties.c.role.in_(("applicant", "right-holder")))
               .order_by(parties.c.application_id, parties.c.publication_id.is_(None),
                         parties.c.position))
# The FI codes of the cases, in order, from one index (migration 0011).
_FI = (sa.select(classifications.c.application_id, classifications.c.code)
       .where(classifications.c.application_id.in_(_IDS), classifications.c.scheme == "fi")
       .order_by(classifications.c.application_id, classifications.c.position))
_MARKS = (sa.select(trademark_texts.c.application_id, trademark_texts.c.text)
          .where(trademark_texts.c.application_id.in_(_IDS),
                 trademark_texts.c.kind == "display")
          .order_by(trademark_texts.c.application_id, trademark_texts.c.position))
_CLASSES = (sa.select(goods_services.c.application_id, goods_services.c.nice_class)
            .where(goods_services.c.application_id.in_(_IDS))
            .order_by(goods_services.c.application_id, goods_services.c.position))
#: Number type 07 of a dossier: appeal, trial or opposition.
_APPEALS = (sa.select(dossier_groups.c.application_id, dossier_groups.c.number)
            .where(dossier_groups.c.application_id.in_(_IDS),
                   dossier_groups.c.number_type == "07")
            .order_by(dossier_groups.c.application_id, dossier_groups.c.position))
_REGISTRATIONS = sa.select(registrations).where(registrations.c.application_id.in_(_IDS))
_ENDINGS = (sa.select(dossier_documents.c.application_id, dossier_documents.c.document_code)
            .where(dossier_documents.c.application_id.in_(_IDS),
                   dossier_documents.c.document_code.in_(REFUSAL_CODES + WITHDRAWAL_CODES)))


def _load_chunk(conn: sa.Connection, chunk: list[int], found: dict[int, CaseSummary],
                abstracts: bool) -> tuple[dict[int, Any], dict[int, str]]:
    """Fill `found` with the chunk's summaries; returns what the status needs of the rows
    read on the way (the cases' status columns, each case's publication registration
    number), so that it is not read twice."""
    ids = {"ids": chunk}
    apps = {}
    for r in conn.execute(_APPS, ids):
        apps[r.id] = r
        found[r.id] = CaseSummary(
            id=r.id, law=r.law, application_number=r.application_number,
            filing_date=r.filing_date, title=r.title, publication_date=r.publication_date,
            publication_number=r.ad_publication_number,
            registration_number=r.registration_number, registration_date=r.registration_date,
            design_class=r.design_class)
    rows = conn.execute(_PUBS_WITH_ABSTRACTS if abstracts else _PUBS, ids).all()
    pubs: dict[int, str] = {}
    for r in rows:                      # later publications overwrite earlier ones
        if r.registration_number:
            pubs[r.application_id] = r.registration_number
        s = found[r.application_id]
        s.document_kind, s.document_number = r.kind, r.number
        s.title = r.title or s.title
        s.abstract = r.abstract or s.abstract
        s.filing_date = s.filing_date or r.filing_date
        if r.kind in ("A", "T", "U"):
            s.publication_number = s.publication_number or r.number
            s.publication_date = s.publication_date or r.date
        elif r.kind in ("B", "Y"):
            s.examined_number = r.number
        if r.registration_number:
            s.registration_number = s.registration_number or r.registration_number
        if s.publication_date is None:
            s.publication_date = r.date
    names = conn.execute(_APPLICANTS, ids).all()
    for r in names:
        if r.name not in found[r.application_id].applicants:
            found[r.application_id].applicants.append(r.name)
    for r in conn.execute(_FI, ids).all():
        if r.code not in found[r.application_id].fi:
            found[r.application_id].fi.append(r.code)
    return apps, pubs


def _load_marks(conn: sa.Connection, ids: list[int], found: dict[int, CaseSummary]) -> None:
    """The mark text and the Nice classes of trademark cases."""
    for r in conn.execute(_MARKS, {"ids": ids}):
        s = found[r.application_id]
        s.mark = f"{s.mark} {r.text}" if s.mark else r.text
    for r in conn.execute(_CLASSES, {"ids": ids}):
        if r.nice_class not in found[r.application_id].classes:
            found[r.application_id].classes.append(r.nice_class)


def statuses_of(conn: sa.Connection, ids: Sequence[int], on: dt.date) -> dict[int, StatusReading]:
    """The true status of each case on the date `on`."""
    out: dict[int, StatusReading] = {}
    for chunk in _chunks(list(ids)):
        apps = {r.id: r for r in conn.execute(_APP_STATUS, {"ids": chunk})}
        pubs = {r.application_id: r.registration_number
                for r in conn.execute(_PUB_REGISTRATIONS, {"ids": chunk})}
        out.update(_statuses(conn, chunk, apps, pubs, on))
    return out


def _statuses(conn: sa.Connection, chunk: list[int], apps: dict[int, Any], pubs: dict[int, str],
              on: dt.date) -> dict[int, StatusReading]:
    """The status of each case of `chunk`, given its status columns (`apps`) and a
    registration number of its publications (`pubs`); reads its registration and the
    dossier documents that end a case."""
    out: dict[int, StatusReading] = {}
    regs = {r.application_id: r for r in conn.execute(_REGISTRATIONS, {"ids": chunk})}
    ended = {(r.application_id, r.document_code)
             for r in conn.execute(_ENDINGS, {"ids": chunk})}
    for app_id in chunk:
        app, reg = apps.get(app_id), regs.get(app_id)
        if app is None:
            continue
        facts = StatusFacts(
            registration_number=(reg.registration_number if reg else "")
            or app.registration_number or pubs.get(app_id, "") or "",
            disappearance_date=(reg.disappearance_date if reg else None)
            or app.disappearance_date,
            expire_date=(reg.expire_date if reg else None) or app.expire_date,
            next_annuity_date=reg.next_annuity_date if reg else None,
            last_paid_year=reg.last_paid_year if reg else None,
            erasure_identifier=(reg.erasure_identifier if reg else "")
            or app.erasure_identifier,
            refused=any((app_id, c) in ended for c in REFUSAL_CODES),
            withdrawn=any((app_id, c) in ended for c in WITHDRAWAL_CODES))
        out[app_id] = status_on(facts, on)
    return out
