"""Inserting many rows at once, past SQLAlchemy's per-row parameter processing.

PostgreSQL: COPY through the same connection and transaction (executemany would send a
statement per row). SQLite: the driver's executemany with plain tuples; dates go in as
ISO strings and booleans as 0/1, the forms SQLAlchemy's SQLite types store and read.
Rows are dicts with the same keys; columns they leave out take their server defaults.
`chunked` cuts the values of an `IN (...)` list into slices a statement can take, and
`SizedIn` executes statements with such lists without re-rendering them on each call.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
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
    elif len(columns) == 1:
        values = [(row[columns[0]],) for row in rows]
    else:
        values = list(map(operator.itemgetter(*columns), rows))   # tuples, made in C
    conn.exec_driver_sql(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})', values)


def _date_columns(table: sa.Table | str, columns: list[str]) -> set[str]:
    """Date columns go in as ISO strings (booleans need nothing: sqlite3 stores them as
    0/1, as SQLAlchemy's Boolean does)."""
    if isinstance(table, str):
        return set()
    return {c for c in columns if isinstance(table.c[c].type, sa.Date)}


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def chunked(values: Sequence[T], size: int = 512) -> list[Sequence[T]]:
    """`values` in slices of at most `size`: the length of one `IN (...)` list, well
    under SQLite's and PostgreSQL's limits on bound parameters."""
    return [values[i:i + size] for i in range(0, len(values), size)]


class SizedIn:
    """A statement with `IN (...)` lists (`names`), built by `build` from a list of bound
    parameters per name, once for each size of list: 1, 2, 4, … 512, a list being padded
    to the next size by repeating its last value (which an IN list does not mind).

    SQLAlchemy's expanding parameters (`bindparam(expanding=True)`) render the
    statement's SQL again on every execution, the IN list's markers counted out; for
    the small statements a delivery's documents run, that cost more than SQLite's
    execution (a 10-table EXISTS union, 0.4 ms). A statement built per size is compiled
    once and then found in SQLAlchemy's compiled cache like any built statement."""

    def __init__(self, build: Callable[..., sa.Executable], *names: str) -> None:
        self._build = build
        self._names = names
        self._built: dict[tuple[int, ...], sa.Executable] = {}

    def execute(self, conn: sa.Connection, lists: Mapping[str, Sequence[Any]],
                params: Mapping[str, Any] | None = None) -> sa.CursorResult[Any]:
        """Execute with the values of each IN list (not empty, at most 512 each:
        `chunked`) and any other parameters."""
        sizes = tuple(_size(len(lists[name])) for name in self._names)
        statement = self._built.get(sizes)
        if statement is None:
            statement = self._built[sizes] = self._build(**{
                name: [sa.bindparam(f"{name}_{i}") for i in range(size)]
                for name, size in zip(self._names, sizes, strict=True)})
        values = dict(params or {})
        for name, size in zip(self._names, sizes, strict=True):
            given = lists[name]
            last = len(given) - 1
            for i in range(size):
                values[f"{name}_{i}"] = given[min(i, last)]
        return conn.execute(statement, values)


def _size(length: int) -> int:
    if not 0 < length <= 512:
        raise ValueError(f"an IN list of {length} values (1 to 512: chunked)")
    return 1 << (length - 1).bit_length()
