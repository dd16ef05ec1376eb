"""The search engine: a parsed query in, a page of matching cases out.

Each atom becomes a select of application ids (`criteria.py`); AND, OR and AND-NOT
become INTERSECT, UNION and EXCEPT, so the database combines the sets and the hit count
and one page come from two statements however large the result. A hit is a case (an
application with its publications); the law filter, sorting and paging happen on the
combined set. Relevance sums, over the query's positive text terms, the weights of the
units that matched (a title hit counts more than a paragraph hit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.criteria import LAW_GROUPS, WEIGHTS, Compiler, field_of, publication_of
from tokkyo.search.index import backend_for
from tokkyo.search.units import FIELD_CODES
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


def _wrap(select: sa.Select) -> sa.Select:
    """A compound member as a plain select (SQLite does not nest compound selects)."""
    sub = select.subquery()
    return sa.select(sub.c[0].label("application_id"))


def compile_tree(compiler: Compiler, tree: q.Node) -> sa.Select:
    if isinstance(tree, q.Atom):
        return _wrap(compiler.atom(tree)).distinct()
    left, right = compile_tree(compiler, tree.left), compile_tree(compiler, tree.right)
    if isinstance(tree, q.And):
        return _wrap(sa.intersect(left, right))
    if isinstance(tree, q.Or):
        return _wrap(sa.union(left, right))
    return _wrap(sa.except_(left, right))


def positive_atoms(tree: q.Node) -> list[q.Atom]:
    """Atoms that count towards relevance: not on the right of an AND-NOT."""
    if isinstance(tree, q.Atom):
        return [tree]
    if isinstance(tree, q.AndNot):
        return positive_atoms(tree.left)
    return positive_atoms(tree.left) + positive_atoms(tree.right)


def _publication_date() -> sa.ColumnElement:
    latest = (sa.select(sa.func.max(publications.c.date))
              .where(publications.c.application_id == applications.c.id).scalar_subquery())
    return sa.func.coalesce(applications.c.publication_date, latest)


def _filing_date() -> sa.ColumnElement:
    first = (sa.select(sa.func.min(publications.c.filing_date))
             .where(publications.c.application_id == applications.c.id).scalar_subquery())
    return sa.func.coalesce(applications.c.filing_date, first)


def _scores(compiler: Compiler, tree: q.Node) -> sa.Subquery | None:
    selects = [s for atom in positive_atoms(tree) if (s := compiler.text_units(atom)) is not None]
    if not selects:
        return None
    selects = [sa.select(s.subquery().c.unit_key) for s in selects]
    units = (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery()
    weight = sa.case(*[(field_of(units.c.unit_key) == code, WEIGHTS[name])
                       for name, code in FIELD_CODES.items()], else_=1)
    return (sa.select(publications.c.application_id, sa.func.sum(weight).label("score"))
            .select_from(publications.join(units, publications.c.id
                                           == publication_of(units.c.unit_key)))
            .group_by(publications.c.application_id).subquery("scores"))


def search(connection: sa.Connection, tree: q.Node, *, law: str = "all",
           folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
           limit: int = 50, status_of: Callable[[Iterable[int]], dict[int, str]] | None = None
           ) -> Found:
    """The hit count and one page of case ids for a parsed query."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    compiler = Compiler(connection, backend_for(connection), folds or Folds(),
                        status_of=status_of)
    hits = compile_tree(compiler, tree).subquery("hits")
    base = sa.select(applications.c.id).join(hits, hits.c.application_id == applications.c.id)
    if law != "all":
        base = base.where(applications.c.law.in_(LAW_GROUPS[law]))
    total = connection.execute(sa.select(sa.func.count()).select_from(base.subquery())
                               ).scalar_one()
    order: list[sa.ColumnElement] = []
    if sort == "relevance":
        scores = _scores(compiler, tree)
        if scores is not None:
            base = base.outerjoin(scores, scores.c.application_id == applications.c.id)
            order.append(sa.func.coalesce(scores.c.score, 0).desc())
        sort_key = _publication_date()
    elif sort == "filing":
        sort_key = _filing_date()
    elif sort == "number":
        sort_key = applications.c.application_number
    else:
        sort_key = _publication_date()
    order.append(sort_key.asc() if sort == "number" else sort_key.desc().nulls_last())
    order.append(applications.c.id.desc())
    ids = connection.execute(base.order_by(*order).limit(limit).offset(offset)
                             ).scalars().all()
    return Found(total, list(ids), sort, offset, limit)
