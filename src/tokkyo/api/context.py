"""What every API route needs: the store, the accounts policy, settings, and the
per-request plumbing (Bearer token, client address, the access log)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy import event

from tokkyo.accounts.policy import Policy
from tokkyo.api.answer_cache import AnswerCache
from tokkyo.config import Settings
from tokkyo.errors import TransientError
from tokkyo.store.database import Database
from tokkyo.store.engine import (
    counting,
    counting_connection,
    set_write_wait,
    write_connection,
)
from tokkyo.store.repositories import access_log


@dataclass(frozen=True, slots=True)
class ApiContext:
    settings: Settings
    database: Database
    policy: Policy
    answers: AnswerCache = field(default_factory=AnswerCache)

    def read(self) -> sa.Connection:
        return self.database.engine.connect()

    def write(self) -> sa.Connection:
        return write_connection(self.database.engine)

    def metering(self, conn: sa.Connection | None = None
                 ) -> AbstractContextManager[sa.Connection]:
        """Where a call is counted and logged, or only logged (see `counting`): on `conn`,
        the connection the call read on, or on a connection of its own. On SQLite a write
        transaction begun at this process's turn for the write lock."""
        if conn is None:
            return counting_connection(self.database.engine)
        return counting(conn)

    def origin(self, request: Request) -> str:
        return self.settings.public_origin or str(request.base_url).rstrip("/")


def limit_waits(engine: sa.Engine, milliseconds: int) -> None:
    """Every statement of the server gives up after `milliseconds` (an API call must answer:
    waiting longer becomes statusCode 302). SQLite waits that long for a lock at most (and
    for its turn among the writers of this process, `set_write_wait`); PostgreSQL cancels
    statements that run longer. Set on checkout, so connections pooled before the server
    started get it too, but once per connection (the setting lasts for the connection;
    the pool's `info` is cleared when a connection is replaced), which spares every call a
    statement on SQLite and two round trips on PostgreSQL."""
    set_write_wait(engine, milliseconds)

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


def is_timeout(exc: BaseException) -> bool:
    """Whether an error means "the store was busy, gave up waiting" (302), not a fault
    (999): the store raises `StoreBusy`, a `TransientError`, for those."""
    return isinstance(exc, TransientError)


def context_of(request: Request) -> ApiContext:
    return request.app.state.api


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def log_entry(ctx: ApiContext, conn: sa.Connection, request: Request, *, login_id: str,
              service: str, law: str, operation: str, status_code: str, http_status: int,
              size: int) -> None:
    access_log.write(conn, access_log.Entry(
        at=ctx.policy.clock.now(), login_id=login_id, ip=client_ip(request), service=service,
        law=law, operation=operation, status_code=status_code, http_status=http_status,
        bytes=size))
