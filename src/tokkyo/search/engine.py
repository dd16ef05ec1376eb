"""The search engine: a parsed query in, a page of matching cases out.

Each atom becomes a select of application ids (`criteria.py`); AND, OR and AND-NOT
become INTERSECT, UNION and EXCEPT (a date atom beside AND / AND-NOT becomes a per-case
condition on the other side instead), so the database combines the sets, and the exact
hit count and one page come from one statement however large the result. A hit is a case
(an application with its publications); the law filter, sorting and paging happen on the
combined set. Relevance sums, over the query's positive text terms, the weights of the
units that matched (a title hit counts more than a paragraph hit); each term's index
lookup is made once and serves both the hit set and the score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.criteria import LAW_GROUPS, WEIGHTS, Compiler, field_of
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
    filtered = _filtered(compiler, tree)
    if filtered is not None:
        return filtered
    left, right = compile_tree(compiler, tree.left), compile_tree(compiler, tree.right)
    if isinstance(tree, q.And):
        return _wrap(sa.intersect(left, right))
    if isinstance(tree, q.Or):
        return _wrap(sa.union(left, right))
    return _wrap(sa.except_(left, right))


def _filtered(compiler: Compiler, tree: q.And | q.Or | q.AndNot) -> sa.Select | None:
    """`x AND date`, `date AND x` and `x AND-NOT date` as x's set filtered case by case."""
    if isinstance(tree, q.Or):
        return None
    sides = [(tree.left, tree.right)]
    if isinstance(tree, q.And):
        sides.append((tree.right, tree.left))
    for kept, test in sides:
        if not _is_date(test) or _is_date(kept):
            continue
        sub = compile_tree(compiler, kept).subquery()
        condition = compiler.date_filter(test, sub.c.application_id)
        if condition is not None:
            return sa.select(sub.c.application_id).where(
                condition if isinstance(tree, q.And) else ~condition)
    return None


def _is_date(node: q.Node) -> bool:
    return isinstance(node, q.Atom) and isinstance(node.value, q.DateRange)


def positive_atoms(tree: q.Node) -> list[q.Atom]:
    """Atoms that count towards relevance: not on the right of an AND-NOT."""
    if isinstance(tree, q.Atom):
        return [tree]
    if isinstance(tree, q.AndNot):
        return positive_atoms(tree.left)
    return positive_atoms(tree.left) + positive_atoms(tree.right)


def _publication_date() -> sa.ColumnElement:
    # One seek per hit in ix_publications_application_id_date (migration 0004).
    latest = (sa.select(sa.func.max(publications.c.date))
              .where(publications.c.application_id == applications.c.id).scalar_subquery())
    return sa.func.coalesce(applications.c.publication_date, latest)


def _filing_date() -> sa.ColumnElement:
    first = (sa.select(sa.func.min(publications.c.filing_date))
             .where(publications.c.application_id == applications.c.id).scalar_subquery())
    return sa.func.coalesce(applications.c.filing_date, first)


def _ranked(compiler: Compiler, tree: q.Node, hits: sa.CTE) -> sa.CTE | None:
    """Each hit with its relevance: the weights of the units the positive text atoms
    matched, read from the atoms' own lookups (the CTEs the hit set reads too).

    One grouping over the hits and the matched units together (a hit without a matched
    unit scores 0; a unit of a case that is not a hit is dropped by HAVING), rather than
    hits LEFT JOIN scores, which SQLite may run as a scan of the scores per hit."""
    selects = [s for atom in positive_atoms(tree) if (s := compiler.text_units(atom)) is not None]
    if not selects:
        return None
    units = (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery()
    weight = sa.case(*[(field_of(units.c.unit_key) == code, WEIGHTS[name])
                       for name, code in FIELD_CODES.items()], else_=1)
    rows = sa.union_all(
        sa.select(hits.c.application_id, sa.literal(1).label("hit"),
                  sa.literal(0).label("weight")),
        sa.select(units.c.application_id, sa.literal(0).label("hit"),
                  weight.label("weight"))).subquery()
    return (sa.select(rows.c.application_id, sa.func.sum(rows.c.weight).label("score"))
            .group_by(rows.c.application_id).having(sa.func.max(rows.c.hit) == 1)
            .cte("ranked"))


def search(connection: sa.Connection, tree: q.Node, *, law: str = "all",
           folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
           limit: int = 50, status_of: Callable[[Iterable[int]], dict[int, str]] | None = None
           ) -> Found:
    """The hit count and one page of case ids for a parsed query.

    One statement: the hit set is a CTE read twice (its count, and the page sorted and
    cut), which both databases materialise once; text lookups are CTEs shared by the hit
    set and the scores. Only when the page is empty is the count asked for apart."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    compiler = Compiler(connection, backend_for(connection), folds or Folds(),
                        status_of=status_of)
    matched = compile_tree(compiler, tree).subquery("matched")
    hits_select = sa.select(matched.c.application_id)
    if law != "all":
        hits_select = (sa.select(applications.c.id.label("application_id"))
                       .join(matched, matched.c.application_id == applications.c.id)
                       .where(applications.c.law.in_(LAW_GROUPS[law])))
    hits = hits_select.cte("hits")
    total = sa.select(sa.func.count()).select_from(hits).scalar_subquery()
    ranked = _ranked(compiler, tree, hits) if sort == "relevance" else None
    source = hits if ranked is None else ranked
    page = (sa.select(applications.c.id, total.label("total"))
            .select_from(source)
            .join(applications, source.c.application_id == applications.c.id))
    order: list[sa.ColumnElement] = []
    if ranked is not None:
        # Dates only break ties in score, so only the hits scoring at least as much as
        # the page's last one need theirs: the others are cut before the sort.
        last = (sa.select(ranked.c.score).order_by(ranked.c.score.desc())
                .limit(1).offset(offset + max(limit, 1) - 1).scalar_subquery())
        page = page.where(ranked.c.score >= sa.func.coalesce(last, 0))
        order.append(ranked.c.score.desc())
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
