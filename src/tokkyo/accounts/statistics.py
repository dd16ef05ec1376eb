"""Aggregate statistics of the access log: counts per JST day and operation, nothing
that identifies a user (bulk.md §1.5), and the retention of the log itself."""

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


def prune(conn: sa.Connection, policy: Policy) -> int:
    """Delete entries older than the retention; returns how many."""
    return access_log.prune(conn, policy.clock.now() - policy.log_retention)
