"""Completeness figures: how many documents and cases carry each part."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.tables import (
    applications,
    case_sections,
    claims,
    classifications,
    dossier_groups,
    paragraphs,
    parties,
    publications,
    quarantine,
    sources,
)


@dataclass(frozen=True, slots=True)
class Completeness:
    source: str
    kind: str
    total: int
    present: dict[str, int]


def _exists(table: sa.Table, owner: sa.ColumnElement, *where: sa.ColumnElement
            ) -> sa.ColumnElement:
    return sa.exists(sa.select(sa.literal(1)).select_from(table).where(owner, *where))


def _count_true(condition: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def publications_by_kind(conn: sa.Connection) -> list[Completeness]:
    p = publications
    columns = {
        "title": p.c.title != "",
        "abstract": p.c.abstract != "",
        "claims": _exists(claims, claims.c.publication_id == p.c.id),
        "description": _exists(paragraphs, paragraphs.c.publication_id == p.c.id),
        "classifications": _exists(classifications, classifications.c.publication_id == p.c.id),
        "applicants": _exists(parties, parties.c.publication_id == p.c.id,
                              parties.c.role.in_(["applicant", "right-holder"])),
    }
    stmt = sa.select(p.c.kind, sa.func.count(), *(_count_true(c).label(n)
                                                  for n, c in columns.items())
                     ).group_by(p.c.kind).order_by(p.c.kind)
    return [Completeness("gazette", row[0], row[1],
                         {n: int(row[i + 2] or 0) for i, n in enumerate(columns)})
            for row in conn.execute(stmt)]


def cases_by_law(conn: sa.Connection) -> list[Completeness]:
    a = applications

    def section(name: str) -> sa.ColumnElement:
        return _exists(case_sections, case_sections.c.application_id == a.c.id,
                       case_sections.c.section == name)

    columns = {
        "title": a.c.title != "",
        "progress": section("progress"),
        "dossier": _exists(dossier_groups, dossier_groups.c.application_id == a.c.id),
        "applicants": _exists(parties, parties.c.application_id == a.c.id,
                              parties.c.publication_id.is_(None),
                              parties.c.role.in_(["applicant", "right-holder"])),
        "registration": section("registration"),
        "citations": section("citations"),
        "publication": _exists(publications, publications.c.application_id == a.c.id),
    }
    stmt = sa.select(a.c.law, sa.func.count(), *(_count_true(c).label(n)
                                                 for n, c in columns.items())
                     ).group_by(a.c.law).order_by(a.c.law)
    return [Completeness("cases", row[0], row[1],
                         {n: int(row[i + 2] or 0) for i, n in enumerate(columns)})
            for row in conn.execute(stmt)]


def problems_by_format(conn: sa.Connection) -> list[tuple[str, int, int]]:
    """(format, current sources, sources with validation problems)."""
    stmt = sa.select(sources.c.format, sa.func.count(),
                     _count_true(sources.c.problems != "")
                     ).where(sources.c.superseded_at.is_(None)
                             ).group_by(sources.c.format).order_by(sources.c.format)
    return [(r[0], r[1], int(r[2] or 0)) for r in conn.execute(stmt)]


def problem_texts(conn: sa.Connection) -> list[tuple[str, str]]:
    rows = conn.execute(sa.select(sources.c.name, sources.c.problems).where(
        sources.c.superseded_at.is_(None), sources.c.problems != "")).all()
    return [(r.name, line) for r in rows for line in r.problems.splitlines()]


def quarantine_by_format(conn: sa.Connection) -> list[tuple[str, int]]:
    stmt = sa.select(quarantine.c.format, sa.func.count()).group_by(quarantine.c.format)
    return [(r[0] or "unknown", r[1]) for r in conn.execute(stmt)]
