"""Number lookup (portal.md §5): a number in any form read into its kinds, and the cases it
names, found through the query language like every other search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.documents import results as searching
from tokkyo.documents.summaries import CaseSummary
from tokkyo.model.foreign_numbers import ForeignNumber, is_foreign, parse_foreign
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
    foreign: list[ForeignNumber] = field(default_factory=list)


def look_up(conn: sa.Connection, text: str, lang: str, on: dt.date) -> NumberLookup:
    """The cases a number names: JP numbers in every form (portal.md §5) and other
    offices' publication numbers (EP1234567B1, US 6,336,130 B1, WO2022/259205, DOCDB
    EP.1234567.B1 ...); a WO number reads both ways (a JP national phase's international
    publication, and the WO document itself)."""
    if not text.strip():
        return NumberLookup()
    foreign: list[ForeignNumber] = []
    problem = ""
    if is_foreign(text):
        try:
            foreign = [parse_foreign(text)]
        except NumberError as exc:
            problem = str(exc)
    try:
        readings = parse_number(text)
    except NumberError as exc:
        readings = []
        problem = problem or str(exc)
    if not readings and not foreign:
        return NumberLookup(number_error=problem)
    fields = ("AN", "PN", "RN") if readings else ("PN",)
    expression = "+".join(f"{searching.quote(text)}/{f}" for f in fields)
    try:
        found = searching.run(conn, expression, law="all", limit=LIMIT, lang=lang, on=on)
    except QueryError as exc:
        return NumberLookup(readings, query_error=exc.message(lang), foreign=foreign)
    return NumberLookup(readings, found.rows, foreign=foreign)
