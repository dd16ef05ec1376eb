"""The search engine: a parsed query in, a page of matching cases out.

Each atom becomes rows of the cases it matches (`criteria/`); one grouping by case
turns them into the hit set, AND / OR / AND-NOT being conditions on which atoms each case
matched, and into each hit's relevance (`combine.py`), so the exact hit count and one
page come from one statement however large the result. A hit is a case (an application
with its publications); the law filter, sorting and paging happen on the combined set.
Relevance sums, over the query's positive text terms, the weights of the units that
matched (a title hit counts more than a paragraph hit); each term's index lookup is made
once and serves both the hit set and the score.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from tokkyo.search import combine
from tokkyo.search import query as q
from tokkyo.search.backends.base import SORTS, Found
from tokkyo.search.criteria import Compiler
from tokkyo.search.index import backend_for
from tokkyo.search.variants import Folds
from tokkyo.store.tables import applications, publications


class _Dated(sa.TableClause):
    """The cases that carry a date of their own, read through its partial index
    (migration 0009): `applications INDEXED BY …` on SQLite, whose planner would read the
    wide row by its rowid instead (SQLAlchemy renders no hint there); the plain table
    elsewhere. One subclass per index, so that the cached SQL of one is not the other's."""

    inherit_cache = True
    index = ""


class _PublicationDated(_Dated):
    inherit_cache = True
    index = "ix_applications_publication_dated"


class _FilingDated(_Dated):
    inherit_cache = True
    index = "ix_applications_filing_dated"


@compiles(_Dated)
def _plain(element: _Dated, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.visit_table(element, **kw)


@compiles(_Dated, "sqlite")
def _indexed_by(element: _Dated, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.visit_table(element, **kw)
    return f"{text} INDEXED BY {element.index}" if kw.get("asfrom") else text


_PUBLICATION_DATED = _PublicationDated("applications", sa.column("id", sa.Integer),
                                       sa.column("publication_date", sa.Date))
_FILING_DATED = _FilingDated("applications", sa.column("id", sa.Integer),
                             sa.column("filing_date", sa.Date))


def _own_date(dated: _Dated, column: str, case_id: sa.ColumnElement[int]) -> sa.ScalarSelect:
    """A case's own date, where it has one (API mirror cases), read in the narrow partial
    index of the cases that have it, not in the case's wide row."""
    own = dated.c[column]
    return (sa.select(own).where(dated.c.id == case_id, own.is_not(None))
            .scalar_subquery())


def _publication_date(case_id: sa.ColumnElement[int]) -> sa.ColumnElement:
    # Seeks in ix_applications_publication_dated (mostly empty) and in
    # ix_publications_application_id_date, both covering.
    latest = (sa.select(sa.func.max(publications.c.date))
              .where(publications.c.application_id == case_id).scalar_subquery())
    return sa.func.coalesce(_own_date(_PUBLICATION_DATED, "publication_date", case_id),
                            latest)


def _filing_date(case_id: sa.ColumnElement[int]) -> sa.ColumnElement:
    first = (sa.select(sa.func.min(publications.c.filing_date))
             .where(publications.c.application_id == case_id).scalar_subquery())
    return sa.func.coalesce(_own_date(_FILING_DATED, "filing_date", case_id), first)


def search(connection: sa.Connection, tree: q.Node, *, law: str = "all",
           folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
           limit: int = 50, on: dt.date | None = None) -> Found:
    """The hit count and one page of case ids for a parsed query.

    One statement: the hit set, with every hit's score, is a CTE read for its count, the
    page's last score and the page itself, which both databases materialise once. Only
    when the page is empty is the count asked for apart."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    compiler = Compiler(connection, backend_for(connection), folds or Folds(),
                        on=on)
    hits = combine.hits(compiler, tree, law).cte("hits")
    total = sa.select(sa.func.count()).select_from(hits).scalar_subquery()
    case_id = hits.c.application_id
    page = sa.select(case_id.label("id"), total.label("total")).select_from(hits)
    order: list[sa.ColumnElement] = []
    if sort == "relevance":
        # Dates only break ties in score, so only the hits scoring at least as much as
        # the page's last one need theirs: the others are cut before the sort.
        last = (sa.select(hits.c.score).order_by(hits.c.score.desc())
                .limit(1).offset(offset + max(limit, 1) - 1).scalar_subquery())
        page = page.where(hits.c.score >= sa.func.coalesce(last, 0))
        order.append(hits.c.score.desc())
    # Every sort but the number's reads only narrow indexes, not the case's row.
    if sort == "filing":
        sort_key = _filing_date(case_id)
    elif sort == "number":
        page = page.join(applications, case_id == applications.c.id)
        sort_key = applications.c.application_number
    else:
        sort_key = _publication_date(case_id)
    order.append(sort_key.asc() if sort == "number" else sort_key.desc().nulls_last())
    order.append(case_id.desc())
    rows = connection.execute(page.order_by(*order).limit(limit).offset(offset)).all()
    if rows:
        count = rows[0].total
    elif offset == 0 and limit > 0:
        count = 0
    else:
        count = connection.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one()
    return Found(count, [r.id for r in rows], sort, offset, limit)
