"""Number atoms as SQL: the cases an application, publication, registration,
international or appeal number names, in every form the query language reads
(search/query/values.py), as plain SQL on the tables."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.criteria.scope import Scope
from tokkyo.store.tables import applications, dossier_groups, publications


class NumberCriteria(Scope):
    """The compiler's part for number atoms."""

    def number(self, value: q.NumberValue) -> sa.Select | sa.CompoundSelect:
        a, p = applications.c, publications.c
        selects: list[sa.Select] = []

        def by_app(condition: sa.ColumnElement[bool]) -> None:
            selects.append(sa.select(a.id.label("application_id"))
                           .where(a.country == "JP", condition))

        def by_pub(kinds: Sequence[str], key: str) -> None:
            selects.append(sa.select(p.application_id).where(
                p.country == "JP", p.kind.in_(kinds), p.number == key))

        for kind, key in value.keys:
            if kind == "foreign":
                selects.append(self._foreign(key))
            elif kind == "application":
                by_app(a.application_number == key)
            elif kind == "publication":
                by_app(a.ad_publication_number == key)
                by_pub(("A", "U"), key)
            elif kind == "national-publication":
                by_app(a.ad_national_publication_number == key)
                by_pub(("T",), key)
            elif kind == "examined":
                by_pub(("B", "Y"), key)
            elif kind == "registration":
                by_app(a.registration_number == key)
                selects.append(sa.select(publications.c.application_id)
                               .where(p.registration_number == key))
            elif kind == "international-application":
                by_app(a.international_application_number == key)
            elif kind == "international-publication":
                by_app(a.international_publication_number == key)
            elif kind == "republication":
                # 再表 / JPWO 2019/123456 republished WO 2019/123456: the national phase
                # case is the one with that international publication (portal.md §5)
                by_app(a.international_publication_number == "WO" + key)
            elif kind == "international-registration":
                by_app(a.international_registration_number == key)
            elif kind == "appeal":
                selects.append(sa.select(dossier_groups.c.application_id)
                               .where(dossier_groups.c.number == key))
        if not selects:
            return sa.select(a.id.label("application_id")).where(sa.false())
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    def _foreign(self, key: str) -> sa.Select:
        """A foreign publication by `country:number:kind` (values.py). A kind written with
        its letter only (`B`) matches every kind of that letter (B1, B2), and a stored
        one-letter kind matches a written `S1` (USPTO's SGML designs say `S`)."""
        p = publications.c
        country, number, kind = key.split(":", 2)
        where = [p.country == country, p.number == number]
        if kind:
            where.append(sa.or_(p.kind == kind, p.kind == kind[0],
                                p.kind.like(kind + "_") if len(kind) == 1 else sa.false()))
        return sa.select(p.application_id).where(*where)

