"""Aggregate statistics of the access log: counts per JST day and operation, nothing
that identifies a user (bulk.md §1.5). The log's retention is `retention.prune`'s."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from tokkyo.accounts.policy import Policy
from tokkyo.model.jst import japan_day, midnight
from tokkyo.store.repositories import access_log


def aggregate(conn: sa.Connection, policy: Policy, since: dt.date | None,
              until: dt.date | None) -> dict[str, Any]:
    """Calls per JST day from `since` to `until` (inclusive; default: the last 30 days)."""
    today = japan_day(policy.clock.now())
    until = until or today
    since = since or until - dt.timedelta(days=29)
    start = midnight(since)
    end = midnight(until + dt.timedelta(days=1))
    rows = access_log.statistics(conn, start.astimezone(dt.UTC), end.astimezone(dt.UTC))
    return {"since": since.isoformat(), "until": until.isoformat(), "rows": [
        {"day": day, "service": service, "law": law, "operation": operation,
         "statusCode": status, "calls": calls}
        for day, service, law, operation, status, calls in rows]}


def access_log_of(conn: sa.Connection, login_id: str) -> list[access_log.Entry]:
    """A user's own recent calls (what `/accounts/me/access-log` shows them)."""
    return list(access_log.of_user(conn, login_id))


#: One call of the API as the access log keeps it.
Call = access_log.Entry


def log_call(conn: sa.Connection, call: Call) -> None:
    """Keep one API call in the access log (what statistics and a user's own log read)."""
    access_log.write(conn, call)
