"""Daily counters and per-minute events, counted atomically.

`reserve` takes one unit of a day's cap in a single statement (insert the counter row if
absent, then `UPDATE … SET used = used + 1 WHERE used < cap RETURNING used`), so parallel
requests of one ID can never overshoot, on SQLite (one writer at a time) as on PostgreSQL
(row lock on the counter).

`charge` is what an API call does: the per-minute check and, when admitted, the day's
unit. On PostgreSQL it is one round trip that takes the ID's lock and lets it go in the
server, so calls of one ID queue for microseconds, not for client round trips.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

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


class Charge(NamedTuple):
    """What `charge` did: whether the per-minute limit admitted the call, the day's count
    after taking a unit (None when none was taken: not asked, not admitted or cap reached),
    and the day's count before the call."""

    admitted: bool
    taken: int | None
    used: int


# PostgreSQL: one simple-query message of two statements, which the server runs as one
# implicit transaction (the connection is in autocommit). The first takes the ID's lock;
# the second, planned after it with a fresh snapshot, sees every earlier call of the ID.
# The upsert takes the unit in one step whether or not the day's row exists yet.
_CHARGE_PG = """\
SELECT pg_advisory_xact_lock(1, %(pk)s);
WITH pruned AS (
    DELETE FROM rate_events
    WHERE user_id = %(pk)s AND family = %(family)s AND at <= %(since)s),
recent AS (
    SELECT count(*) AS n FROM rate_events
    WHERE user_id = %(pk)s AND family = %(family)s AND at > %(since)s),
admitted AS (
    INSERT INTO rate_events (user_id, family, at)
    SELECT %(pk)s, %(family)s, %(now)s FROM recent WHERE n < %(limit)s
    RETURNING id),
taken AS (
    INSERT INTO quota_counters AS q (user_id, day, law, operation, used)
    SELECT %(pk)s, %(day)s, %(law)s, %(operation)s, 1 FROM admitted
    WHERE %(take)s AND %(cap)s > 0
    ON CONFLICT (user_id, day, law, operation) DO UPDATE SET used = q.used + 1
    WHERE q.used < %(cap)s
    RETURNING q.used)
SELECT EXISTS (SELECT FROM admitted), (SELECT used FROM taken),
       coalesce((SELECT used FROM quota_counters WHERE user_id = %(pk)s AND day = %(day)s
                 AND law = %(law)s AND operation = %(operation)s), 0)"""


def charge(conn: sa.Connection, user_pk: int, family: str, now: dt.datetime, limit: int,
           window: dt.timedelta, day: dt.date, law: str, operation: str, cap: int, *,
           take: bool) -> Charge:
    """Apply the per-minute limit (record the call when admitted) and, when admitted and
    `take`, take one unit of the day's cap, atomically for the ID.

    SQLite: the caller holds the write transaction (`write_connection`), which serialises
    everything. PostgreSQL: `conn` must be in autocommit (isolation_level="AUTOCOMMIT");
    the work is one round trip in its own transaction, committed when this returns.
    """
    if conn.dialect.name != "postgresql":
        admitted = admit(conn, user_pk, family, now, limit, window)
        if not (admitted and take):
            return Charge(admitted, None, used(conn, user_pk, day, law, operation))
        taken = reserve(conn, user_pk, day, law, operation, cap)
        if taken is not None:
            return Charge(True, taken, taken - 1)
        return Charge(True, None, used(conn, user_pk, day, law, operation))
    import psycopg

    raw = conn.connection.dbapi_connection
    if raw is None or not raw.autocommit:
        raise ValueError("charge on PostgreSQL needs a connection in autocommit")
    params = {"pk": user_pk, "family": family, "now": now, "since": now - window,
              "limit": limit, "day": day, "law": law, "operation": operation, "cap": cap,
              "take": take}
    try:
        # Client-side binding: the only way to send two statements in one message.
        with psycopg.ClientCursor(raw) as cursor:
            cursor.execute(_CHARGE_PG, params)
            cursor.nextset()
            row = cursor.fetchone()
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(_CHARGE_PG, params, exc, psycopg.Error) from exc
    assert row is not None
    return Charge(bool(row[0]), row[1], row[2])
