"""Daily caps and the per-minute limit, as a request meets them.

A call is counted when it gets 100, 107 or 108 (jpo-api.md §5): the unit is reserved
atomically before the lookup and given back when the answer turns out not to count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.accounts import service
from tokkyo.accounts.policy import Policy
from tokkyo.accounts.service import Principal
from tokkyo.model.jst import japan_day, next_midnight
from tokkyo.store.repositories import quotas


@dataclass(frozen=True, slots=True)
class Meter:
    """One counted operation of one user on one JST day."""

    user_pk: int
    day: dt.date
    law: str
    operation: str
    cap: int
    reset_at: dt.datetime


def meter(conn: sa.Connection, policy: Policy, principal: Principal, service_name: str,
          law: str, operation: str) -> Meter:
    now = policy.clock.now()
    cap = service.daily_cap(conn, policy, principal, service_name, law, operation)
    return Meter(principal.user_pk, japan_day(now), law, operation, cap, next_midnight(now))


def admit(conn: sa.Connection, policy: Policy, principal: Principal, family: str) -> bool:
    """The per-minute limit: False when this ID made its allowance of requests of this
    family (domestic, opd) in the last 60 s."""
    quotas.lock_user(conn, principal.user_pk)
    return quotas.admit(conn, principal.user_pk, family, policy.clock.now(),
                        policy.rate_limits[family], policy.rate_window)


def reserve(conn: sa.Connection, m: Meter) -> int | None:
    """Take one unit: the remaining count after it, or None when the cap is reached."""
    used = quotas.reserve(conn, m.user_pk, m.day, m.law, m.operation, m.cap)
    return None if used is None else m.cap - used


@dataclass(frozen=True, slots=True)
class Charged:
    """One counted call met the limits: `admitted` by the per-minute limit (and recorded);
    `remain` after the unit it took (None when it took none: cap reached, not admitted or
    not asked to); `remaining` before the call."""

    admitted: bool
    remain: int | None
    remaining: int


def charge(conn: sa.Connection, policy: Policy, principal: Principal, m: Meter, family: str,
           *, take: bool) -> Charged:
    """The per-minute limit and, when admitted and `take`, one unit of the day's cap, as
    one atomic step for the ID (see `store.repositories.quotas.charge` for the connection
    it needs)."""
    c = quotas.charge(conn, principal.user_pk, family, policy.clock.now(),
                      policy.rate_limits[family], policy.rate_window, m.day, m.law,
                      m.operation, m.cap, take=take)
    return Charged(c.admitted, None if c.taken is None else m.cap - c.taken,
                   max(0, m.cap - c.used))


def release(conn: sa.Connection, m: Meter) -> None:
    quotas.release(conn, m.user_pk, m.day, m.law, m.operation)


def remaining(conn: sa.Connection, m: Meter) -> int:
    return max(0, m.cap - quotas.used(conn, m.user_pk, m.day, m.law, m.operation))
