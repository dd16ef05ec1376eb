"""Classification and code atoms as SQL: FI, IPC and CPC, F-terms and themes, and the
codes of kinds, countries, design and trademark classes and legal status.

Plain SQL on the tables, a code prefix read as an index range (`starts_with`); only the
F-term sets and the similar-group codes, which SQL cannot pair or split, are checked in
Python and carried back through the scratch table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.model.jst import japan_day
from tokkyo.search import query as q
from tokkyo.search.criteria.scope import Scope
from tokkyo.store.repositories import case_summaries as case_summaries_repo
from tokkyo.store.tables import (
    applications,
    case_summaries,
    classifications,
    goods_services,
    publications,
)

CODE_SCHEMES = {"DC": ("jp-design",), "DT": ("d-term",), "LC": ("locarno",),
                "NC": ("nice",), "SC": ("similar-group",), "VC": ("vienna",)}


class CodeCriteria(Scope):
    """The compiler's part for classification and code atoms."""

    def _starts(self, column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
        return starts_with(column, prefix, self.connection.dialect.name)

    def _scheme(self, schemes: Sequence[str], condition: sa.ColumnElement[bool]
        ) -> sa.Select | sa.CompoundSelect:
        return (sa.select(classifications.c.application_id)
                .where(classifications.c.scheme.in_(schemes), condition))

    def fi(self, value: q.Fi) -> sa.Select | sa.CompoundSelect:
        code = classifications.c.code
        if value.facet:
            return self._scheme(("fi",), sa.or_(code == value.code,
                                                classifications.c.facet == value.code))
        if value.prefix:
            return self._scheme(("fi",), self._starts(code, value.code))
        return self._scheme(("fi",), sa.or_(
            code == value.code, self._starts(code, value.code + ","),
            self._starts(code, value.code + "@")))

    def ipc(self, value: q.Ipc, scheme: str) -> sa.Select | sa.CompoundSelect:
        code = classifications.c.code
        if value.prefix:
            return self._scheme((scheme,), self._starts(code, value.code))
        return self._scheme((scheme,), code == value.code)

    def fterm(self, value: q.Fterm) -> sa.Select | sa.CompoundSelect:
        code = classifications.c.code
        stem = value.theme + value.code
        if value.additional:
            full = len(value.code) == 4
            condition = (code == f"{stem}.{value.additional}" if full else
                         sa.and_(self._starts(code, stem),
                                 ends_with(code, "." + value.additional)))
            return self._scheme(("f-term",), condition)
        return self._scheme(("f-term",), self._starts(code, stem))

    def fterm_set(self, value: q.FtermSet) -> sa.Select | sa.CompoundSelect:
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

    def theme(self, value: q.Theme) -> sa.Select | sa.CompoundSelect:
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
            # the case's office: JP cases the API mirror holds without a gazette count too
            return sa.select(applications.c.id.label("application_id")).where(
                match(applications.c.country))
        if field_code == "ST":      # beside AND / AND-NOT it is `case_filter` instead
            return (sa.select(case_summaries.c.application_id)
                    .where(self.status(value)))
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

    def status(self, value: q.Code) -> sa.ColumnElement[bool]:
        """The condition on a case's stored summary that its status, read for the
        search's day (today in Japan by default), is `value` (`ST`)."""
        return case_summaries_repo.status_condition(value.code, self.on or japan_day(),
                                                    prefix=value.prefix)


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

