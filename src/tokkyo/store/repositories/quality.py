"""Completeness figures: how many documents and cases carry each part, and the
validation problems and quarantine by source format (the quality report's queries)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from tokkyo.model.expectations import Part
from tokkyo.store.tables import (
    applications,
    case_sections,
    claims,
    classifications,
    dossier_groups,
    drawings,
    paragraphs,
    parties,
    publication_files,
    publications,
    quarantine,
    sources,
)

#: Party roles that hold a right or ask for it.
HOLDER_ROLES = ("right-holder", "applicant")


@dataclass(frozen=True, slots=True)
class PartCounts:
    """Publications of one source format, country, kind and law (and, for trademarks,
    kind of mark; None for a publication without trademark particulars): how many, how
    many carry each part (by `Part` value) among all and among those with text (claims
    or description), how many carry neither claims nor description, how many were read
    from a file tolerant recovery repaired."""
    format: str
    country: str
    kind: str
    law: str
    kind_of_mark: str | None
    documents: int
    present: dict[str, int]
    present_with_text: dict[str, int]
    bibliographic_only: int
    repaired: int


@dataclass(frozen=True, slots=True)
class Completeness:
    """Cases of one law: how many, how many carry each part."""
    source: str
    kind: str
    total: int
    present: dict[str, int]


def _exists(table: sa.Table, owner: sa.ColumnElement, *where: sa.ColumnElement
            ) -> sa.ColumnElement:
    return sa.exists(sa.select(sa.literal(1)).select_from(table).where(owner, *where))


def _count_true(condition: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.sum(_flag(condition))


def _flag(condition: sa.ColumnElement) -> sa.ColumnElement:
    """1 where `condition` holds, else 0 (a boolean both databases can sum)."""
    return sa.case((condition, 1), else_=0)


def _json_text(conn: sa.Connection, column: sa.ColumnElement, *path: str | int
               ) -> sa.ColumnElement:
    """The text at `path` inside a JSON text column (NULL where absent), in the
    dialect's own JSON functions: the trademark particulars are stored as JSON text."""
    if conn.dialect.name == "postgresql":
        return sa.func.jsonb_extract_path_text(sa.cast(column, JSONB),
                                               *(str(step) for step in path))
    where = "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}"
                          for step in path)
    return sa.func.json_extract(column, where)


def publication_parts(conn: sa.Connection, country: str | None = None) -> list[PartCounts]:
    """Per source format (of the publication's source version), country, kind, law and
    kind of mark: the documents and how many carry each part; `country` limits it to
    one country's publications."""
    p = publications
    has_claims = _exists(claims, claims.c.publication_id == p.c.id)
    has_description = _exists(paragraphs, paragraphs.c.publication_id == p.c.id)
    has_drawings = _exists(drawings, drawings.c.publication_id == p.c.id)
    display = _json_text(conn, p.c.trademark, "display")
    nice_class = _json_text(conn, p.c.trademark, "goods_services", 0, "nice_class")
    columns: dict[Part, sa.ColumnElement] = {
        Part.TITLE: p.c.title != "",
        Part.ABSTRACT: p.c.abstract != "",
        Part.CLAIMS: has_claims,
        Part.DESCRIPTION: has_description,
        Part.DRAWINGS: has_drawings,
        Part.PARTIES: _exists(parties, parties.c.publication_id == p.c.id),
        Part.CLASSIFICATIONS: _exists(classifications,
                                      classifications.c.publication_id == p.c.id),
        Part.MARK_TEXT: sa.func.coalesce(display, "") != "",
        Part.MARK_FILE: sa.or_(has_drawings, _exists(
            publication_files, publication_files.c.publication_id == p.c.id)),
        Part.NICE_CLASSES: sa.func.coalesce(nice_class, "") != "",
        Part.RIGHT_HOLDERS: _exists(parties, parties.c.publication_id == p.c.id,
                                    parties.c.role.in_(HOLDER_ROLES)),
    }
    kind_of_mark = sa.case((p.c.trademark.is_(None), sa.null()),
                           else_=sa.func.coalesce(
                               _json_text(conn, p.c.trademark, "kind_of_mark"), ""))
    # One row of 0/1 flags per publication, each test evaluated once, summed outside.
    flags = (sa.select(sources.c.format.label("format"), p.c.country, p.c.kind, p.c.law,
                       kind_of_mark.label("kind_of_mark"),
                       _flag(sa.or_(has_claims, has_description)).label("with_text"),
                       _flag(p.c.repaired).label("repaired"),
                       *(_flag(c).label(f"part{i}") for i, c in enumerate(columns.values())))
             .select_from(p.join(sources, sources.c.id == p.c.source_id)))
    if country is not None:
        flags = flags.where(p.c.country == country)
    f = flags.subquery("flags")
    keys = (f.c.format, f.c.country, f.c.kind, f.c.law, f.c.kind_of_mark)
    parts = [f.c[f"part{i}"] for i in range(len(columns))]
    stmt = (sa.select(*keys, sa.func.count(), sa.func.sum(1 - f.c.with_text),
                      sa.func.sum(f.c.repaired), *(sa.func.sum(c) for c in parts),
                      *(sa.func.sum(c * f.c.with_text) for c in parts))
            .group_by(*keys).order_by(*keys))
    n = len(columns)
    return [PartCounts(row[0], row[1], row[2], row[3], row[4], row[5],
                       {part.value: int(row[8 + i] or 0) for i, part in enumerate(columns)},
                       {part.value: int(row[8 + n + i] or 0)
                        for i, part in enumerate(columns)},
                       int(row[6] or 0), int(row[7] or 0))
            for row in conn.execute(stmt)]


def cases_by_law(conn: sa.Connection, country: str | None = None) -> list[Completeness]:
    """Cases (the JPO API's case records and foreign cases) per law: how many carry a
    title, progress, dossier, applicants, registration, citations, a publication."""
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
                              parties.c.role.in_(HOLDER_ROLES)),
        "registration": section("registration"),
        "citations": section("citations"),
        "publication": _exists(publications, publications.c.application_id == a.c.id),
    }
    stmt = sa.select(a.c.law, sa.func.count(), *(_count_true(c).label(n)
                                                 for n, c in columns.items())
                     ).group_by(a.c.law).order_by(a.c.law)
    if country is not None:
        stmt = stmt.where(a.c.country == country)
    return [Completeness("cases", row[0], row[1],
                         {n: int(row[i + 2] or 0) for i, n in enumerate(columns)})
            for row in conn.execute(stmt)]


def _current_sources(country: str | None) -> sa.Select:
    stmt = sa.select(sources.c.format, sources.c.problems).where(
        sources.c.superseded_at.is_(None))
    if country is not None:
        stmt = stmt.where(sources.c.id.in_(sa.select(publications.c.source_id).where(
            publications.c.country == country)))
    return stmt


def source_problems(conn: sa.Connection, country: str | None = None
                    ) -> Iterator[tuple[str, str]]:
    """(format, problems) of every current source version, problems one per line ("" if
    none), streamed; `country`: only the versions holding a publication of that country."""
    for row in conn.execute(_current_sources(country)):
        yield row.format, row.problems


def quarantine_by_format(conn: sa.Connection) -> list[tuple[str, int]]:
    """(format, refused files) per format detection named, "unknown" where it named none."""
    stmt = (sa.select(quarantine.c.format, sa.func.count())
            .group_by(quarantine.c.format).order_by(quarantine.c.format))
    return [(r[0] or "unknown", r[1]) for r in conn.execute(stmt)]
