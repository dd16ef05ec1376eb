"""Time as accounts see it: the clock, and instants written in settings.

The clock is built from settings: the system clock, or a fixed instant (`TOKKYO_NOW`)
so that tests and demonstrations can stand on either side of midnight JST without
sleeping. Quota days are days in Japan; what a day in Japan is, and when the next one
starts, is model/jst.py's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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

