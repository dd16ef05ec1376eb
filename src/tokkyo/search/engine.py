"""The search engine: a parsed query in, a page of matching cases out.

Each atom becomes rows of the cases it matches (`criteria.py`); one grouping by case
turns them into the hit set, AND / OR / AND-NOT being conditions on which atoms each case
matched, and into each hit's relevance (`combine.py`), so the exact hit count and one
page come from one statement however large the result. A hit is a case (an application
with its publications); the law filter, sorting and paging happen on the combined set.
Relevance sums, over the query's positive text terms, the weights of the units that
matched (a title hit counts more than a paragraph hit); each term's index lookup is made
once and serves both the hit set and the score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.search import combine
from tokkyo.search import query as q
from tokkyo.search.criteria import Compiler
from tokkyo.search.index import backend_for
from tokkyo.search.variants import Folds
from tokkyo.store.tables import applications, publications

SORTS = ("relevance", "date", "filing", "number")


@dataclass(frozen=True, slots=True)
class Found:
    total: int
    ids: list[int]                 # application ids of this page, in order
    sort: str
    offset: int = 0
    limit: int = 0
    warnings: list[str] = field(default_factory=list)


def _publication_date() -> sa.ColumnElement:
    # One seek per hit in ix_publications_application_id_date (migration 0004).
    latest = (sa.select(sa.func.max(publications.c.date))
              .where(publications.c.application_id == applications.c.id).scalar_subquery())
    return sa.func.coalesce(applications.c.publication_date, latest)


def _filing_date() -> sa.ColumnElement:
    first = (sa.select(sa.func.min(publications.c.filing_date))
             .where(publications.c.application_id == applications.c.id).scalar_subquery())
    return sa.func.coalesce(applications.c.filing_date, first)


def search(connection: sa.Connection, tree: q.Node, *, law: str = "all",
           folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
           limit: int = 50, status_of: Callable[[Iterable[int]], dict[int, str]] | None = None
           ) -> Found:
    """The hit count and one page of case ids for a parsed query.

    One statement: the hit set, with every hit's score, is a CTE read for its count, the
    page's last score and the page itself, which both databases materialise once. Only
    when the page is empty is the count asked for apart."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    compiler = Compiler(connection, backend_for(connection), folds or Folds(),
                        status_of=status_of)
    hits = combine.hits(compiler, tree, law).cte("hits")
    total = sa.select(sa.func.count()).select_from(hits).scalar_subquery()
    page = (sa.select(applications.c.id, total.label("total"))
            .select_from(hits)
            .join(applications, hits.c.application_id == applications.c.id))
    order: list[sa.ColumnElement] = []
    if sort == "relevance":
        # Dates only break ties in score, so only the hits scoring at least as much as
        # the page's last one need theirs: the others are cut before the sort.
        last = (sa.select(hits.c.score).order_by(hits.c.score.desc())
                .limit(1).offset(offset + max(limit, 1) - 1).scalar_subquery())
        page = page.where(hits.c.score >= sa.func.coalesce(last, 0))
        order.append(hits.c.score.desc())
    if sort == "relevance":
        sort_key = _publication_date()
    elif sort == "filing":
        sort_key = _filing_date()
    elif sort == "number":
        sort_key = applications.c.application_number
    else:
        sort_key = _publication_date()
    order.append(sort_key.asc() if sort == "number" else sort_key.desc().nulls_last())
    order.append(applications.c.id.desc())
    rows = connection.execute(page.order_by(*order).limit(limit).offset(offset)).all()
    if rows:
        count = rows[0].total
    elif offset == 0 and limit > 0:
        count = 0
    else:
        count = connection.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one()
    return Found(count, [r.id for r in rows], sort, offset, limit)
