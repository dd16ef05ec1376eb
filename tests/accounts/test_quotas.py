"""Quota counting in the store, on SQLite and PostgreSQL: atomic reservations from many
threads, the JST day, the rolling minute (clock driven, no sleeping)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from tokkyo.accounts import quotas
from tokkyo.accounts import service as accounts
from tokkyo.accounts.clock import Clock
from tokkyo.accounts.policy import Policy
from tokkyo.store.engine import counting_connection, write_connection
from tokkyo.store.repositories.quotas import PRUNE_EVERY
from tokkyo.store.tables import rate_events

T0 = dt.datetime(2026, 11, 21, 14, 59, 59, tzinfo=dt.UTC)      # 23:59:59 JST


def policy(at: dt.datetime = T0, **kw) -> Policy:
    return Policy(secret=b"k" * 32, clock=Clock(at), **kw)


def principal(db, p: Policy) -> accounts.Principal:
    with db.engine.begin() as conn:
        accounts.add_user(conn, p, "quota-user1", "a-long-password")
        token = accounts.login(conn, p, "quota-user1", "a-long-password").access_token
        return accounts.authenticate(conn, p, token, "api")


def test_reservations_never_overshoot(db):
    p = policy(caps={("patent", "app_progress"): 25})
    who = principal(db, p)

    def take(_i: int) -> int | None:
        with write_connection(db.engine) as conn, conn.begin():
            m = quotas.meter(conn, p, who, "api", "patent", "app_progress")
            return quotas.reserve(conn, m)

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(take, range(40)))
    assert sorted(r for r in got if r is not None) == list(range(25))
    assert got.count(None) == 15


def test_new_day_new_count_and_release(db):
    p = policy(caps={("patent", "app_progress"): 1})
    who = principal(db, p)
    with write_connection(db.engine) as conn, conn.begin():
        m = quotas.meter(conn, p, who, "api", "patent", "app_progress")
        assert quotas.reserve(conn, m) == 0 and quotas.reserve(conn, m) is None
        quotas.release(conn, m)
        assert quotas.reserve(conn, m) == 0
    tomorrow = policy(T0 + dt.timedelta(seconds=1), caps={("patent", "app_progress"): 1})
    with write_connection(db.engine) as conn, conn.begin():
        m = quotas.meter(conn, tomorrow, who, "api", "patent", "app_progress")
        assert m.day == dt.date(2026, 11, 22) and quotas.reserve(conn, m) == 0


def test_rolling_minute(db):
    p = policy()
    who = principal(db, p)
    for second in range(10):
        at = policy(T0 + dt.timedelta(seconds=second))
        with write_connection(db.engine) as conn, conn.begin():
            assert quotas.admit(conn, at, who, "domestic")
    late = policy(T0 + dt.timedelta(seconds=59))
    with write_connection(db.engine) as conn, conn.begin():
        assert not quotas.admit(conn, late, who, "domestic")
        assert quotas.admit(conn, late, who, "opd")          # its own allowance
    later = policy(T0 + dt.timedelta(seconds=60, microseconds=1))
    with write_connection(db.engine) as conn, conn.begin():
        assert quotas.admit(conn, later, who, "domestic")     # the first call left the window


def test_events_that_left_the_window_go_now_and_then(db):
    """One call a minute and a limit of one: each call is admitted (the events left in the
    table are outside the window and do not count), and the table keeps only the events
    since the last prune, not one per call."""
    who = principal(db, policy())
    for minute in range(3 * PRUNE_EVERY):
        at = policy(T0 + dt.timedelta(seconds=61 * minute), rate_limits={"domestic": 1,
                                                                          "opd": 1})
        with write_connection(db.engine) as conn, conn.begin():
            assert quotas.admit(conn, at, who, "domestic")
    with db.engine.connect() as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(rate_events).where(
            rate_events.c.user_id == who.user_pk)).scalar_one()
    assert 1 <= kept <= PRUNE_EVERY


def test_charge_is_exact_under_concurrency(db):
    """40 calls of one ID at once, 30 a minute, cap 25: 30 admitted and recorded, 25 of
    them take a unit (remaining 24..0 each once), 5 find the cap reached, 10 are refused."""
    p = policy(caps={("patent", "app_progress"): 25}, rate_limits={"domestic": 30, "opd": 5})
    who = principal(db, p)

    def call(_i: int) -> quotas.Charged:
        with counting_connection(db.engine) as conn:
            m = quotas.meter(conn, p, who, "api", "patent", "app_progress")
            return quotas.charge(conn, p, who, m, "domestic", take=True)

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(call, range(40)))
    admitted = [c for c in got if c.admitted]
    assert len(admitted) == 30
    assert sorted(c.remain for c in admitted if c.remain is not None) == list(range(25))
    assert all(c.remain is None for c in got if not c.admitted)
    with counting_connection(db.engine) as conn:
        m = quotas.meter(conn, p, who, "api", "patent", "app_progress")
        assert quotas.remaining(conn, m) == 0
        late = policy(T0 + dt.timedelta(seconds=59), caps={("patent", "app_progress"): 25})
        assert not quotas.charge(conn, late, who, m, "domestic", take=False).admitted
        assert quotas.charge(conn, late, who, m, "opd", take=False) == quotas.Charged(
            True, None, 0)                                  # admitted, nothing taken


def test_charge_counts_a_new_day_and_remaining(db):
    p = policy(caps={("patent", "app_progress"): 2})
    who = principal(db, p)
    with counting_connection(db.engine) as conn:
        m = quotas.meter(conn, p, who, "api", "patent", "app_progress")
        assert quotas.charge(conn, p, who, m, "domestic", take=True) == quotas.Charged(
            True, 1, 2)
        assert quotas.charge(conn, p, who, m, "domestic", take=False) == quotas.Charged(
            True, None, 1)                                  # a 208/204: no unit taken
        assert quotas.charge(conn, p, who, m, "domestic", take=True).remain == 0
        assert quotas.charge(conn, p, who, m, "domestic", take=True) == quotas.Charged(
            True, None, 0)
    tomorrow = policy(T0 + dt.timedelta(seconds=1), caps={("patent", "app_progress"): 2})
    with counting_connection(db.engine) as conn:
        m = quotas.meter(conn, tomorrow, who, "api", "patent", "app_progress")
        assert quotas.charge(conn, tomorrow, who, m, "domestic", take=True).remain == 1


def test_corporate_and_provider_grants(db):
    p = policy()
    with db.engine.begin() as conn:
        accounts.add_user(conn, p, "corp-user01", "a-long-password")
        for op in ("app_progress", "registration_info", "cite_doc_info"):
            accounts.grant_quota(conn, p, "corp-user01", "patent", op, factor=2)
        try:
            accounts.grant_quota(conn, p, "corp-user01", "patent", "jpp_fixed_address", factor=2)
        except accounts.AccountError as exc:
            assert "already has 2x on 3 operations" in str(exc)
        else:
            raise AssertionError("a fourth 2x grant was accepted")
        token = accounts.login(conn, p, "corp-user01", "a-long-password").access_token
        who = accounts.authenticate(conn, p, token, "api")
        assert accounts.daily_cap(conn, p, who, "api", "patent", "app_progress") == 800
        assert accounts.daily_cap(conn, p, who, "api", "patent", "app_progress_simple") == 400
        assert accounts.daily_cap(conn, p, who, "opd", "patent", "family") == 100
