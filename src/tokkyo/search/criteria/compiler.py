"""The compiler of one search: each atom handed to the part that compiles its kind.

`Compiler` is one `Scope` (the search's connection, backend, folds, day and scratch
table) with every part's methods: text and marks (texts.py), classifications and codes
(codes.py), numbers (numbers.py) and dates (dates.py). `combine.py` asks it for each
atom's rows and for the per-case conditions of date and status atoms.
"""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.criteria.codes import CodeCriteria
from tokkyo.search.criteria.dates import DateCriteria
from tokkyo.search.criteria.numbers import NumberCriteria
from tokkyo.search.criteria.texts import TextCriteria
from tokkyo.store.tables import case_summaries


class Compiler(TextCriteria, CodeCriteria, NumberCriteria, DateCriteria):
    """Compiles atoms for one search on one connection."""

    def case_filter(self, atom: q.Atom, case_id: sa.ColumnElement[int]
                    ) -> sa.ColumnElement[bool] | None:
        """A date or status atom as a condition on one case (`case_id`), for AND and
        AND-NOT with another set: each hit of the other side is checked by index seeks
        (the latest publication date through ix_publications_application_id_date, the
        case's stored summary by its key) instead of the atom's whole set being built and
        intersected (a date range holds a tenth of the corpus, a status most of it). None
        for other atoms."""
        value = atom.value
        if atom.field == "ST" and isinstance(value, q.Code):
            return sa.exists().where(case_summaries.c.application_id == case_id,
                                     self.status(value))
        if isinstance(value, q.DateRange):
            return self.date_condition(atom.field, value, case_id)
        return None

    def atom(self, atom: q.Atom) -> sa.Select | sa.CompoundSelect:
        value = atom.value
        if isinstance(value, q.Text):
            return self.text(atom, value)
        if isinstance(value, q.Mark):
            return self.mark(value)
        if isinstance(value, q.Fi):
            return self.fi(value)
        if isinstance(value, q.Ipc):
            return self.ipc(value, "cpc" if atom.field == "CP" else "ipc")
        if isinstance(value, q.FtermSet):
            return self.fterm_set(value)
        if isinstance(value, q.Fterm):
            return self.fterm(value)
        if isinstance(value, q.Theme):
            return self.theme(value)
        if isinstance(value, q.NumberValue):
            return self.number(value)
        if isinstance(value, q.DateRange):
            return self.date(atom.field, value)
        if isinstance(value, q.Code):
            return self.code(atom.field, value)
        raise TypeError(f"no search for {type(value).__name__} values")

