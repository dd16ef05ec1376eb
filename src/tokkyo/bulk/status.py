"""Is each product on schedule? (bulk.md §8, tokkyo's promise 1: lateness visible.)

A product's schedule says when each run of `tokkyo bulk publish` is due: every day, or
every business day (Monday to Friday; Japanese public holidays are not known to tokkyo,
so a holiday shows as a missed run), at a time of day in JST. A run counts whether or not
it found anything new, so a day without new data is not late. The product is on schedule
when it has run since the due time before the latest one that has passed; otherwise it is
late since the first due time it missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokkyo.model import jst


@dataclass(frozen=True, slots=True)
class Schedule:
    """`days` is "daily" or "business-days"; `at` the time of day (JST) a run is due by."""

    days: str
    at: dt.time

    def __post_init__(self) -> None:
        if self.days not in ("daily", "business-days"):
            raise ValueError(f"unknown schedule days {self.days!r}")

    def _runs_on(self, day: dt.date) -> bool:
        return self.days == "daily" or day.weekday() < 5

    def _due(self, day: dt.date) -> dt.datetime:
        return jst.at(day, self.at)

    def last_due(self, now: dt.datetime) -> dt.datetime:
        """The latest due time at or before `now`."""
        day = jst.japan_day(now)
        while not (self._runs_on(day) and self._due(day) <= now):
            day -= dt.timedelta(days=1)
        return self._due(day)

    def next_due(self, after: dt.datetime) -> dt.datetime:
        """The first due time strictly after `after`."""
        day = jst.japan_day(after)
        while not (self._runs_on(day) and self._due(day) > after):
            day += dt.timedelta(days=1)
        return self._due(day)

    def previous_due(self, before: dt.datetime) -> dt.datetime:
        return self.last_due(before - dt.timedelta(microseconds=1))


@dataclass(frozen=True, slots=True)
class ProductStatus:
    state: str                        # "on-schedule", "late", "never-run", "unscheduled"
    last_run: dt.datetime | None
    late_since: dt.datetime | None
    next_due: dt.datetime | None


def status_of(schedule: Schedule | None, last_run: dt.datetime | None, now: dt.datetime
              ) -> ProductStatus:
    if schedule is None:
        return ProductStatus("unscheduled", last_run, None, None)
    upcoming = schedule.next_due(now)
    if last_run is None:
        return ProductStatus("never-run", None, None, upcoming)
    latest = schedule.last_due(now)
    if last_run > schedule.previous_due(latest):
        return ProductStatus("on-schedule", last_run, None, upcoming)
    # a run serves every due time up to the first one after it; the next one was missed
    missed = schedule.next_due(schedule.next_due(last_run))
    return ProductStatus("late", last_run, missed, upcoming)


def iso(value: dt.datetime | None) -> str | None:
    """An instant as the status JSON gives it: ISO 8601 in Japan time."""
    return value.astimezone(jst.JST).isoformat() if value else None
