"""Retention: rows the accounts keep no longer than they are of use, removed in one step
that the server runs when it starts (`create_app`'s lifespan).

- access log entries past `TOKKYO_ACCESS_LOG_RETENTION_DAYS`;
- tokens that expired more than `TOKEN_GRACE` ago (until then a client still hears
  "expired token" rather than "unknown token");
- daily quota counters of the days before yesterday (JST): only the current day's counter
  is ever read, and yesterday's is kept for servers whose clocks are a little behind.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import sqlalchemy as sa

from tokkyo.accounts.policy import Policy
from tokkyo.model.jst import japan_day
from tokkyo.store.repositories import access_log, quotas, tokens

TOKEN_GRACE = dt.timedelta(days=1)


class Pruned(NamedTuple):
    log_entries: int
    tokens: int
    quota_counters: int


def prune(conn: sa.Connection, policy: Policy) -> Pruned:
    """Delete what the accounts no longer need, in the caller's transaction; how many
    rows of each kind."""
    now = policy.clock.now()
    return Pruned(
        log_entries=access_log.prune(conn, now - policy.log_retention),
        tokens=tokens.prune_expired(conn, now - TOKEN_GRACE),
        quota_counters=quotas.prune_days(conn, japan_day(now) - dt.timedelta(days=1)),
    )
