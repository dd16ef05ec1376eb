"""What the API's routes need beyond the app context (`tokkyo.web.context.AppContext`): the
answer cache of this app, whether an error means "the store kept the call waiting", and
the access log entry of a call."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Request

from tokkyo.accounts import statistics
from tokkyo.api.answer_cache import AnswerCache
from tokkyo.errors import TransientError
from tokkyo.web.context import AppContext
from tokkyo.web.request_ids import request_id


def answers_of(request: Request) -> AnswerCache:
    """The app's cache of serialised answers (built in `create_app`)."""
    cache: AnswerCache = request.app.state.answers
    return cache


def is_timeout(exc: BaseException) -> bool:
    """Whether an error means "the store was busy, gave up waiting" (302), not a fault
    (999): the store raises `StoreBusy`, a `TransientError`, for those."""
    return isinstance(exc, TransientError)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def log_entry(ctx: AppContext, conn: sa.Connection, request: Request, *, login_id: str,
              service: str, law: str, operation: str, status_code: str, http_status: int,
              size: int) -> None:
    statistics.log_call(conn, statistics.Call(
        at=ctx.now(), login_id=login_id, ip=client_ip(request), service=service,
        law=law, operation=operation, status_code=status_code, http_status=http_status,
        bytes=size, request_id=request_id(request)))
