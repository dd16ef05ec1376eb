"""A parsed query as one tantivy query over case documents: the AST every surface
parses, with the hits the recorded oracle holds (tests/search/oracle_samples.json).

AND, OR and AND-NOT are boolean queries over whole cases (a hit is a case). Text atoms
score (BM25 with tokkyo's field weights, search/semantics.py);
every other atom is a filter scoring nothing, and so is the right side of an AND-NOT.
"""

from __future__ import annotations

import datetime as dt
import itertools

import tantivy

from tokkyo.model.status import Status
from tokkyo.search import query as q
from tokkyo.search.backends.tantivy.schema import STATUS_DATES, date_field, day
from tokkyo.search.backends.tantivy.texts import TextQueries, any_of, rust_escape
from tokkyo.search.documents import foreign_query_terms
from tokkyo.search.query.ast import normalise_mark
from tokkyo.search.semantics import CODE_SCHEMES, LAW_GROUPS

Occur = tantivy.Occur
Query = tantivy.Query

#: Pairings of an F-term set tried as boolean clauses before the set is refused.
MAX_PAIRINGS = 720
#: The document's code field of each code atom's field (KD, CC, DC ...).
_CODE_FIELD = {"KD": "kind", "CC": "country", **{code: code.lower() for code in CODE_SCHEMES}}


#: Compiled regular-expression queries kept per cache (`Regexes`) before it starts over.
MAX_REGEXES = 4096


class Regexes:
    """Regular-expression queries by (field, pattern), compiled once: tantivy builds an
    automaton for each (0.2 ms, more than searching 100 k documents for a code prefix),
    and a query object can be run any number of times. One per index (its schema)."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema
        self._made: dict[tuple[str, str], Query] = {}

    def query(self, name: str, pattern: str) -> Query:
        made = self._made.get((name, pattern))
        if made is None:
            if len(self._made) >= MAX_REGEXES:
                self._made.clear()
            made = self._made[(name, pattern)] = Query.regex_query(self.schema, name, pattern)
        return made


class Compiler:
    def __init__(self, schema: tantivy.Schema, texts: TextQueries, on: dt.date,
                 regexes: Regexes | None = None) -> None:
        self.schema = schema
        self.texts = texts
        self.on = on
        self.regexes = regexes or Regexes(schema)

    def tree(self, node: q.Node) -> Query:
        if isinstance(node, q.Atom):
            return self.atom(node)
        left, right = self.tree(node.left), self.tree(node.right)
        if isinstance(node, q.And):
            return Query.boolean_query([(Occur.Must, left), (Occur.Must, right)])
        if isinstance(node, q.Or):
            return Query.boolean_query([(Occur.Should, left), (Occur.Should, right)])
        return Query.boolean_query([(Occur.Must, left), (Occur.MustNot, right)])

    def with_law(self, query: Query, law: str) -> Query:
        if law == "all":
            return query
        laws = Query.term_set_query(self.schema, "law", list(LAW_GROUPS[law]))
        return Query.boolean_query([(Occur.Must, query), (Occur.Must, _filter(laws))])

    def atom(self, atom: q.Atom) -> Query:
        value = atom.value
        if isinstance(value, q.Text):
            return self.texts.atom(atom.field, value)
        return _filter(self._filter_atom(atom))

    def _filter_atom(self, atom: q.Atom) -> Query:
        value = atom.value
        if isinstance(value, q.Mark):
            pattern = ".*".join(rust_escape(normalise_mark(p)) for p in value.pieces)
            return self.regexes.query("mark", "(?s)" + pattern)
        if isinstance(value, q.Fi):
            return self._fi(value)
        if isinstance(value, q.Ipc):
            name = "cpc" if atom.field == "CP" else "ipc"
            return self._code(name, value.code, value.prefix)
        if isinstance(value, q.FtermSet):
            return self._fterm_set(value)
        if isinstance(value, q.Fterm):
            return self._fterm(value)
        if isinstance(value, q.Theme):
            return any_of([self._term("theme", value.code),
                           self._prefix("fterm", value.code)])
        if isinstance(value, q.NumberValue):
            return self._numbers(value)
        if isinstance(value, q.DateRange):
            return self._dates(atom.field, value)
        if isinstance(value, q.Code):
            if atom.field == "ST":
                return self._status(value)
            return self._code(_CODE_FIELD[atom.field], value.code, value.prefix)
        raise TypeError(f"no search for {type(value).__name__} values")

    # --- codes ----------------------------------------------------------------------

    def _term(self, name: str, value: str) -> Query:
        return Query.term_query(self.schema, name, value)

    def _prefix(self, name: str, prefix: str) -> Query:
        return self.regexes.query(name, rust_escape(prefix) + "(?s:.*)")

    def _code(self, name: str, code: str, prefix: bool) -> Query:
        return self._prefix(name, code) if prefix else self._term(name, code)

    def _fi(self, value: q.Fi) -> Query:
        if value.facet:
            return any_of([self._term("fi", value.code), self._term("fi_facet", value.code)])
        if value.prefix:
            return self._prefix("fi", value.code)
        return self.regexes.query("fi", rust_escape(value.code) + "(?s:[,@].*)?")

    def _fterm(self, value: q.Fterm) -> Query:
        stem = value.theme + value.code
        if not value.additional:
            return self._prefix("fterm", stem)
        if len(value.code) == 4:
            return self._term("fterm", f"{stem}.{value.additional}")
        return self.regexes.query("fterm", rust_escape(stem) + "(?s:.*)"
                                  + rust_escape("." + value.additional))

    def _fterm_set(self, value: q.FtermSet) -> Query:
        """Some one-to-one pairing of the additional codes with the terms is present
        (search/semantics.py `pairing`): every injective assignment, each an AND."""
        stems = [value.theme + t for t in value.terms]
        pairings = []
        for slots in itertools.permutations(range(len(value.additionals)), len(stems)):
            pairings.append(tuple(f"{stem}.{value.additionals[s]}"
                                  for stem, s in zip(stems, slots, strict=True)))
            if len(pairings) > MAX_PAIRINGS:
                raise ValueError("an F-term set with this many terms cannot be searched")
        clauses = [Query.boolean_query([(Occur.Must, self._term("fterm", c))
                                        for c in dict.fromkeys(pairing)])
                   for pairing in dict.fromkeys(pairings)]
        return any_of(clauses)

    def _numbers(self, value: q.NumberValue) -> Query:
        terms: list[str] = []
        for kind, key in value.keys:
            if kind == "foreign":
                terms += foreign_query_terms(key)
            elif kind == "republication":
                terms.append(f"international-publication:WO{key}")
            else:
                terms.append(f"{kind}:{key}")
        return Query.term_set_query(self.schema, "numbers", list(dict.fromkeys(terms)))

    # --- dates and status -----------------------------------------------------------

    def _range(self, name: str, low: int | None, high: int | None, *,
               include_low: bool = True, include_high: bool = True) -> Query:
        if low is None and high is None:
            low = 0
        return Query.range_query(self.schema, name, tantivy.FieldType.Unsigned, low, high,
                                 include_low if low is not None else True,
                                 include_high if high is not None else True)

    def _dates(self, field_code: str, value: q.DateRange) -> Query:
        return self._range(date_field(field_code),
                           day(value.start) if value.start else None,
                           day(value.end) if value.end else None)

    def _status(self, value: q.Code) -> Query:
        wanted = [s for s in Status
                  if (s.value.startswith(value.code) if value.prefix else s.value == value.code)]
        return any_of([_Statuses(self, day(self.on)).of(s) for s in wanted])


class _Statuses:
    """Rules 1–6 of portal.md §10 over the document's status facts, as
    store/repositories/case_summaries.py `status_condition` states them in SQL."""

    def __init__(self, compiler: Compiler, on: int) -> None:
        self.c = compiler
        self.on = on

    def flag(self, name: str) -> Query:
        return self.c._term("status", name)

    def all(self, *must: Query, none: tuple[Query, ...] = ()) -> Query:
        return Query.boolean_query([(Occur.Must, x) for x in must]
                                   + [(Occur.MustNot, x) for x in none])

    def date(self, name: str, *, below: bool, inclusive: bool) -> Query:
        """The fact's date before (`below`) or after the day, or on it if `inclusive`."""
        field = STATUS_DATES[name]
        if below:
            return self.c._range(field, None, self.on, include_high=inclusive)
        return self.c._range(field, self.on, None, include_low=inclusive)

    def absent_or_after(self, name: str, *, inclusive: bool) -> Query:
        return any_of([self.all(self.flag("summary"), none=(self.flag(name),)),
                       self.date(name, below=False, inclusive=inclusive)])

    def registered(self) -> Query:
        return self.all(self.flag("known"), self.flag("registered"))

    def standing(self) -> Query:
        return self.all(self.registered(),
                        self.absent_or_after("disappearance", inclusive=False),
                        self.absent_or_after("expire", inclusive=True))

    def overdue(self) -> Query:
        return self.date("annuity", below=True, inclusive=False)

    def of(self, status: Status) -> Query:
        known, flag = self.flag("known"), self.flag
        unregistered = (flag("registered"),)
        if status is Status.UNKNOWN:
            return self.all(flag("summary"), none=(known,))
        if status is Status.REFUSED:
            return self.all(known, flag("refused"), none=unregistered)
        if status is Status.WITHDRAWN:
            return self.all(known, flag("withdrawn"), none=(*unregistered, flag("refused")))
        if status is Status.PENDING:
            return self.all(known, none=(*unregistered, flag("refused"), flag("withdrawn")))
        if status is Status.CEASED:
            return self.all(self.registered(),
                            self.date("disappearance", below=True, inclusive=True))
        if status is Status.EXPIRED:
            return self.all(self.registered(),
                            self.absent_or_after("disappearance", inclusive=False),
                            self.date("expire", below=True, inclusive=False))
        if status is Status.GRACE:
            return self.all(self.standing(), self.overdue(),
                            self.date("grace", below=False, inclusive=True))
        if status is Status.LAPSE_PRESUMED:
            return self.all(self.standing(), self.overdue(),
                            self.date("grace", below=True, inclusive=False))
        return self.all(self.standing(), none=(self.overdue(),))


def _filter(query: Query) -> Query:
    """A query that selects without scoring."""
    return Query.const_score_query(query, 0.0)
