"""What the store holds per country: documents, years, and how complete they are (with
claims, with a description, abstract only, bibliographic only), as the result pages say
it (FOPISER-like search over foreign data: issue 15)."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables import applications, claims, paragraphs, publications

_p = publications.c


def by_country(conn: sa.Connection, per_law: bool = False) -> list[sa.Row]:
    """(country, documents, first, last, with_claims, with_description, abstract_only,
    cases) per country, JP first then by number of documents; with `per_law`, per country
    and law (a `law` column more; the home page says what is held of each law)."""
    has_claims = sa.exists().where(claims.c.publication_id == _p.id)
    has_text = sa.exists().where(paragraphs.c.publication_id == _p.id)
    docs = (sa.select(
        _p.country, sa.func.count().label("documents"),
        sa.func.min(_p.date).label("first"), sa.func.max(_p.date).label("last"),
        sa.func.sum(sa.case((has_claims, 1), else_=0)).label("with_claims"),
        sa.func.sum(sa.case((has_text, 1), else_=0)).label("with_description"),
        sa.func.sum(sa.case((sa.and_(_p.abstract != "", ~has_claims, ~has_text), 1),
                            else_=0)).label("abstract_only"))
        .group_by(_p.country, *([_p.law] if per_law else []))
        .add_columns(*([_p.law] if per_law else []))).subquery()
    _a = applications.c
    case_counts = (sa.select(_a.country, *([_a.law] if per_law else []),
                             sa.func.count().label("cases"))
                   .group_by(_a.country, *([_a.law] if per_law else []))).subquery()
    joined = docs.c.country == case_counts.c.country
    if per_law:
        joined = sa.and_(joined, docs.c.law == case_counts.c.law)
    return list(conn.execute(
        sa.select(case_counts.c.country, *([case_counts.c.law] if per_law else []),
                  sa.func.coalesce(docs.c.documents, 0).label("documents"),
                  docs.c.first, docs.c.last,
                  sa.func.coalesce(docs.c.with_claims, 0).label("with_claims"),
                  sa.func.coalesce(docs.c.with_description, 0).label("with_description"),
                  sa.func.coalesce(docs.c.abstract_only, 0).label("abstract_only"),
                  case_counts.c.cases)
        .select_from(case_counts.outerjoin(docs, joined))
        .order_by((case_counts.c.country != "JP"), sa.desc(sa.func.coalesce(docs.c.documents, 0)),
                  case_counts.c.country, *([case_counts.c.law] if per_law else []))))
