"""Exchange reports (exchange.md §7–§8): every query on partners' authority files, the
operators' status notes and the status history, and the read of tokkyo's own JP holding
that the ST.37 export lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.tables import (
    authority_entries,
    authority_imports,
    exchange_status_history,
    exchange_status_notes,
    publications,
)
from tokkyo.store.types import now_utc

#: Rows inserted per statement when an authority file is stored.
CHUNK = 2000


@dataclass(frozen=True, slots=True)
class ImportRow:
    id: int
    partner: str
    format: str
    file_name: str
    sha256: str
    entries: int
    exceptions: int
    offices: tuple[str, ...]
    imported_at: dt.datetime
    replaced_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class EntryRow:
    country: str
    number: str
    kind: str
    date: dt.date | None
    exception_code: str


@dataclass(frozen=True, slots=True)
class NoteRow:
    partner: str
    note: str
    updated_by: str
    updated_at: dt.datetime


def _import(row: sa.Row) -> ImportRow:
    m = row._mapping
    return ImportRow(m["id"], m["partner"], m["format"], m["file_name"], m["sha256"],
                     m["entries"], m["exceptions"], tuple(m["offices"].split()),
                     m["imported_at"], m["replaced_at"])


def replace_authority_file(conn: sa.Connection, partner: str, *, fmt: str, file_name: str,
                           sha256: str, entries: Iterable[EntryRow]) -> ImportRow:
    """Store a partner's authority file as its current one: the previous import is marked
    replaced (its row stays, as history) and its entries deleted."""
    now = now_utc()
    rows = list(entries)
    old = [r for (r,) in conn.execute(
        sa.select(authority_imports.c.id).where(authority_imports.c.partner == partner,
                                                authority_imports.c.replaced_at.is_(None)))]
    if old:
        conn.execute(sa.delete(authority_entries)
                     .where(authority_entries.c.import_id.in_(old)))
        conn.execute(sa.update(authority_imports).where(authority_imports.c.id.in_(old))
                     .values(replaced_at=now))
    offices = " ".join(sorted({r.country for r in rows}))
    import_id = int(conn.execute(sa.insert(authority_imports).values(
        partner=partner, format=fmt, file_name=file_name, sha256=sha256, entries=len(rows),
        exceptions=sum(1 for r in rows if r.exception_code), offices=offices,
        imported_at=now).returning(authority_imports.c.id)).scalar_one())
    for start in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(authority_entries), [
            {"import_id": import_id, "country": r.country, "number": r.number,
             "kind": r.kind, "date": r.date, "exception_code": r.exception_code}
            for r in rows[start:start + CHUNK]])
    return current_import(conn, partner) or _never()


def _never() -> ImportRow:
    raise AssertionError("the import just written is not there")


def current_import(conn: sa.Connection, partner: str) -> ImportRow | None:
    row = conn.execute(sa.select(authority_imports).where(
        authority_imports.c.partner == partner,
        authority_imports.c.replaced_at.is_(None))).first()
    return _import(row) if row else None


def import_history(conn: sa.Connection, partner: str) -> list[ImportRow]:
    """Every import of the partner's authority file, the latest first."""
    rows = conn.execute(sa.select(authority_imports)
                        .where(authority_imports.c.partner == partner)
                        .order_by(authority_imports.c.imported_at.desc(),
                                  authority_imports.c.id.desc())).all()
    return [_import(r) for r in rows]


def current_entries(conn: sa.Connection, partner: str) -> list[EntryRow]:
    """The entries of the partner's current authority file (none when it has none)."""
    current = current_import(conn, partner)
    if current is None:
        return []
    rows = conn.execute(sa.select(authority_entries.c.country, authority_entries.c.number,
                                  authority_entries.c.kind, authority_entries.c.date,
                                  authority_entries.c.exception_code)
                        .where(authority_entries.c.import_id == current.id)
                        .order_by(authority_entries.c.country, authority_entries.c.number,
                                  authority_entries.c.kind)).all()
    return [EntryRow(*r) for r in rows]


def jp_holding(conn: sa.Connection, kinds: tuple[str, ...], *,
               since: dt.date | None = None, until: dt.date | None = None
               ) -> Iterator[tuple[str, str, dt.date | None]]:
    """(number, ST.16 kind, publication date) of every JP publication in the store of the
    given JPO kinds (A, T, B, U, Y), optionally within publication dates."""
    query = (sa.select(publications.c.number, publications.c.st16_kind, publications.c.date)
             .where(publications.c.country == "JP", publications.c.kind.in_(kinds))
             .order_by(publications.c.number, publications.c.st16_kind))
    if since is not None:
        query = query.where(publications.c.date >= since)
    if until is not None:
        query = query.where(publications.c.date <= until)
    for row in conn.execute(query):
        yield row.number, row.st16_kind, row.date


def set_note(conn: sa.Connection, partner: str, note: str, updated_by: str) -> NoteRow:
    now = now_utc()
    done = conn.execute(sa.update(exchange_status_notes)
                        .where(exchange_status_notes.c.partner == partner)
                        .values(note=note, updated_by=updated_by, updated_at=now)).rowcount
    if not done:
        conn.execute(sa.insert(exchange_status_notes).values(
            partner=partner, note=note, updated_by=updated_by, updated_at=now))
    return NoteRow(partner, note, updated_by, now)


def notes(conn: sa.Connection) -> dict[str, NoteRow]:
    rows = conn.execute(sa.select(exchange_status_notes)).all()
    return {r.partner: NoteRow(r.partner, r.note, r.updated_by, r.updated_at) for r in rows}


def record_status(conn: sa.Connection, rows: Iterable[tuple[str, str, str]],
                  computed_at: dt.datetime) -> int:
    """Keep the computed status rows: (partner, ○△× symbol, row JSON) each."""
    values = [{"partner": p, "exchange": s, "row": j, "computed_at": computed_at}
              for p, s, j in rows]
    if values:
        conn.execute(sa.insert(exchange_status_history), values)
    return len(values)


def status_history(conn: sa.Connection, partner: str, limit: int = 100
                   ) -> list[tuple[dt.datetime, str, str]]:
    """(computed_at, symbol, row JSON) of the partner's recorded rows, the latest first."""
    rows = conn.execute(sa.select(exchange_status_history.c.computed_at,
                                  exchange_status_history.c.exchange,
                                  exchange_status_history.c.row)
                        .where(exchange_status_history.c.partner == partner)
                        .order_by(exchange_status_history.c.computed_at.desc(),
                                  exchange_status_history.c.id.desc())
                        .limit(limit)).all()
    return [(r.computed_at, r.exchange, r.row) for r in rows]
