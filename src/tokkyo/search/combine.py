"""A query's hit set and relevance in one grouping over the rows its atoms match.

Every atom gives rows (case id, atom number, weight): a text atom one row per matched unit,
weighted by the unit's field (a title hit counts more than a paragraph hit) when the atom
counts towards relevance, any other atom one row per matching record, weighted 0. One
GROUP BY case id over all the rows gives, per case, the sum of the weights (the score) and,
per atom, whether the case matched it; the query's AND / OR / AND-NOT is then a condition
on those flags. So each matched unit is looked up once, fed to one sort, and the hit set,
its exact count and every hit's score come out of that one pass, where combining the
atoms' sets with INTERSECT / UNION / EXCEPT and scoring them apart built a temporary
B-tree per set operation and sorted the units again for the score.

A date or status atom beside AND / AND-NOT is a per-case condition on the other side's
hits instead of a set of its own (a date range holds a tenth of the corpus, a status most
of it); that needs every hit to have a row from some other atom, which `_needs_rows`
checks, else they give rows too.
A case is a hit only if it has a row: no formula over AND, OR and AND-NOT is true when
every atom is false, so nothing is lost by grouping only the rows there are.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.criteria import Compiler
from tokkyo.search.units import FIELD_CODES, field_of
from tokkyo.store.tables import applications

#: Weight of a matched unit of each field in the relevance score.
WEIGHTS = {"TI": 8, "AB": 4, "CL": 2, "DE": 1, "AP": 3, "IN": 3, "AG": 1}
#: The laws a law filter keeps (the patent screen searches utility models too).
LAW_GROUPS = {"patent": ("patent", "utility"), "utility": ("utility",),
              "design": ("design",), "trademark": ("trademark",)}


def positive_atoms(tree: q.Node) -> list[q.Atom]:
    """Atoms that count towards relevance: not on the right of an AND-NOT."""
    if isinstance(tree, q.Atom):
        return [tree]
    if isinstance(tree, q.AndNot):
        return positive_atoms(tree.left)
    return positive_atoms(tree.left) + positive_atoms(tree.right)


def _is_filter(atom: q.Atom) -> bool:
    """Date and status atoms: beside AND / AND-NOT, conditions on the other side's hits."""
    return isinstance(atom.value, q.DateRange) or atom.field == "ST"


def _needs_rows(tree: q.Node, filters: frozenset[q.Atom]) -> bool:
    """Whether every case the tree matches has a row from an atom not in `filters`."""
    if isinstance(tree, q.Atom):
        return tree not in filters
    if isinstance(tree, q.And):
        return _needs_rows(tree.left, filters) or _needs_rows(tree.right, filters)
    if isinstance(tree, q.Or):
        return _needs_rows(tree.left, filters) and _needs_rows(tree.right, filters)
    return _needs_rows(tree.left, filters)


def _weight(unit_key: sa.ColumnElement[int], times: int) -> sa.ColumnElement[int]:
    """The weight of a matched unit, by the field packed in its key (computed once)."""
    return sa.case({code: WEIGHTS[name] * times for name, code in FIELD_CODES.items()},
                   value=field_of(unit_key), else_=times)


def _rows(compiler: Compiler, atom: q.Atom, number: int, times: int) -> list[sa.Select]:
    """The rows (application_id, atom, weight) of one atom."""
    units = compiler.text_units(atom)
    if units is None:
        sub = compiler.atom(atom).subquery()
        return [sa.select(sub.c[0].label("application_id"), sa.literal(number).label("atom"),
                          sa.literal(0).label("weight"))]
    found = units.subquery()
    weight = _weight(found.c.unit_key, times) if times else sa.literal(0)
    rows = [sa.select(found.c.application_id, sa.literal(number).label("atom"),
                      weight.label("weight"))]
    cases = compiler.case_matches(atom)
    if cases is not None:
        sub = cases.subquery()
        rows.append(sa.select(sub.c.application_id, sa.literal(number).label("atom"),
                              sa.literal(0).label("weight")))
    return rows


def hits(compiler: Compiler, tree: q.Node, law: str = "all") -> sa.Select:
    """The cases the tree matches, with their relevance: columns `application_id` and
    `score`, one row per case."""
    atoms = list(dict.fromkeys(q.atoms(tree)))
    conditions = frozenset(a for a in atoms if _is_filter(a))
    filters = conditions if conditions and _needs_rows(tree, conditions) else frozenset()
    numbers = {atom: n for n, atom in enumerate((a for a in atoms if a not in filters), 1)}
    times = Counter(positive_atoms(tree))
    selects = [row for atom, n in numbers.items()
               for row in _rows(compiler, atom, n, times[atom])]
    rows = (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery("rows")
    flags = [sa.func.max(sa.case((rows.c.atom == n, 1), else_=0)).label(f"f{n}")
             for n in numbers.values()] if len(numbers) > 1 else []
    grouped = (sa.select(rows.c.application_id, sa.func.sum(rows.c.weight).label("score"),
                         *flags)
               .group_by(rows.c.application_id).subquery("grouped"))
    case_id = grouped.c.application_id

    def holds(node: q.Node) -> sa.ColumnElement[bool]:
        if isinstance(node, q.Atom):
            if node in filters:
                condition = compiler.case_filter(node, case_id)
                assert condition is not None
                return condition
            return grouped.c[f"f{numbers[node]}"] == 1 if flags else sa.true()
        if isinstance(node, q.And):
            return sa.and_(holds(node.left), holds(node.right))
        if isinstance(node, q.Or):
            return sa.or_(holds(node.left), holds(node.right))
        return sa.and_(holds(node.left), sa.not_(holds(node.right)))

    select = sa.select(case_id.label("application_id"), grouped.c.score)
    condition = holds(tree)
    if not isinstance(condition, sa.sql.elements.True_):
        select = select.where(condition)
    if law != "all":
        found = select.subquery("found")
        select = (sa.select(found.c.application_id, found.c.score)
                  .join(applications, applications.c.id == found.c.application_id)
                  .where(applications.c.law.in_(LAW_GROUPS[law])))
    return select

