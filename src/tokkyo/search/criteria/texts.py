"""Text atoms as SQL: words and phrases in the indexed text units, proximity, the
case-level texts of cases without publications, and trademark marks.

Text atoms go through the bigram index (exact substring semantics, so no verification is
needed); proximity, fold-aware and case-level text (cases loaded from the API mirror,
trademark texts, goods and services) are verified in Python and carried back through the
scratch table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.model.text_fields import NAME_FIELDS, roles_of
from tokkyo.search import query as q
from tokkyo.search.criteria.scope import Scope
from tokkyo.search.normalize import normalise_name, normalise_text
from tokkyo.search.proximity import near
from tokkyo.search.query.ast import normalise_mark
from tokkyo.search.units import FIELD_CODES, FIELDS_BY_CODE, MAX_POSITION, field_of, publication_of
from tokkyo.search.variants import expand, fold
from tokkyo.store.repositories import unit_texts
from tokkyo.store.tables import (
    applications,
    goods_services,
    parties,
    publications,
    search_owners,
    trademark_texts,
)

#: The case of each indexed publication (publication_id, application_id), kept with
#: the index (search/indexer.py): read for every matched unit instead of the wide
#: publications row.
OWNERS = search_owners


@dataclass(frozen=True, slots=True)
class FieldTexts:
    """What a text field of the query language searches."""

    units: tuple[str, ...]                 # index unit fields (query/fields.py)
    case: str = ""                         # case-level source scanned in Python
    roles: tuple[str, ...] = ()            # party roles for case-level names


#: The case-level text each text field also scans: the own title and party names of
#: cases without publications (API mirror), a trademark's readings and its goods.
CASE_TEXTS = {"TX": "title", "TI": "title", "AR": "title", "AP": "party", "IN": "party",
              "AG": "party", "CN": "reading", "GS": "goods"}
TEXT_FIELDS = {code: FieldTexts(f.units, CASE_TEXTS.get(code, ""), roles_of(f.units))
               for code, f in q.FIELDS.items() if f.type == "text"}


# The case-level texts (`TextCriteria._case_rows`), built once: every text search reads one.
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


class TextCriteria(Scope):
    """The compiler's part for text and mark atoms."""

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

    def text_units(self, atom: q.Atom) -> sa.Select | sa.CompoundSelect | None:
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
        parts: list[sa.Select | sa.CompoundSelect] = []
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

    def case_matches(self, atom: q.Atom) -> sa.Select | sa.CompoundSelect | None:
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
        narrowed = self._near_keys(units, value)
        selects: list[sa.Select | sa.CompoundSelect] = [narrowed] if narrowed is not None else [
            # each part as a plain select: SQLite does not nest compound selects (a part
            # with two spellings is a UNION)
            sa.select(self._unit_keys(self._normaliser(p), units).subquery().c.unit_key)
            for p in value.parts]
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

    def _normaliser(self, part: str) -> Callable[[str], str]:
        """`part` as each field normalises its text (a field code in, the needle out)."""
        return lambda field_code: self._normalise(field_code, part)

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
        for spelled, codes in fields_of.items():
            sub = self.backend.near_units(spelled, gaps)
            if sub is None:
                return None
            selects.append(sa.select(sub.c.unit_key).where(field_of(sub.c.unit_key).in_(codes)))
        return selects[0] if len(selects) == 1 else sa.union(*selects)

    def _case_rows(self, spec: FieldTexts) -> Iterable[tuple[int, str]]:
        """(application id, text) of the case-level texts a field covers."""
        if spec.case == "title":
            return self.connection.execute(_TITLED_CASES)
        if spec.case == "party":
            return self.connection.execute(_CASE_PARTIES, {"roles": list(spec.roles)})
        if spec.case == "reading":
            return self.connection.execute(_READINGS)
        return self.connection.execute(_GOODS)

    def _case_text(self, spec: FieldTexts, field_code: str, value: q.Text) -> set[int]:
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

    def mark(self, value: q.Mark) -> sa.Select | sa.CompoundSelect:
        pattern = value.regex()
        hits = {app_id for app_id, text in self.connection.execute(
            sa.select(trademark_texts.c.application_id, trademark_texts.c.text)
            .where(trademark_texts.c.kind == "display"))
            if pattern.fullmatch(normalise_mark(text))}
        return self.scratch.put(hits)

