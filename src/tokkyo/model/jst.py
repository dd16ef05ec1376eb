"""Japan time: the one definition of JST and of the days and instants read in it.

Quota days (accounts), the day a legal status is read for (portal.md §10: "D, default
today, JST"), bulk schedules and release stamps, and every time shown to people are
Japan's. Between 00:00 and 09:00 JST the server's UTC day is still the day before, so
each of them asks this module for the day rather than the UTC date.

Japan keeps no daylight saving time, so JST is a fixed offset of nine hours (named
"JST"), needing no time zone database. Inputs are aware datetimes; a naive one is read
as the machine's local time, as `datetime.astimezone` does.
"""

from __future__ import annotations

import datetime as dt

#: Hours Japan is ahead of UTC, and the IANA name of its zone: for SQL that reads a day
#: in Japan (SQLite's `date(..., '+9 hours')`, PostgreSQL's `timezone('Asia/Tokyo', ...)`).
UTC_OFFSET_HOURS = 9
ZONE_NAME = "Asia/Tokyo"
#: Japan Standard Time, UTC+09:00 all year.
JST = dt.timezone(dt.timedelta(hours=UTC_OFFSET_HOURS), "JST")


def japan_day(instant: dt.datetime | None = None) -> dt.date:
    """The day in Japan at `instant` (now when None)."""
    return japan_time(instant or dt.datetime.now(dt.UTC)).date()


def japan_time(instant: dt.datetime) -> dt.datetime:
    """`instant` on Japan's clock (the same instant, offset +09:00)."""
    return instant.astimezone(JST)


def midnight(day: dt.date) -> dt.datetime:
    """00:00 JST of `day`, the instant that day starts in Japan (an aware datetime)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=JST)


def at(day: dt.date, time: dt.time) -> dt.datetime:
    """The instant of `time` (Japan's clock) on `day` in Japan."""
    return dt.datetime.combine(day, time, JST)


def next_midnight(instant: dt.datetime) -> dt.datetime:
    """The first 00:00 JST after `instant`, in UTC: when a new day starts in Japan (a
    quota's daily count starts again)."""
    return midnight(japan_day(instant) + dt.timedelta(days=1)).astimezone(dt.UTC)
