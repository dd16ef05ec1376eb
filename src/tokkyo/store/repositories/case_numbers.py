"""Finding a case by one of its numbers: the application, publication, registration,
international application or international publication number the API is asked with."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.model.laws import Law
from tokkyo.store.tables import applications

_a = applications.c
#: The number columns a case can be looked up by, named as the API names them.
NUMBER_COLUMNS: dict[str, sa.Column[str]] = {
    "application": _a.application_number,
    "publication": _a.ad_publication_number,
    "registration": _a.registration_number,
    "international_application": _a.international_application_number,
    "international_publication": _a.international_publication_number,
}


def application_number(conn: sa.Connection, law: Law, by: str, number: str, *,
                       oldest: bool = False) -> str | None:
    """The application number of a case of `law` whose `by` number is `number`; with
    `oldest`, of the first stored such case (a publication number may name more than one
    case: case_number_reference answers with the first)."""
    stmt = sa.select(_a.application_number).where(_a.law == law.value,
                                                  NUMBER_COLUMNS[by] == number)
    if oldest:
        stmt = stmt.order_by(_a.id)
    return conn.execute(stmt.limit(1)).scalar_one_or_none()
