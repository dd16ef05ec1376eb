"""One stored summary per case: what a result list and its CSV show of it, and the facts
its true status is read from, in one row.

A result list or a CSV reads its cases' summaries by primary key: one B-tree and, for a
case spread over a large store, one random read. Read from their tables, a summary took
four (the case's row, its publications, applicants and FI codes, each in an index of its
own): on a store larger than the page cache, a 3000-row CSV at 1 M documents waited on
some 14,600 page reads (about 1 s) where it now waits on about 3,100.

The summary is derived data: `build` reads it from the tables, `refresh` stores it for the
cases an ingest batch touched (in the batch's transaction, so it commits with them), and
`Database.upgrade` summarises cases stored before the table existed (`unsummarised`,
`summarise_missing`). A case without a stored summary is built on the fly by `read`, so
a missing row costs time, never an answer. The status itself is not stored: it depends on
the day it is read for (model/status.py), so the facts are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.model.status import GRACE_MONTHS, Status, StatusFacts, add_months
from tokkyo.store.repositories import batches
from tokkyo.store.repositories.rows import AnyRow
from tokkyo.store.tables import (
    applications,
    case_sections,
    case_summaries,
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
#: The build's version: a stored summary of another version is read as missing and made
#: again by `Database.upgrade`. Raise it whenever `build` gives other summaries than before.
VERSION = 3                           # 2: the `known` fact (migration 0013); 3: country
REFUSAL_CODES = ("A02",)              # decision of refusal
WITHDRAWAL_CODES = ("A151", "A152")   # withdrawal / abandonment notices (proposed)
#: Fields of a summary that hold dates (stored as ISO text).
DATES = ("filing_date", "publication_date", "registration_date")
#: The status facts, stored as columns (model.status.StatusFacts).
FACTS = ("registration_number", "disappearance_date", "expire_date", "next_annuity_date",
         "last_paid_year", "erasure_identifier", "refused", "withdrawn", "known")
#: The sections of the API mirror a status is read from: without either, a case's status
#: is unknown (a gazette publication alone says nothing of what became of the case).
STATUS_SECTIONS = ("progress", "registration")



@dataclass(frozen=True, slots=True)
class StoredSummary:
    """One case as a result list and its CSV show it (from its latest publication, its
    applicants, FI codes and, for a trademark, its mark and classes), and the facts its
    status is read from. The fields before `facts` are the stored JSON body, in order."""

    law: str
    country: str                       # the office of the case (ST.3; JP for JPO cases)
    application_number: str
    filing_date: dt.date | None
    title: str
    document_kind: str                 # kind of the latest publication ("" when none)
    document_number: str
    publication_date: dt.date | None
    publication_number: str            # unexamined publication (10-digit key)
    examined_number: str
    registration_number: str
    registration_date: dt.date | None
    applicants: tuple[str, ...]
    fi: tuple[str, ...]
    design_class: str
    mark: str                          # trademarks: the mark as text
    classes: tuple[str, ...]           # trademarks: Nice classes
    facts: StatusFacts


#: The fields of a summary stored as its JSON body (all but the facts).
SHOWN = tuple(name for name in StoredSummary.__dataclass_fields__ if name != "facts")
#: The fields that hold lists (tuples in a `StoredSummary`, lists in the JSON).
LISTS = ("applicants", "fi", "classes")

# Statements built once, for a list of case ids (`ids`, expanded when run).
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
_a, _p = applications.c, publications.c
_APPS = sa.select(_a.id, _a.law, _a.country, _a.application_number, _a.filing_date, _a.title,
                  _a.publication_date, _a.ad_publication_number, _a.registration_date,
                  _a.design_class, _a.registration_number, _a.expire_date,
                  _a.disappearance_date, _a.erasure_identifier).where(_a.id.in_(_IDS))
# Each case's publications, applicants and FI codes from covering indexes (migration 0011).
_PUBS = (sa.select(_p.application_id, _p.kind, _p.number, _p.date, _p.title, _p.filing_date,
                   _p.registration_number)
         .where(_p.application_id.in_(_IDS)).order_by(_p.application_id, _p.date, _p.id))
_ABSTRACTS = (sa.select(_p.application_id, _p.abstract)
              .where(_p.application_id.in_(_IDS), _p.abstract != "")
              .order_by(_p.application_id, _p.date, _p.id))
_APPLICANTS = (sa.select(parties.c.application_id, parties.c.name)
               .where(parties.c.application_id.in_(_IDS),
                      parties.c.role.in_(("applicant", "right-holder")))
               .order_by(parties.c.application_id, parties.c.publication_id.is_(None),
                         parties.c.position))
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
_REGISTRATIONS = sa.select(registrations).where(registrations.c.application_id.in_(_IDS))
_ENDINGS = (sa.select(dossier_documents.c.application_id, dossier_documents.c.document_code)
            .where(dossier_documents.c.application_id.in_(_IDS),
                   dossier_documents.c.document_code.in_(REFUSAL_CODES + WITHDRAWAL_CODES)))
_KNOWN = (sa.select(case_sections.c.application_id).distinct()
          .where(case_sections.c.application_id.in_(_IDS),
                 case_sections.c.section.in_(STATUS_SECTIONS)))
_s = case_summaries.c
_STORED = (sa.select(_s.application_id, _s.body, *(_s[name] for name in FACTS))
           .where(_s.application_id.in_(_IDS), _s.version == VERSION))
_CURRENT = sa.exists().where(_s.application_id == _a.id, _s.version == VERSION)
_UNSUMMARISED = sa.select(_a.id).where(~_CURRENT).order_by(_a.id)
_UNSUMMARISED_OF = sa.select(_a.id).where(_a.id.in_(_IDS), ~_CURRENT)


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


def _draft(r: AnyRow) -> dict[str, Any]:
    """A case's summary while it is built: its own row's fields, filled in by `_chunk`."""
    return {"law": r.law, "country": r.country, "application_number": r.application_number,
            "filing_date": r.filing_date, "title": r.title, "document_kind": "",
            "document_number": "", "publication_date": r.publication_date,
            "publication_number": r.ad_publication_number, "examined_number": "",
            "registration_number": r.registration_number,
            "registration_date": r.registration_date, "applicants": [], "fi": [],
            "design_class": r.design_class, "mark": "", "classes": []}


def _chunk(conn: sa.Connection, chunk: list[int]) -> dict[int, StoredSummary]:
    ids = {"ids": chunk}
    apps = {r.id: r for r in conn.execute(_APPS, ids)}
    found = {i: _draft(r) for i, r in apps.items()}
    registered: dict[int, str] = {}     # a registration number of a publication
    for pub in conn.execute(_PUBS, ids):  # later publications overwrite earlier ones
        s = found[pub.application_id]
        if pub.registration_number:
            registered[pub.application_id] = pub.registration_number
        s["document_kind"], s["document_number"] = pub.kind, pub.number
        s["title"] = pub.title or s["title"]
        s["filing_date"] = s["filing_date"] or pub.filing_date
        if s["country"] != "JP":
            pass                        # other offices' kinds: the document columns only
        elif pub.kind in ("A", "T", "U"):
            s["publication_number"] = s["publication_number"] or pub.number
            s["publication_date"] = s["publication_date"] or pub.date
        elif pub.kind in ("B", "Y"):
            s["examined_number"] = pub.number
        if pub.registration_number:
            s["registration_number"] = s["registration_number"] or pub.registration_number
        if s["publication_date"] is None:
            s["publication_date"] = pub.date
    for party in conn.execute(_APPLICANTS, ids):
        if party.name not in found[party.application_id]["applicants"]:
            found[party.application_id]["applicants"].append(party.name)
    for fi in conn.execute(_FI, ids):
        if fi.code not in found[fi.application_id]["fi"]:
            found[fi.application_id]["fi"].append(fi.code)
    marks = {"ids": [i for i, r in apps.items() if r.law == "trademark"]}
    if marks["ids"]:
        for mark in conn.execute(_MARKS, marks):
            s = found[mark.application_id]
            s["mark"] = f"{s['mark']} {mark.text}" if s["mark"] else mark.text
        for good in conn.execute(_CLASSES, marks):
            if good.nice_class not in found[good.application_id]["classes"]:
                found[good.application_id]["classes"].append(good.nice_class)
    regs = {r.application_id: r for r in conn.execute(_REGISTRATIONS, ids)}
    ended = {(r.application_id, r.document_code) for r in conn.execute(_ENDINGS, ids)}
    known = set(conn.execute(_KNOWN, ids).scalars())
    out: dict[int, StoredSummary] = {}
    for app_id, app in apps.items():
        reg = regs.get(app_id)
        facts = StatusFacts(
            registration_number=(reg.registration_number if reg else "")
            or app.registration_number or registered.get(app_id, "") or "",
            disappearance_date=(reg.disappearance_date if reg else None)
            or app.disappearance_date,
            expire_date=(reg.expire_date if reg else None) or app.expire_date,
            next_annuity_date=reg.next_annuity_date if reg else None,
            last_paid_year=reg.last_paid_year if reg else None,
            erasure_identifier=(reg.erasure_identifier if reg else "")
            or app.erasure_identifier,
            refused=any((app_id, c) in ended for c in REFUSAL_CODES),
            withdrawn=any((app_id, c) in ended for c in WITHDRAWAL_CODES),
            known=app_id in known or reg is not None)
        s = found[app_id]
        for name in LISTS:
            s[name] = tuple(s[name])
        out[app_id] = StoredSummary(**s, facts=facts)
    return out


def build(conn: sa.Connection, ids: Sequence[int]) -> dict[int, StoredSummary]:
    """The summaries of the cases `ids` read from the tables (cases that do not exist are
    left out)."""
    out: dict[int, StoredSummary] = {}
    for chunk in chunks(ids):
        out.update(_chunk(conn, chunk))
    return out


def _row(app_id: int, summary: StoredSummary) -> dict[str, Any]:
    """The stored row: the facts as columns, the rest as JSON."""
    facts = {name: getattr(summary.facts, name) for name in FACTS}
    due = summary.facts.next_annuity_date
    shown = {name: getattr(summary, name) for name in SHOWN}
    return {"application_id": app_id, "version": VERSION, **facts,
            "grace_end": add_months(due, GRACE_MONTHS) if due else None,
            "body": json.dumps(shown, ensure_ascii=False, separators=(",", ":"),
                               default=dt.date.isoformat)}


def _decode(row: AnyRow) -> StoredSummary:
    body = json.loads(row.body)
    for name in DATES:
        if body[name]:
            body[name] = dt.date.fromisoformat(body[name])
    for name in LISTS:
        body[name] = tuple(body[name])
    return StoredSummary(**body, facts=StatusFacts(
        registration_number=row.registration_number,
        disappearance_date=row.disappearance_date, expire_date=row.expire_date,
        next_annuity_date=row.next_annuity_date, last_paid_year=row.last_paid_year,
        erasure_identifier=row.erasure_identifier, refused=bool(row.refused),
        withdrawn=bool(row.withdrawn), known=bool(row.known)))


def read(conn: sa.Connection, ids: Sequence[int]) -> dict[int, StoredSummary]:
    """The stored summaries of `ids`, as `build` gives them; a case stored without one is
    built from the tables instead."""
    out: dict[int, StoredSummary] = {}
    for chunk in chunks(ids):
        out.update((r.application_id, _decode(r)) for r in conn.execute(_STORED, {"ids": chunk}))
    missing = [i for i in ids if i not in out]
    if missing:
        out.update(build(conn, missing))
    return out


def abstracts(conn: sa.Connection, ids: Sequence[int]) -> dict[int, str]:
    """Each case's abstract: that of its latest publication that has one (long texts, so
    not part of the summary; CSV with abstracts only)."""
    out: dict[int, str] = {}
    for chunk in chunks(ids):
        out.update((r.application_id, r.abstract)
                   for r in conn.execute(_ABSTRACTS, {"ids": chunk}))
    return out


def refresh(conn: sa.Connection, ids: Iterable[int]) -> None:
    """Store the summaries of the cases `ids` as the tables now say (after an ingest
    batch wrote them, in its transaction)."""
    ordered = sorted(set(ids))
    for chunk in chunks(ordered):
        built = build(conn, chunk)
        conn.execute(sa.delete(case_summaries)
                     .where(case_summaries.c.application_id.in_(chunk)))
        if built:
            conn.execute(sa.insert(case_summaries), [_row(i, s) for i, s in built.items()])


def complete(conn: sa.Connection) -> bool:
    """Whether every case has a summary of this version (two counts of narrow indexes)."""
    cases = conn.execute(sa.select(sa.func.count()).select_from(applications)).scalar_one()
    current = conn.execute(sa.select(sa.func.count()).select_from(case_summaries)
                           .where(_s.version == VERSION)).scalar_one()
    return cases == current


def unsummarised(conn: sa.Connection) -> list[int]:
    """The cases without a summary of this version (a store from before the table, or
    from before a new build), by id; nothing is read past the two counts when every case
    has one."""
    if complete(conn):
        return []
    return list(conn.execute(_UNSUMMARISED).scalars().all())


def summarise_missing(conn: sa.Connection, chunk: Sequence[int]) -> None:
    """In the caller's write transaction (one per chunk, `Database.upgrade`): take the
    writer lock, taking turns with ingest batches (which summarise what they write), then
    summarise the cases of `chunk` still without a summary, found again under the lock so
    that a batch's newer summary is never replaced by an older build."""
    batches.lock_writer(conn)
    refresh(conn, conn.execute(_UNSUMMARISED_OF, {"ids": list(chunk)}).scalars().all())


#: Number type 07 of a dossier: appeal, trial or opposition.
_APPEALS = (sa.select(dossier_groups.c.application_id, dossier_groups.c.number)
            .where(dossier_groups.c.application_id.in_(_IDS),
                   dossier_groups.c.number_type == "07")
            .order_by(dossier_groups.c.application_id, dossier_groups.c.position))


def appeals(conn: sa.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each case's appeal, trial and opposition numbers (`2020-700850`; CSV only)."""
    out: dict[int, list[str]] = {}
    for chunk in chunks(ids):
        for r in conn.execute(_APPEALS, {"ids": chunk}):
            n = r.number
            out.setdefault(r.application_id, []).append(
                f"{n[:4]}-{n[4:]}" if len(n) == 10 else n)
    return out


def status_condition(status: str, on: dt.date, *, prefix: bool = False
                     ) -> sa.ColumnElement[bool]:
    """The cases whose status on `on` is `status` (or starts with it, `prefix`), as a
    condition on case_summaries: rules 1–6 of portal.md §10 in SQL, as
    `model.status.status_on` reads them from the same facts (a test holds the two to the
    same answers on random facts, on both databases)."""
    wanted = [s for s in Status if (s.value.startswith(status) if prefix else s.value == status)]
    return sa.or_(sa.false(), *(_STATUS[s](on) for s in wanted))


def _known() -> sa.ColumnElement[bool]:
    """The case's status facts are held (model.status.StatusFacts.known)."""
    return _s.known.is_(True)


def _registered() -> sa.ColumnElement[bool]:
    # `> ''`, the same as `!= ''` for text, is a range the registration number's index reads
    return sa.and_(_known(), _s.registration_number > "")


def _standing(on: dt.date) -> sa.ColumnElement[bool]:
    """Registered, neither ceased nor expired on `on`."""
    return sa.and_(_registered(),
                   sa.or_(_s.disappearance_date.is_(None), _s.disappearance_date > on),
                   sa.or_(_s.expire_date.is_(None), _s.expire_date >= on))


def _overdue(on: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(_s.next_annuity_date.is_not(None), _s.next_annuity_date < on)


_STATUS: dict[Status, Callable[[dt.date], sa.ColumnElement[bool]]] = {
    Status.UNKNOWN: lambda on: _s.known.is_(False),
    Status.REFUSED: lambda on: sa.and_(_known(), _s.registration_number == "",
                                       _s.refused.is_(True)),
    Status.WITHDRAWN: lambda on: sa.and_(_known(), _s.registration_number == "",
                                         _s.refused.is_(False), _s.withdrawn.is_(True)),
    Status.PENDING: lambda on: sa.and_(_known(), _s.registration_number == "",
                                       _s.refused.is_(False), _s.withdrawn.is_(False)),
    Status.CEASED: lambda on: sa.and_(_registered(), _s.disappearance_date.is_not(None),
                                      _s.disappearance_date <= on),
    Status.EXPIRED: lambda on: sa.and_(
        _registered(), sa.or_(_s.disappearance_date.is_(None), _s.disappearance_date > on),
        _s.expire_date.is_not(None), _s.expire_date < on),
    Status.GRACE: lambda on: sa.and_(_standing(on), _overdue(on), _s.grace_end >= on),
    Status.LAPSE_PRESUMED: lambda on: sa.and_(_standing(on), _overdue(on),
                                              _s.grace_end < on),
    Status.IN_FORCE: lambda on: sa.and_(_standing(on), ~_overdue(on)),
}
