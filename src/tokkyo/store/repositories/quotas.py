"""Daily counters and per-minute events, counted atomically.

`reserve` takes one unit of a day's cap in a single statement (an upsert that inserts the
counter row at 1 or adds one to it `WHERE used < cap`, `RETURNING used`), so parallel
requests of one ID can never overshoot, on SQLite (one writer at a time) as on PostgreSQL
(row lock on the counter).

`charge` is what an API call does: the per-minute check and, when admitted, the day's
unit. On SQLite it is two statements in the caller's write transaction (record the call
if the window has room; take the unit), so the write lock is held for as little as
possible. On PostgreSQL it is one round trip that takes the ID's lock and lets it go in
the server, so calls of one ID queue for microseconds, not for client round trips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tokkyo.store.errors import busy_error, unavailable_error
from tokkyo.store.tables import quota_counters, rate_events

#: Per-minute events that left the window no longer count (the count looks at the window
#: only); they are deleted, for the ID and family, when a new event's id is a multiple of
#: this, rather than on every call: one statement less while SQLite's write lock is held.
PRUNE_EVERY = 32


# The statements of a call are built once, with bind parameters: every API call runs
# them, and building a statement (and its cache key) costs SQLAlchemy more than SQLite
# takes to run it.
_c = quota_counters.c
_e = rate_events.c
_COUNTER = ((_c.user_id == sa.bindparam("pk")) & (_c.day == sa.bindparam("day"))
            & (_c.law == sa.bindparam("law")) & (_c.operation == sa.bindparam("operation")))
_USED = sa.select(_c.used).where(_COUNTER)


def _reserve_statement(insert: Callable[[sa.Table], Any]) -> sa.Insert:
    """Insert the day's row at 1 or add one to it, below the cap, as one upsert."""
    first = (sa.select(sa.bindparam("pk", type_=_c.user_id.type),
                       sa.bindparam("day", type_=_c.day.type),
                       sa.bindparam("law", type_=_c.law.type),
                       sa.bindparam("operation", type_=_c.operation.type),
                       sa.literal(1, _c.used.type))
             .where(sa.bindparam("cap", type_=sa.Integer) > 0))
    statement = insert(quota_counters).from_select(
        ["user_id", "day", "law", "operation", "used"], first)
    return statement.on_conflict_do_update(
        index_elements=[_c.user_id, _c.day, _c.law, _c.operation],
        set_={"used": _c.used + 1}, where=_c.used < sa.bindparam("cap")).returning(_c.used)


_RESERVE = {"postgresql": _reserve_statement(pg_insert),
            "sqlite": _reserve_statement(sqlite_insert)}
_RECENT = (sa.select(sa.func.count()).select_from(rate_events)
           .where(_e.user_id == sa.bindparam("pk"), _e.family == sa.bindparam("family"),
                  _e.at > sa.bindparam("since"))
           .scalar_subquery())
_ADMIT = (sa.insert(rate_events)
          .from_select(["user_id", "family", "at"],
                       sa.select(sa.bindparam("pk", type_=_e.user_id.type),
                                 sa.bindparam("family", type_=_e.family.type),
                                 sa.bindparam("now", type_=_e.at.type))
                       .where(sa.bindparam("limit", type_=sa.Integer) > _RECENT))
          .returning(_e.id))
_PRUNE = sa.delete(rate_events).where(_e.user_id == sa.bindparam("pk"),
                                      _e.family == sa.bindparam("family"),
                                      _e.at <= sa.bindparam("since"))


def _counter(user_pk: int, day: dt.date, law: str, operation: str) -> sa.ColumnElement:
    return ((_c.user_id == user_pk) & (_c.day == day) & (_c.law == law)
            & (_c.operation == operation))


def reserve(conn: sa.Connection, user_pk: int, day: dt.date, law: str, operation: str,
            cap: int) -> int | None:
    """Count one call; the new count, or None when the cap is already reached."""
    return conn.execute(_RESERVE[conn.dialect.name], {
        "pk": user_pk, "day": day, "law": law, "operation": operation, "cap": cap,
    }).scalar_one_or_none()


def release(conn: sa.Connection, user_pk: int, day: dt.date, law: str, operation: str) -> None:
    """Give back a unit reserved for a call that ended in an answer that does not count."""
    conn.execute(sa.update(quota_counters)
                 .where(_counter(user_pk, day, law, operation), _c.used > 0)
                 .values(used=_c.used - 1))


def used(conn: sa.Connection, user_pk: int, day: dt.date, law: str, operation: str) -> int:
    return conn.execute(_USED, {"pk": user_pk, "day": day, "law": law,
                                "operation": operation}).scalar_one_or_none() or 0


def prune_days(conn: sa.Connection, before: dt.date) -> int:
    """Delete the daily counters of the days before `before`; how many."""
    return conn.execute(sa.delete(quota_counters).where(_c.day < before)).rowcount


def admit(conn: sa.Connection, user_pk: int, family: str, now: dt.datetime, limit: int,
          window: dt.timedelta) -> bool:
    """Rolling-window rate limit: record the request and admit it, or refuse it (False)
    when `limit` requests of this ID and family already fall within `window`. One
    statement (insert the event where the count in the window is below the limit); now
    and then (`PRUNE_EVERY`) a second one deletes the ID's events that left the window.

    The caller serialises the requests of the ID (SQLite: the write transaction;
    PostgreSQL: `lock_user`), so the count and the insert cannot interleave with another
    request of the same ID.
    """
    params = {"pk": user_pk, "family": family, "now": now, "since": now - window,
              "limit": limit}
    event = conn.execute(_ADMIT, params).scalar_one_or_none()
    if event is None:
        return False
    if event % PRUNE_EVERY == 0:
        conn.execute(_PRUNE, params)
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
        if admitted and take:
            taken = reserve(conn, user_pk, day, law, operation, cap)
            if taken is not None:
                return Charge(True, taken, taken - 1)
        # refused (303), cap reached (203) or nothing to take (208, 204): read the count
        return Charge(admitted, None, used(conn, user_pk, day, law, operation))
    import psycopg

    raw = conn.connection.dbapi_connection
    if not isinstance(raw, psycopg.Connection) or not raw.autocommit:
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
        # past SQLAlchemy, so past the engine's handle_error: the same translation here
        busy = busy_error(exc, _CHARGE_PG, params)
        if busy is not None:
            raise busy from exc
        gone = unavailable_error(exc, bool(raw.broken or raw.closed), _CHARGE_PG, params)
        if gone is not None:
            conn.invalidate()                 # the pool makes a new connection next time
            raise gone from exc
        raise sa.exc.DBAPIError.instance(_CHARGE_PG, params, exc, psycopg.Error) from exc
    assert row is not None
    return Charge(bool(row[0]), row[1], row[2])
