"""Number lookup (portal.md §5): a number in any form read into its kinds, and the cases it
names, found through the query language like every other search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.documents import results as searching
from tokkyo.documents.summaries import CaseSummary
from tokkyo.model.numbers import JPNumber, NumberError, parse_number
from tokkyo.search.query import QueryError

#: The most cases one lookup lists.
LIMIT = 50


@dataclass(frozen=True, slots=True)
class NumberLookup:
    """What a number reads as and the cases it names; `number_error` is the reader's
    detail when it cannot be read, `query_error` the message when the search failed."""

    readings: list[JPNumber] = field(default_factory=list)
    cases: list[CaseSummary] = field(default_factory=list)
    number_error: str = ""
    query_error: str = ""


def look_up(conn: sa.Connection, text: str, lang: str, on: dt.date) -> NumberLookup:
    if not text.strip():
        return NumberLookup()
    try:
        readings = parse_number(text)
    except NumberError as exc:
        return NumberLookup(number_error=str(exc))
    if not readings:
        return NumberLookup()
    expression = "+".join(f"{searching.quote(text)}/{f}" for f in ("AN", "PN", "RN"))
    try:
        found = searching.run(conn, expression, law="all", limit=LIMIT, lang=lang, on=on)
    except QueryError as exc:
        return NumberLookup(readings, query_error=exc.message(lang))
    return NumberLookup(readings, found.rows)
