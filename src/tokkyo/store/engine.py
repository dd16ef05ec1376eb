"""Engine setup: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL.

Every engine turns the databases' "busy" errors (a lock not granted in time, a statement
cancelled by its timeout, a serialisation failure, a deadlock) into `StoreBusy`, by their
codes (`store/errors.py`), so no caller reads an error message to decide whether a retry
can help."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tokkyo.store.errors import busy_error, unavailable_error
from tokkyo.store.write_gate import GatedConnection, WriteGate

WRITE_OPTION = "tokkyo_write"

SQLITE_BUSY_TIMEOUT_MS = 30000

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA cache_size=-65536",
)

POSTGRES_POOL_SIZE = 15

#: A held session (`make_engine(held=True)`): the client probes an idle connection after
#: 30 s, and so does the server (`tcp_keepalives_*`, settable per session), so a machine
#: that vanishes without closing its sockets lets go of what its sessions hold within
#: about a minute; no idle timeout may end a session that is held on purpose.
HELD_SESSION_ARGS = {
    "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    "options": ("-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 "
                "-c tcp_keepalives_count=3 -c idle_in_transaction_session_timeout=0"),
}
#: PostgreSQL 14 added idle_session_timeout (an older server refuses the name).
IDLE_SESSION_TIMEOUT_SINCE = 140000

#: Idle held sessions kept per process (`make_engine(held=True)`).
HELD_POOL_SIZE = 4

#: SQLite connections kept open, and how many more may open at once. The server answers
#: each call on up to 40 threads (anyio's default), one connection each; with the default
#: pool (5 kept) every busy second opened and closed connections, each running the
#: pragmas below. Kept connections cost memory only (their page cache, up to cache_size).
SQLITE_POOL_SIZE = 16
SQLITE_POOL_OVERFLOW = 24

#: The write gate of each SQLite engine (see `tokkyo.store.write_gate`).
_GATES: WeakKeyDictionary[Engine, WriteGate] = WeakKeyDictionary()

#: Rows SQLite's ANALYZE reads per index (PRAGMA analysis_limit): statistics good enough
#: for the planner at a cost that does not grow with the database.
ANALYSIS_LIMIT = 1000


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, echo: bool = False, connect_timeout: int | None = None,
                held: bool = False) -> Engine:
    """An engine for `url`; `connect_timeout` (seconds, PostgreSQL) bounds how long
    opening a connection may take (a read replica that is down must not hold a request
    longer). `held` (PostgreSQL): sessions apart from the request pool (a few kept idle,
    as many opened as are asked for), in autocommit, with the keepalives of
    `HELD_SESSION_ARGS`, named `tokkyo held pid N` in pg_stat_activity: for a lock that
    lasts as long as something runs (a download's slot) without taking one of the pool's
    few connections for that long, and that the server drops if the process dies."""
    url = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                  "factory": GatedConnection}
        if database and database != ":memory:":
            kwargs["pool_size"] = SQLITE_POOL_SIZE
            kwargs["max_overflow"] = SQLITE_POOL_OVERFLOW
    elif held:
        # a few idle sessions kept (opening one costs more than the slot's statements),
        # and never a wait for one: each running download holds its own
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = HELD_POOL_SIZE
        kwargs["max_overflow"] = -1
        kwargs["isolation_level"] = "AUTOCOMMIT"
        kwargs["connect_args"] = dict(HELD_SESSION_ARGS)
    else:
        kwargs["pool_pre_ping"] = True
        # Keep as many connections as the pool may open (SQLAlchemy's default keeps 5 of
        # 15 and closes the rest on return): a server under load would otherwise open a
        # PostgreSQL session every few calls. At most 15 per process, as before.
        kwargs["pool_size"] = POSTGRES_POOL_SIZE
        kwargs["max_overflow"] = 0
        if connect_timeout is not None:
            kwargs["connect_args"] = {"connect_timeout": connect_timeout}
    engine = sa.create_engine(url, **kwargs)
    event.listen(engine, "handle_error", _raise_busy)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif held:
        @event.listens_for(engine, "do_connect")
        def _name(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
            params["application_name"] = f"tokkyo held pid {os.getpid()}"

        @event.listens_for(engine, "connect")
        def _never_idle_out(dbapi_connection: Any, _record: Any) -> None:
            if dbapi_connection.info.server_version >= IDLE_SESSION_TIMEOUT_SINCE:
                dbapi_connection.execute("SET idle_session_timeout = 0")
    return engine


def _raise_busy(context: sa.engine.ExceptionContext) -> None:
    """Replace the driver's error with `StoreBusy` when the database was only too busy,
    or `StoreUnavailable` when it was away (SQLAlchemy raises what this handler raises,
    after its own clean-up: a lost connection is invalidated, the pool makes a new one)."""
    busy = busy_error(context.original_exception, context.statement, context.parameters)
    if busy is not None:
        raise busy
    gone = unavailable_error(context.original_exception, context.is_disconnect,
                             context.statement, context.parameters)
    if gone is not None:
        raise gone


def _configure_sqlite(engine: Engine) -> None:
    gate = _GATES[engine] = WriteGate(SQLITE_BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # a batch is one transaction from its first statement (BEGIN IMMEDIATE below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Writers ask for the write lock up front (`write_connection`), so that two writers
        # queue instead of failing when a read lock cannot be upgraded; first for their
        # turn among this process's writers (the gate, given back by the connection once
        # its transaction has ended), then for SQLite's lock (busy_timeout: other processes).
        if connection.get_execution_options().get(WRITE_OPTION):
            raw = connection.connection.dbapi_connection
            gated = isinstance(raw, GatedConnection)
            if gated:
                gate.acquire()
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                if gated:
                    gate.release()
                raise
            if isinstance(raw, GatedConnection):
                raw.hold(gate)
        else:
            connection.exec_driver_sql("BEGIN")


def write_connection(engine: Engine) -> sa.Connection:
    """A connection whose transactions take the write lock at once on SQLite, after their
    turn among this process's writers (the write gate)."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})


def refresh_statistics(engine: Engine) -> None:
    """Give SQLite's planner fresh statistics (sqlite_stat1) after a load: without them it
    guesses, and once chose a scan where an index seek was right. A bounded ANALYZE
    (ANALYSIS_LIMIT rows per index), so it costs about the same at any size, of the
    ordinary tables only: ANALYZE counts every row of a table without an index, and a
    virtual table's shadow tables are such tables, which the planner never needs (a store
    of revision 0019 or older still has the SQL n-gram index's: search_fts_data was
    gigabytes at 1 M documents, and analysing it made the statistics of a 910 k database
    take 184 s). Nothing on PostgreSQL, where autovacuum analyses tables that changed."""
    if engine.dialect.name != "sqlite":
        return
    with write_connection(engine) as conn, conn.begin():
        # from sqlite_master, not PRAGMA table_list (SQLite 3.37+; an older SQLite
        # ignores an unknown pragma, which would silently analyse nothing): a virtual
        # table's shadow tables are named after it
        listed = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
        virtual = [name for name, sql in listed
                   if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
        tables = [name for name, _sql in listed
                  if not name.startswith("sqlite_") and name not in virtual
                  and not any(name.startswith(v + "_") for v in virtual)]
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        for name in sorted(tables):
            conn.exec_driver_sql(f'ANALYZE main."{name}"')


def set_write_wait(engine: Engine, milliseconds: int) -> None:
    """How long a writer of this process waits for its turn at SQLite's write lock (the
    gate); the caller sets SQLite's own `busy_timeout` to the same value. Nothing on
    PostgreSQL."""
    gate = _GATES.get(engine)
    if gate is not None:
        gate.timeout = milliseconds / 1000


@contextmanager
def counting_connection(engine: Engine) -> Iterator[sa.Connection]:
    """A connection of its own to count an API call on (see `counting`)."""
    with engine.connect() as conn, counting(conn) as counted:
        yield counted


@contextmanager
def counting(conn: sa.Connection) -> Iterator[sa.Connection]:
    """Count an API call on `conn` (`repositories.quotas.charge`), a connection with no
    transaction open: the one the call read on, so that a call checks out one connection.
    SQLite: one write transaction for all the statements made on it, begun when it is this
    process's turn at the write lock (`write_gate`). PostgreSQL: autocommit (reset when the
    connection goes back to the pool), so that the count is one round trip holding the
    ID's lock only inside the server, and every other statement (the log entry) commits
    on its own, outside that lock."""
    if conn.dialect.name == "postgresql":
        yield conn.execution_options(isolation_level="AUTOCOMMIT")
        return
    conn.execution_options(**{WRITE_OPTION: True})
    try:
        with conn.begin():
            yield conn
    finally:
        conn.execution_options(**{WRITE_OPTION: False})
