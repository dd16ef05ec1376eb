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

from tokkyo.search import query as q
from tokkyo.search.index import IndexBackend
from tokkyo.search.normalize import normalise_name, normalise_text
from tokkyo.search.proximity import near
from tokkyo.search.query.ast import normalise_mark
from tokkyo.search.scratch import Scratch
from tokkyo.search.units import FIELD_CODES, NAME_FIELDS
from tokkyo.search.variants import Folds, expand, fold
from tokkyo.store.repositories import unit_texts
from tokkyo.store.tables import (
    applications,
    classifications,
    dossier_groups,
    goods_services,
    parties,
    publications,
    registrations,
    trademark_texts,
)


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


@dataclass
class Compiler:
    """Compiles atoms for one search on one connection."""

    connection: sa.Connection
    backend: IndexBackend
    folds: Folds = field(default_factory=Folds)
    status_of: Callable[[Iterable[int]], dict[int, str]] | None = None
    _scratch: Scratch | None = None

    @property
    def scratch(self) -> Scratch:
        if self._scratch is None:
            self._scratch = Scratch(self.connection)
        return self._scratch

    # -- text -------------------------------------------------------------------------
    def _normalise(self, field_code: str, text: str) -> str:
        return normalise_name(text) if field_code in NAME_FIELDS else normalise_text(text)

    def _unit_keys(self, needle_of: Callable[[str], str], units: Sequence[str]) -> sa.Select:
        """Unit keys (column `unit_key`) of `units` fields containing the term, any spelling."""
        selects = []
        for unit_field in units:
            for spelling in expand(needle_of(unit_field), self.folds):
                if not spelling:
                    continue
                sub = self.backend.units(spelling)
                selects.append(sa.select(sub.c.unit_key).where(
                    field_of(sub.c.unit_key) == FIELD_CODES[unit_field]))
        if not selects:
            return sa.select(sa.literal(-1).label("unit_key")).where(sa.false())
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    def text_units(self, atom: q.Atom) -> sa.Select | None:
        """Matching unit keys of a single-part text atom (None for other atoms)."""
        value = atom.value
        spec = TEXT_FIELDS.get(atom.field)
        if spec is None or not isinstance(value, q.Text) or value.gaps or not spec.units:
            return None
        return self._unit_keys(lambda f: self._normalise(f, value.parts[0]), spec.units)

    def text(self, atom: q.Atom, value: q.Text) -> sa.Select:
        spec = TEXT_FIELDS[atom.field]
        parts: list[sa.Select] = []
        if spec.units:
            if not value.gaps:
                keys = self._unit_keys(lambda f: self._normalise(f, value.parts[0]),
                                       spec.units).subquery()
                parts.append(sa.select(publications.c.application_id).where(
                    publications.c.id.in_(sa.select(publication_of(keys.c.unit_key)))))
            else:
                parts.append(self.scratch.put(self._proximity(spec.units, value)))
        if spec.case:
            parts.append(self.scratch.put(self._case_text(spec, atom.field, value)))
        return parts[0] if len(parts) == 1 else sa.union(*parts)

    def _proximity(self, units: Sequence[str], value: q.Text) -> set[int]:
        """Applications with a unit holding every part, linked as the gaps say (verified)."""
        gaps = [(g.distance, g.ordered) for g in value.gaps]
        hits: set[int] = set()
        for unit_field in units:
            selects = [self._unit_keys(lambda f, p=p: self._normalise(f, p), (unit_field,))
                       for p in value.parts]
            keys = self.connection.execute(sa.intersect(*selects) if len(selects) > 1
                                           else selects[0]).scalars().all()
            refs = [(k >> 20, unit_field, k & 0xFFFF) for k in keys]
            texts = unit_texts.texts(self.connection, refs)
            parts = [fold(self._normalise(unit_field, p), self.folds) for p in value.parts]
            matched = {ref[0] for ref in refs
                       if near(fold(self._normalise(unit_field, texts.get(ref, "")), self.folds),
                               parts, gaps)}
            if matched:
                hits |= set(self.connection.execute(
                    sa.select(publications.c.application_id)
                    .where(publications.c.id.in_(sorted(matched)))).scalars())
        return hits

    def _case_rows(self, spec: TextField) -> Iterable[tuple[int, str]]:
        """(application id, text) of the case-level texts a field covers."""
        if spec.case == "title":
            has_pub = sa.exists().where(publications.c.application_id == applications.c.id)
            return self.connection.execute(
                sa.select(applications.c.id, applications.c.title)
                .where(applications.c.title != "", ~has_pub))
        if spec.case == "party":
            return self.connection.execute(
                sa.select(parties.c.application_id, parties.c.name)
                .where(parties.c.publication_id.is_(None),
                       parties.c.role.in_(spec.roles)))
        if spec.case == "reading":
            return self.connection.execute(
                sa.select(trademark_texts.c.application_id, trademark_texts.c.text)
                .where(trademark_texts.c.kind == "reading"))
        return self.connection.execute(
            sa.select(goods_services.c.application_id, goods_services.c.names))

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
    def _scheme(self, schemes: Sequence[str], condition: sa.ColumnElement[bool]) -> sa.Select:
        return (sa.select(classifications.c.application_id)
                .where(classifications.c.scheme.in_(schemes), condition))

    def fi(self, value: q.Fi) -> sa.Select:
        code = classifications.c.code
        if value.facet:
            return self._scheme(("fi",), sa.or_(code == value.code,
                                                classifications.c.facet == value.code))
        if value.prefix:
            return self._scheme(("fi",), code.startswith(value.code, autoescape=True))
        return self._scheme(("fi",), sa.or_(
            code == value.code, code.startswith(value.code + ",", autoescape=True),
            code.startswith(value.code + "@", autoescape=True)))

    def ipc(self, value: q.Ipc, scheme: str) -> sa.Select:
        code = classifications.c.code
        if value.prefix:
            return self._scheme((scheme,), code.startswith(value.code, autoescape=True))
        return self._scheme((scheme,), code == value.code)

    def fterm(self, value: q.Fterm) -> sa.Select:
        code = classifications.c.code
        stem = value.theme + value.code
        if value.additional:
            full = len(value.code) == 4
            condition = (code == f"{stem}.{value.additional}" if full else
                         sa.and_(code.startswith(stem, autoescape=True),
                                 code.endswith("." + value.additional, autoescape=True)))
            return self._scheme(("f-term",), condition)
        return self._scheme(("f-term",), code.startswith(stem, autoescape=True))

    def fterm_set(self, value: q.FtermSet) -> sa.Select:
        """Some one-to-one pairing of the additional codes with the terms is present."""
        stems = [value.theme + t for t in value.terms]
        rows = self.connection.execute(
            sa.select(classifications.c.application_id, classifications.c.code)
            .where(classifications.c.scheme == "f-term",
                   sa.or_(*[classifications.c.code.startswith(s + ".", autoescape=True)
                            for s in stems])))
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
                    code.startswith(value.code, autoescape=True))))

    def code(self, field_code: str, value: q.Code) -> sa.Select:
        def match(column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
            return (column.startswith(value.code, autoescape=True) if value.prefix
                    else column == value.code)

        if field_code == "KD":
            return sa.select(publications.c.application_id).where(
                sa.or_(match(publications.c.kind), match(publications.c.st16_kind)))
        if field_code == "CC":
            return sa.select(publications.c.application_id).where(match(publications.c.country))
        if field_code == "ST":
            if self.status_of is None:
                raise ValueError("status search needs a status reader")
            ids = self.connection.execute(sa.select(applications.c.id)).scalars().all()
            statuses = self.status_of(ids)
            return self.scratch.put(i for i, s in statuses.items()
                                    if (s.startswith(value.code) if value.prefix
                                        else s == value.code))
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
    def number(self, value: q.NumberValue) -> sa.Select:
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
            elif kind == "international-registration":
                by_app(a.international_registration_number == key)
            elif kind == "appeal":
                selects.append(sa.select(dossier_groups.c.application_id)
                               .where(dossier_groups.c.number == key))
        if not selects:
            return sa.select(a.id.label("application_id")).where(sa.false())
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    def date(self, field_code: str, value: q.DateRange) -> sa.Select:
        def within(column: sa.ColumnElement[dt.date]) -> sa.ColumnElement[bool]:
            conditions = [column.is_not(None)]
            if value.start is not None:
                conditions.append(column >= value.start)
            if value.end is not None:
                conditions.append(column <= value.end)
            return sa.and_(*conditions)

        a = applications.c
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

    # -- dispatch -------------------------------------------------------------------------
    def atom(self, atom: q.Atom) -> sa.Select:
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


def field_of(unit_key: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The field code packed into a unit key (search/units.py)."""
    return unit_key.op(">>")(sa.literal_column("16")).op("&")(sa.literal_column("15"))


def publication_of(unit_key: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    return unit_key.op(">>")(sa.literal_column("20"))


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

