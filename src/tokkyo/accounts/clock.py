"""Time as accounts see it: quota days are days in Japan (00:00 Asia/Tokyo).

The clock is built from settings: the system clock, or a fixed instant (`TOKKYO_NOW`)
so that tests and demonstrations can stand on either side of midnight JST without
sleeping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True, slots=True)
class Clock:
    fixed: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self.fixed if self.fixed is not None else dt.datetime.now(dt.UTC)


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant with its offset (`2026-11-21T23:59:59+09:00`)."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; write e.g. 2026-11-21T23:59:59+09:00")
    return value.astimezone(dt.UTC)


def jst_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(JST).date()


def next_reset(instant: dt.datetime) -> dt.datetime:
    """The next 00:00 JST after `instant` (when daily counts start again)."""
    day = jst_day(instant) + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=JST).astimezone(dt.UTC)
