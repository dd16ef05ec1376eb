"""Everything a search engine indexes of a set of cases, read in bulk: one statement per
table for a chunk of case ids, rows grouped by case (search/documents.py assembles them).

They are every fact an atom of the query language reads (portal.md §3), so that an engine
holding them answers every atom without going back to the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from tokkyo.model.text_fields import ROLE_FIELDS
from tokkyo.store.repositories import stored_translations
from tokkyo.store.tables import (
    applications,
    case_summaries,
    claims,
    classifications,
    dossier_groups,
    goods_services,
    paragraphs,
    parties,
    publication_texts,
    publications,
    registrations,
    trademark_texts,
)

#: Case ids per statement: an IN list well under both databases' parameter limits.
CHUNK = 500

Row = Any


@dataclass
class CaseRows:
    """The stored rows of one case that search reads."""

    case: Row
    publications: list[Row] = field(default_factory=list)
    #: publication id -> (field, raw text) of its units beyond the title and abstract
    units: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    case_parties: list[Row] = field(default_factory=list)       # parties of no publication
    classifications: list[Row] = field(default_factory=list)
    goods: list[Row] = field(default_factory=list)
    marks: list[Row] = field(default_factory=list)              # trademark_texts
    registrations: list[Row] = field(default_factory=list)
    appeals: list[str] = field(default_factory=list)            # dossier group numbers
    summary: Row | None = None
    #: stored machine translations of its publications (section, target, text)
    translations: list[Row] = field(default_factory=list)


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def read(conn: sa.Connection, ids: Sequence[int]) -> dict[int, CaseRows]:
    """The rows of the cases `ids` that exist (an id absent from the answer was removed)."""
    found: dict[int, CaseRows] = {}
    for chunk in chunks(ids):
        found.update(_chunk(conn, chunk))
    return found


def all_ids(conn: sa.Connection, *, after: int = 0, limit: int = 10_000) -> list[int]:
    """Case ids above `after`, ascending: a reindex walks the store with it."""
    return list(conn.execute(sa.select(applications.c.id).where(applications.c.id > after)
                             .order_by(applications.c.id).limit(limit)).scalars())


def count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(applications)).scalar_one()


def _chunk(conn: sa.Connection, ids: list[int]) -> dict[int, CaseRows]:
    a, p = applications.c, publications.c
    row: Any
    out = {row.id: CaseRows(row) for row in conn.execute(
        sa.select(a.id, a.country, a.law, a.application_number, a.title, a.filing_date,
                  a.publication_date, a.registration_date, a.ad_publication_number,
                  a.ad_national_publication_number, a.registration_number,
                  a.international_application_number, a.international_publication_number,
                  a.international_registration_number, a.design_class)
        .where(a.id.in_(ids)))}
    if not out:
        return out
    pub_case: dict[int, int] = {}
    for row in conn.execute(
            sa.select(p.id, p.application_id, p.country, p.kind, p.st16_kind, p.number,
                      p.date, p.filing_date, p.registration_number, p.title, p.abstract,
                      p.trademark)
            .where(p.application_id.in_(ids)).order_by(p.id)):
        out[row.application_id].publications.append(row)
        pub_case[row.id] = row.application_id
        units = out[row.application_id].units.setdefault(row.id, [])
        if row.trademark is not None:
            units += [("TI", reading) for reading in json.loads(row.trademark)
                      .get("readings", [])]
    pub_ids = sorted(pub_case)
    for pub_chunk in chunks(pub_ids):
        _publication_units(conn, pub_chunk, pub_case, out)
    for row in conn.execute(sa.select(parties.c.application_id, parties.c.role,
                                      parties.c.name)
                            .where(parties.c.application_id.in_(ids),
                                   parties.c.publication_id.is_(None))):
        out[row.application_id].case_parties.append(row)
    c = classifications.c
    for row in conn.execute(sa.select(c.application_id, c.scheme, c.code, c.facet)
                            .where(c.application_id.in_(ids))):
        out[row.application_id].classifications.append(row)
    g = goods_services.c
    for row in conn.execute(sa.select(g.application_id, g.nice_class, g.names,
                                      g.similar_codes).where(g.application_id.in_(ids))):
        out[row.application_id].goods.append(row)
    t = trademark_texts.c
    for row in conn.execute(sa.select(t.application_id, t.kind, t.text)
                            .where(t.application_id.in_(ids))):
        out[row.application_id].marks.append(row)
    r = registrations.c
    for row in conn.execute(sa.select(r.application_id, r.registration_date)
                            .where(r.application_id.in_(ids))):
        out[row.application_id].registrations.append(row)
    d = dossier_groups.c
    for row in conn.execute(sa.select(d.application_id, d.number)
                            .where(d.application_id.in_(ids))):
        out[row.application_id].appeals.append(row.number)
    s = case_summaries.c
    for row in conn.execute(sa.select(s.application_id, s.known, s.registration_number,
                                      s.refused, s.withdrawn, s.disappearance_date,
                                      s.expire_date, s.next_annuity_date, s.grace_end)
                            .where(s.application_id.in_(ids))):
        out[row.application_id].summary = row
    return out


def _publication_units(conn: sa.Connection, pub_ids: list[int], pub_case: dict[int, int],
                       out: dict[int, CaseRows]) -> None:
    """Claims, paragraphs, party names and other-language titles and abstracts of the
    publications `pub_ids`, as (field, raw text) units of their publication."""
    # each publication's list of units, and rows unpacked as tuples: a description has
    # hundreds of paragraphs
    units = {pub_id: out[pub_case[pub_id]].units[pub_id] for pub_id in pub_ids}
    row: Any
    for pub_id, part, text in conn.execute(
            sa.select(publication_texts.c.publication_id, publication_texts.c.part,
                      publication_texts.c.text)
            .where(publication_texts.c.publication_id.in_(pub_ids))):
        units[pub_id].append(("TI" if part == "title" else "AB", text))
    for pub_id, text in conn.execute(sa.select(claims.c.publication_id, claims.c.text)
                                     .where(claims.c.publication_id.in_(pub_ids))):
        units[pub_id].append(("CL", text))
    for pub_id, text in conn.execute(sa.select(paragraphs.c.publication_id, paragraphs.c.text)
                                     .where(paragraphs.c.publication_id.in_(pub_ids))):
        units[pub_id].append(("DE", text))
    for pub_id, role, name in conn.execute(
            sa.select(parties.c.publication_id, parties.c.role, parties.c.name)
            .where(parties.c.publication_id.in_(pub_ids))):
        units[pub_id].append((ROLE_FIELDS[role], name))
    for row in stored_translations.of_publications(conn, pub_ids):
        out[pub_case[row.publication_id]].translations.append(row)


def sample_ids(conn: sa.Connection, size: int) -> list[int]:
    """Up to `size` case ids spread over the store (every case when it holds no more)."""
    total = count(conn)
    if total <= size:
        return all_ids(conn, limit=max(total, 1))
    step = total / size
    ids = all_ids(conn, limit=total)
    return [ids[int(i * step)] for i in range(size)]


def existing(conn: sa.Connection, ids: Sequence[int]) -> list[int]:
    """Which of `ids` are stored cases."""
    found: list[int] = []
    for chunk in chunks(ids):
        found += conn.execute(sa.select(applications.c.id)
                              .where(applications.c.id.in_(chunk))).scalars()
    return found
