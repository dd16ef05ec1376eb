"""Inserting many rows at once, past SQLAlchemy's per-row parameter processing.

PostgreSQL: COPY through the same connection and transaction (executemany would send a
statement per row). SQLite: the driver's executemany with plain tuples; dates go in as
ISO strings and booleans as 0/1, the forms SQLAlchemy's SQLite types store and read.
Rows are dicts with the same keys; columns they leave out take their server defaults.
`chunked` cuts the values of an `IN (...)` list into slices a statement can take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

import psycopg
import sqlalchemy as sa

from tokkyo.store.errors import busy_error

T = TypeVar("T")


def insert_rows(conn: sa.Connection, table: sa.Table | str, rows: Sequence[dict[str, Any]]
                ) -> None:
    if not rows:
        return
    columns = list(rows[0])
    name = table if isinstance(table, str) else table.name
    if conn.dialect.name == "postgresql":
        statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
        raw = conn.connection.driver_connection
        if not isinstance(raw, psycopg.Connection):
            raise TypeError(f"COPY into {name} needs a psycopg connection, not {raw!r}")
        cursor = raw.cursor()
        try:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        except Exception as exc:   # past SQLAlchemy, so past the engine's handle_error
            busy = busy_error(exc, statement)
            if busy is not None:
                raise busy from exc
            raise
        return
    if conn.dialect.name != "sqlite":
        conn.execute(sa.insert(sa.table(name, *(sa.column(c) for c in columns))), list(rows))
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    dates = _date_columns(table, columns)
    if dates:
        values = [tuple(_iso(row[c]) if c in dates else row[c] for c in columns) for row in rows]
    else:
        values = [tuple(row[c] for c in columns) for row in rows]
    conn.exec_driver_sql(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})', values)


def _date_columns(table: sa.Table | str, columns: list[str]) -> set[str]:
    """Date columns go in as ISO strings (booleans need nothing: sqlite3 stores them as
    0/1, as SQLAlchemy's Boolean does)."""
    if isinstance(table, str):
        return set()
    return {c for c in columns if isinstance(table.c[c].type, sa.Date)}


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def chunked(values: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """`values` in slices of at most `size`: the length of one `IN (...)` list, well
    under SQLite's and PostgreSQL's limits on bound parameters."""
    return [values[i:i + size] for i in range(0, len(values), size)]
