"""The retention step the server runs at start-up removes old access log entries, expired
tokens and past days' quota counters, and keeps the current ones (SQLite and
PostgreSQL, through `create_app`'s lifespan)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tokkyo.accounts import service as accounts
from tokkyo.accounts.clock import Clock
from tokkyo.accounts.policy import Policy
from tokkyo.app import create_app
from tokkyo.config import load_settings
from tokkyo.store.repositories import access_log, quotas
from tokkyo.store.tables import access_log as access_log_table
from tokkyo.store.tables import quota_counters, tokens

NOW = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)        # 12:00 JST, 2026-11-21
SECRET = "k" * 32


def _entry(at: dt.datetime) -> access_log.Entry:
    return access_log.Entry(at=at, login_id="keep-user1", ip="127.0.0.1", service="api",
                            law="patent", operation="app_progress", status_code="100",
                            http_status=200)


def test_start_up_prunes_what_is_past_its_use(db, tmp_path):
    at = Policy(secret=SECRET.encode(), clock=Clock(NOW))
    long_ago = Policy(secret=SECRET.encode(), clock=Clock(NOW - dt.timedelta(days=30)))
    yesterday = Policy(secret=SECRET.encode(), clock=Clock(NOW - dt.timedelta(hours=26)))
    with db.engine.begin() as conn:
        pk = accounts.add_user(conn, at, "keep-user1", "a-long-password")
        accounts.login(conn, long_ago, "keep-user1", "a-long-password")   # long expired
        accounts.login(conn, yesterday, "keep-user1", "a-long-password")  # in the grace
        accounts.login(conn, at, "keep-user1", "a-long-password")         # current
        for days_back in (0, 1, 2, 40):
            quotas.reserve(conn, pk, dt.date(2026, 11, 21) - dt.timedelta(days=days_back),
                           "patent", "app_progress", 10)
        for days_back in (1, 394, 396, 800):
            access_log.write(conn, _entry(NOW - dt.timedelta(days=days_back)))
        before = conn.execute(sa.select(tokens.c.kind, tokens.c.expires_at)).all()
    assert len(before) == 6

    settings = load_settings(environ={}, data_dir=str(tmp_path / "data"), secret_key=SECRET,
                             now=NOW.isoformat())
    with TestClient(create_app(settings, db)):
        pass

    with db.engine.connect() as conn:
        kept_tokens = sorted((kind, expires) for kind, expires in conn.execute(
            sa.select(tokens.c.kind, tokens.c.expires_at)))
        days = sorted(conn.execute(sa.select(quota_counters.c.day)).scalars())
        log_days = sorted((NOW - at).days for at in conn.execute(
            sa.select(access_log_table.c.at)).scalars())
    grace = NOW - dt.timedelta(days=1)
    assert kept_tokens == sorted((kind, expires) for kind, expires in before
                                 if expires >= grace)
    assert {kind for kind, _ in kept_tokens} == {"access", "refresh"}
    assert len(kept_tokens) == 3     # yesterday's refresh token and today's two
    assert days == [dt.date(2026, 11, 20), dt.date(2026, 11, 21)]
    assert log_days == [1, 394]
