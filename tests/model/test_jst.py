"""Japan time (model/jst.py): the day in Japan turns at 15:00 UTC, whatever the offset
an instant is written with; midnights and the next reset are instants of that turn."""

from __future__ import annotations

import datetime as dt

import pytest

from tokkyo.model.jst import JST, at, japan_day, japan_time, midnight, next_midnight

T0 = dt.datetime(2026, 11, 21, 14, 59, 59, tzinfo=dt.UTC)      # 23:59:59 JST


def test_jst_is_nine_hours_ahead_all_year():
    for month in (1, 7):
        moment = dt.datetime(2026, month, 1, tzinfo=JST)
        assert moment.utcoffset() == dt.timedelta(hours=9)
        assert moment.tzname() == "JST"
        assert moment.isoformat() == f"2026-{month:02}-01T00:00:00+09:00"


def test_jst_day_and_reset():
    # moved from tests/accounts/test_quotas.py with the functions it tests
    assert japan_day(T0) == dt.date(2026, 11, 21)
    assert japan_day(T0 + dt.timedelta(seconds=1)) == dt.date(2026, 11, 22)
    assert next_midnight(T0) == T0 + dt.timedelta(seconds=1)


@pytest.mark.parametrize(("utc", "day"), [
    ("2026-11-21T14:59:59.999999", dt.date(2026, 11, 21)),
    ("2026-11-21T15:00:00", dt.date(2026, 11, 22)),
    ("2026-11-21T00:00:00", dt.date(2026, 11, 21)),      # 09:00 JST
    ("2026-12-31T15:00:00", dt.date(2027, 1, 1)),         # the year turns in Japan first
    ("2028-02-28T15:00:00", dt.date(2028, 2, 29)),
])
def test_day_in_japan_turns_at_15_utc(utc, day):
    assert japan_day(dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)) == day


def test_the_offset_an_instant_is_written_with_does_not_matter():
    new_york = dt.timezone(dt.timedelta(hours=-5))
    moment = dt.datetime(2026, 11, 21, 10, 0, tzinfo=new_york)          # 15:00 UTC
    assert japan_day(moment) == dt.date(2026, 11, 22)
    assert japan_time(moment) == moment
    assert japan_time(moment).isoformat() == "2026-11-22T00:00:00+09:00"


def test_naive_instants_are_read_as_local_time_as_astimezone_does():
    naive = dt.datetime(2026, 11, 21, 14, 59, 59)
    assert japan_day(naive) == naive.astimezone(JST).date()
    assert japan_time(naive) == naive.astimezone(JST)


def test_now_when_no_instant_is_given():
    before = dt.datetime.now(dt.UTC).astimezone(JST).date()
    today = japan_day()
    after = dt.datetime.now(dt.UTC).astimezone(JST).date()
    assert today in (before, after)


def test_midnight_starts_the_day_in_japan():
    start = midnight(dt.date(2026, 11, 22))
    assert start.tzinfo is JST
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)
    assert japan_day(start) == dt.date(2026, 11, 22)
    assert japan_day(start - dt.timedelta(microseconds=1)) == dt.date(2026, 11, 21)


def test_a_time_of_day_in_japan():
    due = at(dt.date(2026, 11, 17), dt.time(10, 0))
    assert due == dt.datetime(2026, 11, 17, 1, 0, tzinfo=dt.UTC)
    assert due.isoformat() == "2026-11-17T10:00:00+09:00"


def test_next_midnight_is_strictly_after_and_in_utc():
    start = midnight(dt.date(2026, 11, 22))
    reset = next_midnight(start)                    # at midnight: the next one, not itself
    assert reset == start + dt.timedelta(days=1)
    assert reset.tzinfo is dt.UTC
    assert next_midnight(start - dt.timedelta(microseconds=1)) == start
