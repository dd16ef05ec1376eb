"""What every API route needs beyond the app context: the accounts policy, the answer
cache, where calls are counted, and the access log."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request

from tokkyo.accounts import statistics
from tokkyo.accounts.policy import Policy
from tokkyo.api.answer_cache import AnswerCache
from tokkyo.config import Settings
from tokkyo.errors import TransientError
from tokkyo.store.database import Database


@dataclass(frozen=True, slots=True)
class ApiContext:
    settings: Settings
    database: Database
    policy: Policy
    answers: AnswerCache = field(default_factory=AnswerCache)

    def read(self) -> sa.Connection:
        return self.database.read()

    def metering(self, conn: sa.Connection | None = None
                 ) -> AbstractContextManager[sa.Connection]:
        """Where a call is counted and logged, or only logged (see `Database.metering`):
        on `conn`, the connection the call read on, or on a connection of its own. On
        SQLite a write transaction begun at this process's turn for the write lock."""
        return self.database.metering(conn)

    def origin(self, request: Request) -> str:
        return self.settings.public_origin or str(request.base_url).rstrip("/")


def is_timeout(exc: BaseException) -> bool:
    """Whether an error means "the store was busy, gave up waiting" (302), not a fault
    (999): the store raises `StoreBusy`, a `TransientError`, for those."""
    return isinstance(exc, TransientError)


def context_of(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.api
    return context


ApiCtx = Annotated[ApiContext, Depends(context_of)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def log_entry(ctx: ApiContext, conn: sa.Connection, request: Request, *, login_id: str,
              service: str, law: str, operation: str, status_code: str, http_status: int,
              size: int) -> None:
    statistics.log_call(conn, statistics.Call(
        at=ctx.policy.clock.now(), login_id=login_id, ip=client_ip(request), service=service,
        law=law, operation=operation, status_code=status_code, http_status=http_status,
        bytes=size))
