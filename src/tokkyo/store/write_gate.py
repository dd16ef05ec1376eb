"""A queue in the process for SQLite's write lock.

SQLite has one write lock per database. A connection that finds it taken polls it from
its busy handler, sleeping 1, 2, 5 … up to 100 ms between tries, so under load the lock
sits free while the waiters sleep, and a newcomer can take it before a thread that has
waited for a second (API calls of one ID queued for 1.5 s at the 99th percentile). The
writers of one process therefore queue on a Python lock first and take SQLite's lock
only when it is their turn: within the process the lock passes from one writer to the
next at once, and SQLite's busy handler is left to arbitrate between processes.

Every write transaction of the process takes its turn here: the API's counts, the portal's
and the bulk site's writes and ingest batches (`store/engine.py` takes the gate when a
write connection begins and gives it back once its COMMIT or ROLLBACK has run). A writer
that polled SQLite's lock beside the queue would be overtaken by every queued writer and
could wait its whole timeout under load.

A writer waits on the gate no longer than the timeout it would have waited for SQLite's
lock (`busy_timeout`), then fails with `StoreBusy`, as it would had SQLite's own wait run
out; in the worst case (another process keeps the lock) a writer waits twice that timeout
in all.
"""

from __future__ import annotations

import sqlite3
import threading

from tokkyo.store.errors import StoreBusy


class WriteGate:
    """One writer at a time in this process; waits at most `timeout` seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait for this process's turn; `StoreBusy` after `timeout` seconds."""
        if not self._lock.acquire(timeout=self.timeout):
            raise StoreBusy(f"waited {self.timeout:g} s for the other writers of this "
                            "process to let go of SQLite's write lock",
                            statement="BEGIN IMMEDIATE")

    def release(self) -> None:
        self._lock.release()


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that gives its write gate back when its write transaction
    ends: after COMMIT or ROLLBACK has run (SQLAlchemy's commit and rollback events fire
    before), so that the next writer finds SQLite's lock free, or when it is closed."""

    gate: WriteGate | None = None          # the gate this connection holds, if any

    def hold(self, gate: WriteGate) -> None:
        self.gate = gate

    def _leave(self) -> None:
        gate, self.gate = self.gate, None
        if gate is not None:
            gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave()
