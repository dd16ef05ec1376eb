"""Daily counters and per-minute events, counted atomically.

`reserve` takes one unit of a day's cap in a single statement (insert the counter row if
absent, then `UPDATE … SET used = used + 1 WHERE used < cap RETURNING used`), so parallel
requests of one ID can never overshoot, on SQLite (one writer at a time) as on PostgreSQL
(row lock on the counter).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tokkyo.store.tables import quota_counters, rate_events


def _counter(user_pk: int, day: dt.date, law: str, operation: str) -> sa.ColumnElement:
    c = quota_counters.c
    return (c.user_id == user_pk) & (c.day == day) & (c.law == law) & (c.operation == operation)


def reserve(conn: sa.Connection, user_pk: int, day: dt.date, law: str, operation: str,
            cap: int) -> int | None:
    """Count one call; the new count, or None when the cap is already reached."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(quota_counters).values(user_id=user_pk, day=day, law=law,
                                               operation=operation, used=0)
                 .on_conflict_do_nothing())
    return conn.execute(sa.update(quota_counters)
                        .where(_counter(user_pk, day, law, operation),
                               quota_counters.c.used < cap)
                        .values(used=quota_counters.c.used + 1)
                        .returning(quota_counters.c.used)).scalar_one_or_none()


def release(conn: sa.Connection, user_pk: int, day: dt.date, law: str, operation: str) -> None:
    """Give back a unit reserved for a call that ended in an answer that does not count."""
    conn.execute(sa.update(quota_counters)
                 .where(_counter(user_pk, day, law, operation), quota_counters.c.used > 0)
                 .values(used=quota_counters.c.used - 1))


def used(conn: sa.Connection, user_pk: int, day: dt.date, law: str, operation: str) -> int:
    return conn.execute(sa.select(quota_counters.c.used)
                        .where(_counter(user_pk, day, law, operation))).scalar_one_or_none() or 0


def prune_days(conn: sa.Connection, before: dt.date) -> int:
    return conn.execute(sa.delete(quota_counters).where(quota_counters.c.day < before)).rowcount


def admit(conn: sa.Connection, user_pk: int, family: str, now: dt.datetime, limit: int,
          window: dt.timedelta) -> bool:
    """Rolling-window rate limit: record the request and admit it, or refuse it (False)
    when `limit` requests of this ID and family already fall within `window`.

    The caller holds the per-ID lock (`lock_user`), so the count and the insert cannot
    interleave with another request of the same ID.
    """
    since = now - window
    e = rate_events.c
    conn.execute(sa.delete(rate_events).where(e.user_id == user_pk, e.family == family,
                                              e.at <= since))
    recent = conn.execute(sa.select(sa.func.count()).select_from(rate_events)
                          .where(e.user_id == user_pk, e.family == family, e.at > since)
                          ).scalar_one()
    if recent >= limit:
        return False
    conn.execute(sa.insert(rate_events).values(user_id=user_pk, family=family, at=now))
    return True


def lock_user(conn: sa.Connection, user_pk: int) -> None:
    """Serialise the requests of one ID for the rest of the transaction (PostgreSQL; on
    SQLite the write transaction already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(1, :pk)"), {"pk": user_pk})
