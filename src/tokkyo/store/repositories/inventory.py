"""What the store holds, as backup, restore and the integrity checks count it: rows per
table, the blobs the database refers to, the ingest batches still running, and the
constraints the database does not enforce by itself (SQLite's foreign keys) or that rows
written around it could break (CHECK constraints)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

import sqlalchemy as sa

from tokkyo.store.tables import batches, blobs, files, metadata


def table_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows in every table of tokkyo's schema that the database has, by name."""
    present = set(sa.inspect(conn).get_table_names())
    return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in sorted(metadata.tables.items()) if name in present}


def tables_present(conn: sa.Connection) -> list[str]:
    """Every table of the database's default schema (tokkyo's or not): an empty store
    has none."""
    return sorted(sa.inspect(conn).get_table_names())


def referenced_blobs(conn: sa.Connection) -> dict[str, int]:
    """SHA-256 → size of every blob the database refers to: the blobs table (original
    files, document bodies, attachments, quarantined files) and the bulk site's files
    (whatever their status: a withdrawn file's record still names its bytes)."""
    found: dict[str, int] = {sha: size for sha, size in conn.execute(
        sa.select(blobs.c.sha256, blobs.c.size))}
    for sha, size in conn.execute(sa.select(files.c.sha256, files.c.bytes)):
        found.setdefault(sha, size)
    return found


class RunningBatch(NamedTuple):
    id: int
    worker: str
    started_at: dt.datetime | None


def running_batches(conn: sa.Connection) -> list[RunningBatch]:
    """Batches in the `started` state: an ingest is writing them (or died doing so and
    has not been recovered yet; `tokkyo ingest` recovers them)."""
    rows = conn.execute(sa.select(batches.c.id, batches.c.worker, batches.c.started_at)
                        .where(batches.c.status == "started").order_by(batches.c.id))
    return [RunningBatch(r.id, r.worker or "", r.started_at) for r in rows]


class Broken(NamedTuple):
    table: str
    what: str            # the constraint, as the check names it
    rows: int


def foreign_key_violations(conn: sa.Connection) -> list[Broken]:
    """Rows whose foreign keys point nowhere, per table and referenced table: SQLite's
    `PRAGMA foreign_key_check` (SQLite enforces keys only on connections that ask, so a
    row written by another program can break them). PostgreSQL always enforces them:
    nothing to look for there."""
    if conn.dialect.name != "sqlite":
        return []
    tally: dict[tuple[str, str], int] = {}
    for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        key = (str(row[0]), f"foreign key to {row[2]}")
        tally[key] = tally.get(key, 0) + 1
    return [Broken(table, what, n) for (table, what), n in sorted(tally.items())]


def check_constraints(conn: sa.Connection) -> Iterator[tuple[str, str, int]]:
    """(table, constraint name, rows that break it) for every named CHECK constraint of
    tokkyo's schema, each evaluated again over the table's rows (a row written with
    `PRAGMA ignore_check_constraints`, or by hand, is found)."""
    present = set(sa.inspect(conn).get_table_names())
    for name, table in sorted(metadata.tables.items()):
        if name not in present:
            continue
        for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
            if not isinstance(constraint, sa.CheckConstraint):
                continue
            broken = conn.execute(sa.select(sa.func.count()).select_from(table)
                                  .where(sa.text(f"NOT ({constraint.sqltext})"))).scalar_one()
            yield name, str(constraint.name), broken


def quick_check(conn: sa.Connection) -> list[str]:
    """SQLite's `PRAGMA quick_check`: what it finds wrong in the file's structure (pages,
    records, index order), empty when nothing. PostgreSQL: nothing to run."""
    if conn.dialect.name != "sqlite":
        return []
    found = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check")]
    return [] if found == ["ok"] else found
