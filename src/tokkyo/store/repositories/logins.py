"""Failed logins per typed ID (existing or not), for the lockout."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tokkyo.store.tables import login_failures


def locked_until(conn: sa.Connection, login_id: str) -> dt.datetime | None:
    return conn.execute(sa.select(login_failures.c.locked_until)
                        .where(login_failures.c.login_id == login_id)).scalar_one_or_none()


def record_failure(conn: sa.Connection, login_id: str, now: dt.datetime, *,
                   window: dt.timedelta, limit: int, lock_for: dt.timedelta) -> bool:
    """Count a failure; returns True when this failure locks the ID."""
    row = conn.execute(sa.select(login_failures).where(login_failures.c.login_id == login_id)
                       ).first()
    if row is None or row.first_at < now - window:
        failures, first = 1, now
    else:
        failures, first = row.failures + 1, row.first_at
    locked = now + lock_for if failures >= limit else None
    values = {"failures": 0 if locked else failures, "first_at": first, "locked_until": locked}
    if row is None:
        conn.execute(sa.insert(login_failures).values(login_id=login_id, **values))
    else:
        conn.execute(sa.update(login_failures).where(login_failures.c.login_id == login_id)
                     .values(**values))
    return locked is not None


def clear(conn: sa.Connection, login_id: str) -> None:
    conn.execute(sa.delete(login_failures).where(login_failures.c.login_id == login_id))
