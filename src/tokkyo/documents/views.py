"""Page views of publications, counted for the re-translation queue (translation.md §4:
an engine upgrade re-translates the newest and most viewed documents first).

A page view costs the page a dictionary increment under a lock, nothing else: the counts
are added to the store (`publication_views`) by a daemon thread every `interval` seconds,
in one short write transaction on the primary (`Database.transaction`, so a server that
reads from replicas still counts on the primary), and once more when the app stops. A
failed write never reaches a page: it is logged, and its counts are kept for the next
batch unless that would hold more than `max_pending` publications (then they are
dropped: views are a hint of what readers want first, not a record). Each server process
counts its own views; the store adds them up.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from tokkyo.store.database import Database
from tokkyo.store.repositories import publication_views

log = logging.getLogger("tokkyo.documents")
#: Seconds between two batches of counts written to the store.
INTERVAL_S = 10.0
#: Publications whose counts are kept across failed writes, at most.
MAX_PENDING = 10_000


class ViewCounter:
    """One per application: `record` from the pages, `flush` from its thread and `close`."""

    def __init__(self, database: Database, *, interval: float = INTERVAL_S,
                 max_pending: int = MAX_PENDING) -> None:
        self.database, self.interval, self.max_pending = database, interval, max_pending
        self._counts: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, publication_id: int) -> None:
        """Count one view of a publication's page (the writer thread starts with the
        first one, so an app that serves no page has none)."""
        with self._lock:
            self._counts[publication_id] += 1
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._loop, daemon=True,
                                                name="tokkyo-page-views")
                self._thread.start()

    def pending(self) -> int:
        """Views counted and not yet written."""
        with self._lock:
            return sum(self._counts.values())

    def flush(self) -> int:
        """Write the views counted so far; how many were written (0 when the write
        failed: they are kept for the next batch, within `max_pending`)."""
        with self._flushing:                    # one batch at a time, in order
            with self._lock:
                counts, self._counts = self._counts, Counter()
            if not counts:
                return 0
            try:
                with self.database.transaction() as conn:
                    publication_views.add(conn, counts)
            except Exception as exc:            # the store may be away: never the page's
                with self._lock:
                    kept = len(self._counts | counts) <= self.max_pending
                    if kept:
                        self._counts.update(counts)
                log.warning("page views: %d view(s) of %d publication(s) not written (%s)%s",
                            counts.total(), len(counts), exc,
                            "; kept for the next batch" if kept else "; dropped")
                return 0
            return counts.total()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        """Stop the thread and write what is left (the app's shutdown)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=self.interval + 5)
        self.flush()
