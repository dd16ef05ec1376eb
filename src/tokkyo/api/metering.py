"""One metered API call (jpo-api.md §4): the token, the day's cap and the per-minute
limit, the lookup, the count and the access-log entry, in the order the JPO answers them,
with the store's write lock held only for the count."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request, Response

from tokkyo.accounts import quotas
from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidToken
from tokkyo.accounts.quotas import Meter
from tokkyo.accounts.service import Principal
from tokkyo.api.caching import cache_control
from tokkyo.api.context import is_timeout, log_entry
from tokkyo.api.found import Found
from tokkyo.model.jst import JST
from tokkyo.monitoring.metrics import QUOTA_REFUSALS
from tokkyo.web.context import AppContext, context_of
from tokkyo.web.deps import bearer

log = logging.getLogger("tokkyo.api")


def quota_headers(m: Meter, remain: int, now: dt.datetime) -> dict[str, str]:
    seconds = max(0, int((m.reset_at - now).total_seconds()))
    return {"RateLimit-Limit": str(m.cap), "RateLimit-Remaining": str(remain),
            "RateLimit-Reset": str(seconds),
            "X-Quota-Reset": m.reset_at.astimezone(JST).isoformat()}


@dataclass(frozen=True, slots=True)
class Reply:
    response: Response
    status: str              # the statusCode (or "zip"), for the access log
    login_id: str = ""


Lookup = Callable[[sa.Connection], Found]


def metered(ctx: AppContext, request: Request, *, service: str, law: str, operation: str,
            precheck: str | None, lookup: Lookup, render: Callable[..., Response]) -> Reply:
    """One API call: token (210), the day's cap and lookup (read only, usually cached),
    then the count: the per-minute limit (303), the daily cap (203) or the parameter
    problem (208/204/111/107) in one atomic step for the ID (`quotas.charge`), and the log
    entry. Only the count and the log entry are written, in one write transaction on
    SQLite: everything else is done before it, so that the write lock is held briefly.
    The answer follows the order of jpo-api.md §4 whatever order the work is done in."""
    counted = request.method == "GET"
    family = "opd" if service == "opd" else "domestic"
    token = bearer(request)
    found: Found | None = None
    who = ""
    try:
        # the token, the cap and the count on the primary: a token issued a moment ago
        # is there, and the count is taken once, where every server process counts
        with ctx.database.read_primary() as conn:
            with conn.begin():
                try:
                    if token is None:
                        raise InvalidToken("no Bearer token")
                    principal = accounts.authenticate(conn, ctx.policy, token, service)
                except InvalidToken:
                    return logged(ctx, request, Reply(render("210"), "210"), service, law,
                                  operation)
                who = principal.login_id
                m = quotas.meter(conn, ctx.policy, principal, service, law, operation)
                if precheck is None:                        # on a read replica if any
                    found = ctx.database.read_beside(conn, lookup)
            now = ctx.policy.clock.now()
            with ctx.database.metering(conn) as counting:
                reply = _metered_reply(counting, ctx, principal, m, family, counted,
                                       precheck, found, render, now)
                if counted:
                    _log_counted(ctx, counting, request, reply, service, law, operation)
    except Exception as exc:          # SQLite: nothing was counted (rolled back)
        return logged(ctx, request, _fault(request, exc, render, who), service, law,
                      operation)
    return reply


def _fault(request: Request, exc: Exception, render: Callable[..., Response], who: str
           ) -> Reply:
    """302 when the database kept the call waiting too long, 999 for anything else."""
    if is_timeout(exc):
        return Reply(render("302"), "302", who)
    log.error("unexpected error answering %s %s", request.method, request.url.path,
              exc_info=exc)
    return Reply(render("999"), "999", who)


def _metered_reply(conn: sa.Connection, ctx: AppContext, principal: Principal, m: Meter,
                   family: str, counted: bool, precheck: str | None, found: Found | None,
                   render: Callable[..., Response], now: dt.datetime) -> Reply:
    who = principal.login_id
    takes = precheck in (None, "107")
    if counted:
        charged = quotas.charge(conn, ctx.policy, principal, m, family, take=takes)
        if not charged.admitted:
            QUOTA_REFUSALS.labels("rate").inc()
            return Reply(render("303", headers={"Retry-After": "60"}), "303", who)
        remaining, remain = charged.remaining, charged.remain
    else:
        remaining = quotas.remaining(conn, m)
        remain = remaining
    if not takes:
        code = "203" if remaining == 0 else str(precheck)
        if code == "203":
            QUOTA_REFUSALS.labels("daily").inc()
        return Reply(render(code), code, who)
    if remain is None:
        QUOTA_REFUSALS.labels("daily").inc()
        return Reply(render("203"), "203", who)
    headers = quota_headers(m, remain, now)
    if found is None:                          # precheck 107: counted, no lookup needed
        return Reply(render("107", remain=remain, headers=headers), "107", who)
    return Reply(found.render(remain, headers), found.status, who)


def _log_counted(ctx: AppContext, conn: sa.Connection, request: Request, reply: Reply,
                 service: str, law: str, operation: str) -> None:
    """The log entry of a counted call. On PostgreSQL the count is already committed (see
    `Database.metering`): when the entry cannot be written the answer still goes out,
    as in `logged`."""
    if conn.dialect.name != "postgresql":
        _log_row(ctx, conn, request, reply, service, law, operation)
        return
    try:
        _log_row(ctx, conn, request, reply, service, law, operation)
    except sa.exc.SQLAlchemyError as exc:
        log.warning("access log entry dropped (%s): %s %s", type(exc).__name__, operation,
                    reply.status)


def _log_row(ctx: AppContext, conn: sa.Connection, request: Request, reply: Reply,
             service: str, law: str, operation: str) -> None:
    log_entry(ctx, conn, request, login_id=reply.login_id, service=service, law=law,
              operation=operation, status_code=reply.status,
              http_status=reply.response.status_code, size=len(reply.response.body or b""))


def logged(ctx: AppContext, request: Request, reply: Reply, service: str, law: str,
            operation: str) -> Reply:
    """Log a call answered before metering (no token, unknown URL, a fault)."""
    if request.method != "GET":
        return reply
    try:
        with ctx.database.metering() as conn:
            _log_row(ctx, conn, request, reply, service, law, operation)
    except sa.exc.SQLAlchemyError as exc:
        # The answer still goes out; the store could not take its log entry.
        log.warning("access log entry dropped (%s): %s %s", type(exc).__name__, operation,
                    reply.status)
    return reply


def answered(request: Request, reply: Reply) -> Response:
    """The answer with what a client may cache of it (`caching`; an answer that says
    already, such as a signed link's, keeps its own); HEAD gets the headers of the GET
    answer, without its body."""
    if "cache-control" not in reply.response.headers:
        reply.response.headers["Cache-Control"] = cache_control(
            reply.status, context_of(request).now())
    if request.method == "HEAD":
        return Response(status_code=reply.response.status_code,
                        headers=dict(reply.response.headers))
    return reply.response
