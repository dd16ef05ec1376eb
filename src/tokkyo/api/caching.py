"""What a client may cache of an API answer (issue 19, item 5).

The JPO's answers are the day's data: a successful data answer (statusCode 100, JSON or
a document ZIP) may be kept by the client itself until the next 00:00 JST, so an HTTP
cache in a client spares a second call (and a second unit of the daily cap) the same
day. Nothing else is kept: errors, refusals and limits say something about this call
only, token answers are secrets, and a signed link expires within minutes."""

from __future__ import annotations

import datetime as dt

from tokkyo.model.jst import next_midnight

NO_STORE = "no-store"


def cache_control(status: str, now: dt.datetime) -> str:
    """The Cache-Control of an answer with this statusCode, answered at `now`."""
    if status != "100":
        return NO_STORE
    seconds = int((next_midnight(now) - now).total_seconds())
    return f"private, max-age={max(seconds, 0)}"
