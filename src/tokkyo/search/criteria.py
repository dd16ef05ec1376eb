"""One atom of a query as SQL: a select of the `application_id`s of the cases it matches.

Text atoms go through the bigram index (exact substring semantics, so no verification is
needed); proximity, fold-aware and case-level text (cases loaded from the API mirror,
trademark texts, goods and services) are verified in Python and carried back through the
scratch table. Classification, number, date and code atoms are plain SQL on the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.model.status import japan_day
from tokkyo.search import query as q
from tokkyo.search.index import IndexBackend
from tokkyo.search.normalize import normalise_name, normalise_text
from tokkyo.search.proximity import near
from tokkyo.search.query.ast import normalise_mark
from tokkyo.search.scratch import Scratch
from tokkyo.search.units import FIELD_CODES, FIELDS_BY_CODE, MAX_POSITION, NAME_FIELDS
from tokkyo.search.variants import Folds, expand, fold
from tokkyo.store.repositories import case_summaries as case_summaries_repo
from tokkyo.store.repositories import unit_texts
from tokkyo.store.tables import (
    applications,
    case_summaries,
    classifications,
    dossier_groups,
    goods_services,
    parties,
    publications,
    registrations,
    search_owners,
    trademark_texts,
)

#: The case of each indexed publication (publication_id, application_id), kept with
#: the index (search/indexer.py): read for every matched unit instead of the wide
#: publications row.
OWNERS = search_owners


@dataclass(frozen=True, slots=True)
class TextField:
    units: tuple[str, ...]                 # index unit fields
    case: str = ""                         # case-level source scanned in Python
    roles: tuple[str, ...] = ()            # party roles for case-level names


TEXT_FIELDS = {
    "TX": TextField(("TI", "AB", "CL", "DE"), case="title"),
    "TI": TextField(("TI",), case="title"),
    "AB": TextField(("AB",)),
    "CL": TextField(("CL",)),
    "DE": TextField(("DE",)),
    "AP": TextField(("AP",), case="party", roles=("applicant", "right-holder")),
    "IN": TextField(("IN",), case="party", roles=("inventor",)),
    "AG": TextField(("AG",), case="party", roles=("attorney",)),
    "AR": TextField(("TI",), case="title"),
    "CN": TextField((), case="reading"),
    "GS": TextField((), case="goods"),
}
#: Weight of a matched unit of each field in the relevance score.
WEIGHTS = {"TI": 8, "AB": 4, "CL": 2, "DE": 1, "AP": 3, "IN": 3, "AG": 1}
CODE_SCHEMES = {"DC": ("jp-design",), "DT": ("d-term",), "LC": ("locarno",),
                "NC": ("nice",), "SC": ("similar-group",), "VC": ("vienna",)}
LAW_GROUPS = {"patent": ("patent", "utility"), "utility": ("utility",),
              "design": ("design",), "trademark": ("trademark",)}


# The case-level texts (`Compiler._case_rows`), built once: every text search reads one.
# Only cases with a title of their own (mirror cases) and no publication; the partial
# index ix_applications_titled holds exactly the titled ones.
_TITLED_CASES = (sa.select(applications.c.id, applications.c.title)
                 .where(applications.c.title != "", ~sa.exists().where(
                     publications.c.application_id == applications.c.id)))
_CASE_PARTIES = (sa.select(parties.c.application_id, parties.c.name)
                 .where(parties.c.publication_id.is_(None),
                        parties.c.role.in_(sa.bindparam("roles", expanding=True))))
_READINGS = (sa.select(trademark_texts.c.application_id, trademark_texts.c.text)
             .where(trademark_texts.c.kind == "reading"))
_GOODS = sa.select(goods_services.c.application_id, goods_services.c.names)


@dataclass
class Compiler:
    """Compiles atoms for one search on one connection."""

    connection: sa.Connection
    backend: IndexBackend
    folds: Folds = field(default_factory=Folds)
    on: dt.date | None = None              # the day statuses are read for (ST)
    _scratch: Scratch | None = None

    @property
    def scratch(self) -> Scratch:
        if self._scratch is None:
            self._scratch = Scratch(self.connection)
        return self._scratch

    # -- text -------------------------------------------------------------------------
    def _normalise(self, field_code: str, text: str) -> str:
        return normalise_name(text) if field_code in NAME_FIELDS else normalise_text(text)

    def _unit_keys(self, needle_of: Callable[[str], str], units: Sequence[str]
                   ) -> sa.Select | sa.CompoundSelect:
        """Unit keys (column `unit_key`) of `units` fields containing the term, any spelling.

        Fields whose normalisation gives the same needle share one index lookup (TX looks
        up a term once for its four fields, not once per field)."""
        fields_of: dict[str, list[int]] = {}
        for unit_field in units:
            for spelling in expand(needle_of(unit_field), self.folds):
                if spelling:
                    fields_of.setdefault(spelling, []).append(FIELD_CODES[unit_field])
        selects = []
        for spelling, codes in fields_of.items():
            sub = self.backend.units(spelling)
            field = field_of(sub.c.unit_key)
            selects.append(sa.select(sub.c.unit_key).where(
                field == codes[0] if len(codes) == 1 else field.in_(codes)))
        if not selects:
            return sa.select(sa.literal(-1).label("unit_key")).where(sa.false())
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    def text_units(self, atom: q.Atom) -> sa.Select | None:
        """Matching units of a single-part text atom (columns `unit_key` and
        `application_id`), None for other atoms. A search reads it once per atom: the
        same rows give the atom's hits and its part of the relevance (`combine.py`)."""
        value = atom.value
        spec = TEXT_FIELDS.get(atom.field)
        if spec is None or not isinstance(value, q.Text) or value.gaps or not spec.units:
            return None
        keys = self._unit_keys(lambda f: self._normalise(f, value.parts[0]),
                               spec.units).subquery()
        owner = OWNERS.c.publication_id == publication_of(keys.c.unit_key)
        return (sa.select(keys.c.unit_key, OWNERS.c.application_id)
                .select_from(keys).join(OWNERS, owner))

    def text(self, atom: q.Atom, value: q.Text) -> sa.Select | sa.CompoundSelect:
        spec = TEXT_FIELDS[atom.field]
        parts: list[sa.Select] = []
        if spec.units:
            units = self.text_units(atom)
            if units is not None:
                found = units.subquery()
                parts.append(sa.select(found.c.application_id))
            else:
                parts.append(self.scratch.put(self._proximity(spec.units, value)))
        cases = self.case_matches(atom)
        if cases is not None:
            parts.append(cases)
        if not parts:
            parts.append(self.scratch.put(()))
        return parts[0] if len(parts) == 1 else sa.union(*parts)

    def case_matches(self, atom: q.Atom) -> sa.Select | None:
        """Cases without publications (API mirror) whose own title or names match a text
        atom (column `application_id`); None when there are none, as is usual for a
        gazette corpus, so that they are left out of the SQL."""
        spec = TEXT_FIELDS.get(atom.field)
        if spec is None or not spec.case or not isinstance(atom.value, q.Text):
            return None
        cases = self._case_text(spec, atom.field, atom.value)
        return self.scratch.put(cases) if cases else None

    def _proximity(self, units: Sequence[str], value: q.Text) -> set[int]:
        """Applications with a unit holding every part, linked as the gaps say (verified).

        One index lookup per part for all the fields (the unit key carries the field), one
        read of the candidate texts, one lookup of their cases."""
        gaps = [(g.distance, g.ordered) for g in value.gaps]
        selects = [self._near_keys(units, value)]
        if selects[0] is None:
            # each part as a plain select: SQLite does not nest compound selects (a part
            # with two spellings is a UNION)
            selects = [sa.select(self._unit_keys(lambda f, p=p: self._normalise(f, p), units)
                                 .subquery().c.unit_key) for p in value.parts]
        keys = self.connection.execute(sa.intersect(*selects) if len(selects) > 1
                                       else selects[0]).scalars().all()
        refs = [(k >> 20, FIELDS_BY_CODE[(k >> 16) & 0xF], k & MAX_POSITION) for k in keys]
        texts = unit_texts.texts(self.connection, refs)
        parts = {f: [fold(self._normalise(f, p), self.folds) for p in value.parts]
                 for f in units}
        matched = {ref[0] for ref in refs
                   if near(fold(self._normalise(ref[1], texts.get(ref, "")), self.folds),
                           parts[ref[1]], gaps)}
        if not matched:
            return set()
        return set(self.connection.execute(
            sa.select(OWNERS.c.application_id)
            .where(OWNERS.c.publication_id.in_(sorted(matched)))).scalars())

    def _near_keys(self, units: Sequence[str], value: q.Text
                   ) -> sa.Select | sa.CompoundSelect | None:
        """Candidate units of a proximity atom narrowed by the backend's own proximity
        search, when every field normalises every part to one spelling; None otherwise.

        The backend's candidates hold every text where the parts are linked as the gaps
        say (SQLite: within a window, in either order; PostgreSQL: each link's exact
        distances and order); the candidates' texts are checked in Python all the same.
        Not with the long-vowel fold: the distances are counted on text without its
        word-final ー, which the index holds, so its window could be too narrow."""
        if self.folds.long_vowel:
            return None
        fields_of: dict[tuple[str, ...], list[int]] = {}
        for unit_field in units:
            parts = [expand(self._normalise(unit_field, p), self.folds) for p in value.parts]
            if any(len(spellings) != 1 or not spellings[0] for spellings in parts):
                return None
            fields_of.setdefault(tuple(s[0] for s in parts), []).append(FIELD_CODES[unit_field])
        gaps = [(g.distance, g.ordered) for g in value.gaps]
        selects = []
        for parts, codes in fields_of.items():
            sub = self.backend.near_units(parts, gaps)
            if sub is None:
                return None
            selects.append(sa.select(sub.c.unit_key).where(field_of(sub.c.unit_key).in_(codes)))
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    def _case_rows(self, spec: TextField) -> Iterable[tuple[int, str]]:
        """(application id, text) of the case-level texts a field covers."""
        if spec.case == "title":
            return self.connection.execute(_TITLED_CASES)
        if spec.case == "party":
            return self.connection.execute(_CASE_PARTIES, {"roles": list(spec.roles)})
        if spec.case == "reading":
            return self.connection.execute(_READINGS)
        return self.connection.execute(_GOODS)

    def _case_text(self, spec: TextField, field_code: str, value: q.Text) -> set[int]:
        name_like = field_code in NAME_FIELDS
        norm = normalise_name if name_like else normalise_text
        parts = [fold(norm(p), self.folds) for p in value.parts]
        spellings = [fold(s, self.folds) for s in expand(parts[0], self.folds)]
        gaps = [(g.distance, g.ordered) for g in value.gaps]
        hits = set()
        for app_id, raw in self._case_rows(spec):
            text = fold(norm(raw), self.folds)
            if gaps:
                if near(text, parts, gaps):
                    hits.add(app_id)
            elif any(s in text for s in spellings):
                hits.add(app_id)
        return hits

    # -- marks ----------------------------------------------------------------------------
    def mark(self, value: q.Mark) -> sa.Select:
        pattern = value.regex()
        hits = {app_id for app_id, text in self.connection.execute(
            sa.select(trademark_texts.c.application_id, trademark_texts.c.text)
            .where(trademark_texts.c.kind == "display"))
            if pattern.fullmatch(normalise_mark(text))}
        return self.scratch.put(hits)

    # -- classifications ------------------------------------------------------------------
    def _starts(self, column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
        return starts_with(column, prefix, self.connection.dialect.name)

    def _scheme(self, schemes: Sequence[str], condition: sa.ColumnElement[bool]) -> sa.Select:
        return (sa.select(classifications.c.application_id)
                .where(classifications.c.scheme.in_(schemes), condition))

    def fi(self, value: q.Fi) -> sa.Select:
        code = classifications.c.code
        if value.facet:
            return self._scheme(("fi",), sa.or_(code == value.code,
                                                classifications.c.facet == value.code))
        if value.prefix:
            return self._scheme(("fi",), self._starts(code, value.code))
        return self._scheme(("fi",), sa.or_(
            code == value.code, self._starts(code, value.code + ","),
            self._starts(code, value.code + "@")))

    def ipc(self, value: q.Ipc, scheme: str) -> sa.Select:
        code = classifications.c.code
        if value.prefix:
            return self._scheme((scheme,), self._starts(code, value.code))
        return self._scheme((scheme,), code == value.code)

    def fterm(self, value: q.Fterm) -> sa.Select:
        code = classifications.c.code
        stem = value.theme + value.code
        if value.additional:
            full = len(value.code) == 4
            condition = (code == f"{stem}.{value.additional}" if full else
                         sa.and_(self._starts(code, stem),
                                 ends_with(code, "." + value.additional)))
            return self._scheme(("f-term",), condition)
        return self._scheme(("f-term",), self._starts(code, stem))

    def fterm_set(self, value: q.FtermSet) -> sa.Select:
        """Some one-to-one pairing of the additional codes with the terms is present."""
        stems = [value.theme + t for t in value.terms]
        rows = self.connection.execute(
            sa.select(classifications.c.application_id, classifications.c.code)
            .where(classifications.c.scheme == "f-term",
                   sa.or_(*[self._starts(classifications.c.code, s + ".") for s in stems])))
        found: dict[int, set[str]] = {}
        for app_id, code in rows:
            found.setdefault(app_id, set()).add(code)
        hits = {app_id for app_id, codes in found.items()
                if _pairing(stems, value.additionals, codes)}
        return self.scratch.put(hits)

    def theme(self, value: q.Theme) -> sa.Select:
        code = classifications.c.code
        return self._scheme(("theme", "f-term"), sa.or_(
            sa.and_(classifications.c.scheme == "theme", code == value.code),
            sa.and_(classifications.c.scheme == "f-term",
                    self._starts(code, value.code))))

    def code(self, field_code: str, value: q.Code) -> sa.Select | sa.CompoundSelect:
        def match(column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
            return self._starts(column, value.code) if value.prefix else column == value.code

        if field_code == "KD":
            return sa.select(publications.c.application_id).where(
                sa.or_(match(publications.c.kind), match(publications.c.st16_kind)))
        if field_code == "CC":
            return sa.select(publications.c.application_id).where(match(publications.c.country))
        if field_code == "ST":      # beside AND / AND-NOT it is `case_filter` instead
            return (sa.select(case_summaries.c.application_id)
                    .where(self._status(value)))
        selects = [self._scheme(CODE_SCHEMES[field_code], match(classifications.c.code))]
        if field_code == "DC":
            selects.append(sa.select(applications.c.id.label("application_id"))
                           .where(match(applications.c.design_class)))
        if field_code == "NC":
            selects.append(sa.select(goods_services.c.application_id)
                           .where(match(goods_services.c.nice_class)))
        if field_code == "SC":
            ids = {app_id for app_id, codes in self.connection.execute(
                sa.select(goods_services.c.application_id, goods_services.c.similar_codes)
                .where(goods_services.c.similar_codes != ""))
                if any(match_code(c, value) for c in codes.split())}
            selects.append(self.scratch.put(ids))
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    # -- numbers and dates ----------------------------------------------------------------
    def number(self, value: q.NumberValue) -> sa.Select | sa.CompoundSelect:
        a, p = applications.c, publications.c
        selects: list[sa.Select] = []

        def by_app(condition: sa.ColumnElement[bool]) -> None:
            selects.append(sa.select(a.id.label("application_id")).where(condition))

        def by_pub(kinds: Sequence[str], key: str) -> None:
            selects.append(sa.select(p.application_id).where(p.kind.in_(kinds), p.number == key))

        for kind, key in value.keys:
            if kind == "application":
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

    def _status(self, value: q.Code) -> sa.ColumnElement[bool]:
        return case_summaries_repo.status_condition(value.code, self.on or japan_day(),
                                                    prefix=value.prefix)

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
                                     self._status(value))
        if not isinstance(value, q.DateRange):
            return None
        a = applications.c
        within = _within(value)
        own = sa.exists().where(a.id == case_id)
        if atom.field == "AD":
            return own.where(within(a.filing_date))
        if atom.field == "PD":
            return sa.or_(own.where(within(a.publication_date)), sa.exists().where(
                publications.c.application_id == case_id, within(publications.c.date)))
        return sa.or_(own.where(within(a.registration_date)), sa.exists().where(
            registrations.c.application_id == case_id,
            within(registrations.c.registration_date)))

    # -- dispatch -------------------------------------------------------------------------
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


def _within(value: q.DateRange) -> Callable[[sa.ColumnElement[dt.date]], sa.ColumnElement[bool]]:
    def within(column: sa.ColumnElement[dt.date]) -> sa.ColumnElement[bool]:
        conditions: list[sa.ColumnElement[bool]] = [column.is_not(None)]
        if value.start is not None:
            conditions.append(column >= value.start)
        if value.end is not None:
            conditions.append(column <= value.end)
        return sa.and_(*conditions)

    return within


def field_of(unit_key: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The field code packed into a unit key (search/units.py)."""
    return unit_key.op(">>")(sa.literal_column("16")).op("&")(sa.literal_column("15"))


def publication_of(unit_key: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    return unit_key.op(">>")(sa.literal_column("20"))


def starts_with(column: sa.ColumnElement[str], prefix: str, dialect: str
                ) -> sa.ColumnElement[bool]:
    """`column` starts with `prefix`, as a range an index on the column can use (a LIKE
    cannot: SQLite's LIKE ignores ASCII case, PostgreSQL's needs a pattern index):
    `prefix <= column < upper`, `upper` being `prefix` with its last character one code
    point higher. Compared in code point order: SQLite's BINARY collation, and "C" on
    PostgreSQL (its indexes on codes are built with COLLATE "C", migration 0004)."""
    if dialect == "postgresql":
        column = column.collate("C")
    stem = prefix.rstrip(chr(0x10FFFF))
    if not stem:
        return column >= prefix
    upper = stem[:-1] + chr(ord(stem[-1]) + 1)
    return sa.and_(column >= prefix, column < upper)


def ends_with(column: sa.ColumnElement[str], suffix: str) -> sa.ColumnElement[bool]:
    """`column` ends with `suffix`, compared exactly (case included) like `starts_with`,
    on both databases: its last characters equal the suffix (SQLite's LIKE would ignore
    ASCII case). Meant beside a `starts_with` range, which is what the index reads."""
    if not suffix:
        return sa.true()
    tail = sa.func.substr(column, sa.func.length(column) - (len(suffix) - 1))
    return sa.and_(sa.func.length(column) >= len(suffix), tail == suffix)


def match_code(code: str, value: q.Code) -> bool:
    return code.startswith(value.code) if value.prefix else code == value.code


def _pairing(stems: Sequence[str], additionals: Sequence[str], codes: set[str]) -> bool:
    """A one-to-one pairing of terms with the listed additional codes, over the codes
    present (bipartite matching; a code listed twice can pair twice)."""
    slots = list(enumerate(additionals))
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for slot, a in slots:
            if slot in seen or f"{stems[i]}.{a}" not in codes:
                continue
            seen.add(slot)
            if slot not in owner or assign(owner[slot], seen):
                owner[slot] = i
                return True
        return False

    return all(assign(i, set()) for i in range(len(stems)))

