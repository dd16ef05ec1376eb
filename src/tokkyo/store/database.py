"""The store as a whole: the database engine and the blob store, built from settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tokkyo.config import Settings
from tokkyo.errors import ConfigError
from tokkyo.store import migrate
from tokkyo.store.blobs import BlobStore, open_blob_store
from tokkyo.store.engine import (
    counting,
    counting_connection,
    make_engine,
    normalise_url,
    set_write_wait,
    write_connection,
)
from tokkyo.store.replicas import CONNECT_TIMEOUT_S, Replica, Replicas
from tokkyo.store.repositories import case_summaries, search_outbox

log = logging.getLogger("tokkyo.store")

T = TypeVar("T")


@dataclass
class Database:
    """The primary engine (every write, and reads that must see them), the read replicas
    if any, and the blob store."""

    engine: Engine
    blobs: BlobStore
    replicas: Replicas | None = None
    #: PostgreSQL: the engine of `held_session` (built, not connected, here).
    held: Engine | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.engine.dialect.name == "postgresql":
            self.held = make_engine(self.engine.url.render_as_string(hide_password=False),
                                    held=True)

    @classmethod
    def open(cls, settings: Settings) -> Database:
        url = settings.resolved_database_url
        if settings.database_replica_urls and sa.engine.make_url(
                normalise_url(url)).get_backend_name() != "postgresql":
            raise ConfigError("TOKKYO_DATABASE_REPLICA_URLS: read replicas need a "
                              "PostgreSQL store (TOKKYO_DATABASE_URL)")
        settings.data_path.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url, echo=settings.sql_echo)
        replicas = None
        if settings.database_replica_urls:
            replicas = Replicas(engine, [
                Replica(url, make_engine(url, echo=settings.sql_echo,
                                         connect_timeout=CONNECT_TIMEOUT_S))
                for url in settings.database_replica_urls], settings.replica_max_lag_s)
        return cls(engine, open_blob_store(settings), replicas)

    def read(self) -> sa.Connection:
        """A connection to read on: its first statement begins one snapshot. On a read
        replica when one is up and current enough (`store.replicas`), else on the
        primary: for reads that need not see what this very user has just written."""
        if self.replicas is not None:
            replica = self.replicas.choose()
            if replica is not None:
                try:
                    return replica.engine.connect()
                except sa.exc.SQLAlchemyError as exc:
                    self.replicas.failed(replica, exc)
        return self.engine.connect()

    def read_primary(self) -> sa.Connection:
        """A connection to read on the primary: for reads that must see every committed
        write (sign-in, tokens, what a user has just saved, quota counts)."""
        return self.engine.connect()

    def read_beside(self, conn: sa.Connection, work: Callable[[sa.Connection], T]) -> T:
        """`work(c)` for a read beside `conn`, a primary connection already open: `c` is a
        replica connection of its own (one transaction) when a replica is usable, else
        `conn` itself (no second connection). When the replica's connection dies under
        the work, it is done again on `conn` (reads only: nothing to undo)."""
        if self.replicas is None:
            return work(conn)
        own = self.read()
        if own.engine is self.engine:           # no replica usable: the primary's own
            own.close()
            return work(conn)
        try:
            with own, own.begin():
                return work(own)
        except sa.exc.DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            self.replicas.failed_engine(own.engine, exc)
            return work(conn)

    @property
    def replica_engines(self) -> list[Engine]:
        return [] if self.replicas is None else self.replicas.engines()

    def write(self) -> sa.Connection:
        """A connection whose transactions take the write lock at once on SQLite (after
        this process's turn among its writers, `write_gate`)."""
        return write_connection(self.engine)

    def held_session(self) -> sa.Connection:
        """A PostgreSQL session on the primary, apart from the request pool and in
        autocommit (`make_engine(held=True)`): for a session-level lock held as long as
        something runs, which the server releases if this process dies. Closing the
        connection returns the session to its own small pool: the caller lets go of every
        lock first. Only for a PostgreSQL store."""
        if self.held is None:
            raise ConfigError("held sessions need a PostgreSQL store")
        return self.held.connect()

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A unit of work of its own: a write transaction committed when the block ends
        without an error (for work outside a request's, such as the log entry written
        when a download's last byte has gone)."""
        with self.write() as conn, conn.begin():
            yield conn

    def metering(self, conn: sa.Connection | None = None
                 ) -> AbstractContextManager[sa.Connection]:
        """Where an API call is counted and logged (see `engine.counting`): on `conn`, the
        connection the call read on, or on a connection of its own."""
        if conn is None:
            return counting_connection(self.engine)
        return counting(conn)

    def limit_waits(self, milliseconds: int) -> None:
        """Every statement gives up after `milliseconds` (an API call must answer: waiting
        longer becomes statusCode 302). SQLite waits that long for a lock at most (and for
        its turn among the writers of this process, `set_write_wait`); PostgreSQL cancels
        statements that run longer. Set on checkout, so connections pooled before the
        server started get it too, but once per connection (the setting lasts for the
        connection; the pool's `info` is cleared when a connection is replaced), which
        spares every call a statement on SQLite and two round trips on PostgreSQL."""
        set_write_wait(self.engine, milliseconds)
        for engine in (self.engine, *self.replica_engines):
            _limit_statements(engine, milliseconds)

    def upgrade(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the schema to the newest migration (a no-op when it is current), then
        summarise the cases stored without a summary (those from before migration 0012;
        `progress(done, total)` after each chunk). Returns how many were summarised."""
        migrate.upgrade(self.engine)
        return self._summarise_missing(progress)

    def _summarise_missing(self, progress: Callable[[int, int], None] | None) -> int:
        """Summarise every case without a summary of this version, a chunk per write
        transaction (each its own unit of work, taking the writer lock in turn with ingest
        batches). Returns how many were looked at."""
        with self.engine.connect() as conn:
            missing = case_summaries.unsummarised(conn)
        done = 0
        for chunk in case_summaries.chunks(missing):
            with write_connection(self.engine) as conn, conn.begin():
                case_summaries.summarise_missing(conn, chunk)
                search_outbox.record(conn, chunk)       # their status facts changed
            done += len(chunk)
            if progress is not None:
                progress(done, len(missing))
        return len(missing)

    def close(self) -> None:
        self.engine.dispose()
        if self.held is not None:
            self.held.dispose()
        if self.replicas is not None:
            self.replicas.dispose()


def _limit_statements(engine: Engine, milliseconds: int) -> None:
    """Set the wait limit of `Database.limit_waits` on every connection `engine` checks
    out (once per connection)."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("statement_timeout") == milliseconds:
            return
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
        elif engine.dialect.name == "postgresql":
            cursor.execute(f"SET statement_timeout = {milliseconds}")
            dbapi_connection.commit()
        cursor.close()
        record.info["statement_timeout"] = milliseconds

