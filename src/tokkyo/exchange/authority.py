"""Partners' authority files kept in the store, and tokkyo's own JP holding exported as
one (exchange.md §2, issue 16 item 5).

A partner's file is imported whole: it is read and checked first (a bad line stops the
import and nothing is stored), then it replaces the partner's current file in one
transaction; every import stays in the history. The export lists the JP publications the
store holds, by kind, in the text (CSV) or XML form; importing an export gives back the
same entries."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.exchange import st37
from tokkyo.exchange.st37 import AuthorityEntry, AuthorityFileError
from tokkyo.store.repositories import exchange_reports as repository
from tokkyo.store.repositories.exchange_reports import EntryRow, ImportRow

#: The JPO kinds an export lists by default: patent and utility model publications
#: (kind codes A, B, U, Y of the exchange lists, and T, the PCT translations, ST.16 A).
JP_KINDS = ("A", "T", "B", "U", "Y")


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import stored: the import's row and how many entries carry each exception
    code."""

    row: ImportRow
    exceptions: dict[str, int]

    def as_json(self) -> dict[str, object]:
        return {"partner": self.row.partner, "format": self.row.format,
                "file": self.row.file_name, "sha256": self.row.sha256,
                "entries": self.row.entries, "exceptions": self.exceptions,
                "offices": list(self.row.offices),
                "imported_at": self.row.imported_at.isoformat()}


def import_file(conn: sa.Connection, partner: str, name: str, data: bytes,
                fmt: str | None = None) -> Imported:
    """Read a partner's authority file (form `fmt`, else detected) and make it the
    partner's current one. AuthorityFileError (nothing stored) when it cannot be read."""
    if not partner.strip():
        raise AuthorityFileError("a partner code is needed to import an authority file")
    form = fmt or st37.detect_format(name, data)
    entries = st37.read(data, form)
    row = repository.replace_authority_file(
        conn, partner.strip(), fmt=form, file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        entries=[EntryRow(e.country, e.number, e.kind, e.date, e.exception) for e in entries])
    counts: dict[str, int] = {}
    for e in entries:
        if e.exception:
            counts[e.exception] = counts.get(e.exception, 0) + 1
    return Imported(row, dict(sorted(counts.items())))


def entries(conn: sa.Connection, partner: str) -> list[AuthorityEntry]:
    """The partner's current authority file (empty when none was imported)."""
    return [AuthorityEntry(r.country, r.number, r.kind, r.date, r.exception_code)
            for r in repository.current_entries(conn, partner)]


def history(conn: sa.Connection, partner: str) -> list[ImportRow]:
    return repository.import_history(conn, partner)


def holding(conn: sa.Connection, kinds: tuple[str, ...] = JP_KINDS, *,
            since: dt.date | None = None, until: dt.date | None = None
            ) -> list[AuthorityEntry]:
    """tokkyo's own JP publications as authority file entries (no exception codes: every
    listed number has its document in the store)."""
    unknown = sorted(set(kinds) - set(JP_KINDS))
    if unknown:
        raise AuthorityFileError(f"kinds {', '.join(unknown)} are not JP publication kinds "
                                 f"({', '.join(JP_KINDS)})")
    return [AuthorityEntry("JP", st37.normalise_number("JP", number), kind, date)
            for number, kind, date in repository.jp_holding(conn, kinds, since=since,
                                                            until=until)]


def export(conn: sa.Connection, fmt: str, *, kinds: tuple[str, ...] = JP_KINDS,
           produced: dt.date | None = None, since: dt.date | None = None,
           until: dt.date | None = None) -> bytes:
    """The JP holding as an ST.37 authority file in form `fmt` (csv or xml)."""
    listed = holding(conn, kinds, since=since, until=until)
    if fmt == "csv":
        return st37.write_csv(listed)
    if fmt == "xml":
        return st37.write_xml(listed, office="JP", produced=produced or dt.date.today())
    raise AuthorityFileError(f"an authority file is exported as csv or xml, not {fmt!r}")
