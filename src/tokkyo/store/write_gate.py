"""A queue in the process for SQLite's write lock.

SQLite has one write lock per database. A connection that finds it taken polls it from
its busy handler, sleeping 1, 2, 5 … up to 100 ms between tries, so under load the lock
sits free while the waiters sleep, and a newcomer can take it before a thread that has
waited for a second (API calls of one ID queued for 1.5 s at the 99th percentile). The
writers of one process therefore queue on a Python lock first and take SQLite's lock
only when it is their turn: within the process the lock passes from one writer to the
next at once, and SQLite's busy handler is left to arbitrate between processes.

A writer waits on the gate no longer than the timeout it would have waited for SQLite's
lock (`busy_timeout`), then fails as SQLite would ("database is locked"); in the worst
case (another process keeps the lock) a writer waits twice that timeout in all.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


class WriteGate:
    """One writer at a time in this process; waits at most `timeout` seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[None]:
        if not self._lock.acquire(timeout=self.timeout):
            raise sa.exc.OperationalError(
                "BEGIN IMMEDIATE", None, sqlite3.OperationalError(
                    "database is locked (waited for the other writers of this process)"))
        try:
            yield
        finally:
            self._lock.release()
