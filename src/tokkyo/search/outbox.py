"""The index worker: due index work from the store's outbox to the search engine.

Ingest records the cases it changed in the outbox in its own transaction; the worker
reads a chunk of entries and those cases' documents in one snapshot, writes them to the
engine (one commit there), then takes exactly those entries off. A crash before the
engine's commit leaves the entries due; a crash after it writes the same documents again.
Either way no update is lost, and a restart catches up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.search import documents
from tokkyo.search.backends.base import SearchBackend
from tokkyo.store.engine import write_connection
from tokkyo.store.repositories import case_documents, search_outbox

log = logging.getLogger(__name__)

CHUNK = 500
Progress = Callable[[int, int], None]


def drain(engine: sa.Engine, backend: SearchBackend, *, chunk: int = CHUNK,
          progress: Progress | None = None) -> int:
    """Write every due case to `backend`; returns how many cases were written or removed.
    `progress(done, due)` after each chunk."""
    done = 0
    with engine.connect() as conn:
        due = search_outbox.pending(conn)
    while True:
        with engine.connect() as conn:
            entry_ids, case_ids = search_outbox.due(conn, chunk)
            if not entry_ids:
                return done
            docs, removed = documents.build(conn, case_ids)
        backend.write(docs, removed)
        with write_connection(engine) as conn, conn.begin():
            search_outbox.done(conn, entry_ids)
        done += len(case_ids)
        if progress is not None:
            progress(min(done, due), due)


def fill_if_empty(engine: sa.Engine, backend: SearchBackend) -> bool:
    """Record every case when the engine holds nothing while the store holds cases and
    less work is due than it holds cases (a new index folder, one of an older format
    version, a restored store). True if it did."""
    if backend.count():
        return False
    with engine.connect() as conn:
        cases = case_documents.count(conn)
        if not cases or search_outbox.pending(conn) >= cases:
            return False
    with write_connection(engine) as conn, conn.begin():
        search_outbox.record_all(conn)
    return True


def reindex(engine: sa.Engine, backend: SearchBackend, *,
            progress: Progress | None = None) -> int:
    """Write every stored case's document again and remove the engine's documents of
    cases the store no longer holds; searches keep answering meanwhile. Returns the
    number of cases written."""
    with engine.connect() as conn:
        total = case_documents.count(conn)
    written = 0
    kept: set[int] = set()
    with engine.connect() as conn, backend.bulk() as add:
        for docs in documents.all_documents(conn):
            add(docs)
            kept.update(d.id for d in docs)
            written += len(docs)
            if progress is not None:
                progress(written, total)
    stale = sorted(set(backend.ids()) - kept)
    if stale:
        backend.write([], stale)
    return written


@dataclass
class Check:
    """What `tokkyo search check` found. Cases whose work is due in the outbox are not
    differences: the worker has not written them yet (`due`)."""

    store: int
    engine: int
    due: int
    sampled: int
    missing: list[int] = field(default_factory=list)     # stored, not in the engine
    stale: list[int] = field(default_factory=list)       # in the engine, content differs
    extra: list[int] = field(default_factory=list)       # in the engine, not stored

    @property
    def agrees(self) -> bool:
        return (not self.missing and not self.stale and not self.extra
                and (self.store == self.engine or self.due > 0))


def check(engine: sa.Engine, backend: SearchBackend, *, sample: int = 500) -> Check:
    """Counts of store and engine, and a sample of cases compared document by document
    (the whole store when it holds no more than `sample` cases)."""
    with engine.connect() as conn:
        stored = case_documents.count(conn)
        due = search_outbox.pending(conn)
        waiting = set(search_outbox.due_cases(conn)) if due else set()
        ids = case_documents.sample_ids(conn, sample)
        docs, _ = documents.build(conn, ids)
    held = backend.digests(ids)
    result = Check(stored, backend.count(), due, len(ids))
    for doc in docs:
        if doc.id in waiting:
            continue
        have = held.get(doc.id)
        if have is None:
            result.missing.append(doc.id)
        elif have != documents.digest(doc):
            result.stale.append(doc.id)
    if result.engine > stored:
        indexed = backend.ids()
        with engine.connect() as conn:
            known = set(case_documents.existing(conn, indexed))
        result.extra = sorted(set(indexed) - known - waiting)
    return result


class Worker:
    """The in-process worker of `tokkyo serve`: drains the outbox every `interval`
    seconds on a thread of its own until stopped."""

    def __init__(self, engine: sa.Engine, backend: SearchBackend, interval: float = 1.0
                 ) -> None:
        self.engine = engine
        self.backend = backend
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tokkyo-index-worker",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                drain(self.engine, self.backend)
            except Exception:                   # logged; the outbox keeps the work
                log.exception("index worker: the search engine was not written; retrying")
            self._stop.wait(self.interval)
