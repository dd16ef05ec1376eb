"""The run-due lease (`exchange_leases`) on SQLite and PostgreSQL: one holder at a time,
renewable by its holder, free again once released or expired."""

from __future__ import annotations

import datetime as dt

from tokkyo.store.repositories import exchange as repository
from tokkyo.store.types import now_utc


def test_one_holder_at_a_time(db):
    later = now_utc() + dt.timedelta(minutes=5)

    def take(holder: str, until: dt.datetime = later) -> bool:
        with db.transaction() as conn:
            return repository.take_lease(conn, "partner:SG", holder, until)

    assert take("host:1")
    assert not take("host:2")                 # held: the other process is refused
    assert take("host:1")                     # renewed by its holder
    with db.transaction() as conn:
        repository.release_lease(conn, "partner:SG", "host:2")     # not its lease
    assert not take("host:2")
    with db.transaction() as conn:
        repository.release_lease(conn, "partner:SG", "host:1")
    assert take("host:2", now_utc() - dt.timedelta(seconds=1))    # taken, already expired
    assert take("host:1")                     # an expired lease is free
