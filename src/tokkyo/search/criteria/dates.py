"""Date atoms as SQL: filing, publication and registration dates within a range, as the
set of cases that have one, or as a condition on one case (beside AND and AND-NOT).

A case's date is its own (API mirror cases) or that of any of its publications or
registrations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.criteria.scope import Scope
from tokkyo.store.tables import applications, publications, registrations


class DateCriteria(Scope):
    """The compiler's part for date atoms."""

    def date(self, field_code: str, value: q.DateRange) -> sa.Select | sa.CompoundSelect:
        a = applications.c
        within = _within(value)
        if field_code == "AD":
            return sa.select(a.id.label("application_id")).where(within(a.filing_date))
        if field_code == "PD":
            return sa.union(
                sa.select(a.id.label("application_id")).where(within(a.publication_date)),
                sa.select(publications.c.application_id).where(within(publications.c.date)))
        return sa.union(
            sa.select(a.id.label("application_id")).where(within(a.registration_date)),
            sa.select(registrations.c.application_id)
            .where(within(registrations.c.registration_date)))

    def date_condition(self, field_code: str, value: q.DateRange,
                       case_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
        """A date atom as a condition on one case (`case_id`): its own date or one of
        its publications' or registrations', found by index seeks."""
        a = applications.c
        within = _within(value)
        own = sa.exists().where(a.id == case_id)
        if field_code == "AD":
            return own.where(within(a.filing_date))
        if field_code == "PD":
            return sa.or_(own.where(within(a.publication_date)), sa.exists().where(
                publications.c.application_id == case_id, within(publications.c.date)))
        return sa.or_(own.where(within(a.registration_date)), sa.exists().where(
            registrations.c.application_id == case_id,
            within(registrations.c.registration_date)))


def _within(value: q.DateRange) -> Callable[[sa.ColumnElement[dt.date]], sa.ColumnElement[bool]]:
    def within(column: sa.ColumnElement[dt.date]) -> sa.ColumnElement[bool]:
        conditions: list[sa.ColumnElement[bool]] = [column.is_not(None)]
        if value.start is not None:
            conditions.append(column >= value.start)
        if value.end is not None:
            conditions.append(column <= value.end)
        return sa.and_(*conditions)

    return within

