"""Loading source items in batches that commit whole or not at all.

For each batch, items are first read (`prepare`: outside any transaction, in worker
processes when there is much to read); their bytes go to the blob store
(content-addressed, so a crash leaves at most unreferenced blobs). Then one transaction
records the batch's versions and data and commits. If the database refuses one item,
that transaction is rolled back and the batch is loaded again with a savepoint per
item, so only the refused item is quarantined. A batch that cannot commit is marked
failed and nothing of it is written. While one batch is written, workers read the next
(and a writer thread writes it, so that the ingest process takes the next batch's
results in meanwhile); reading in the ingest process, the blob files are written on
threads beside the reading, their fsyncs side by side, and each batch waits for its
blobs before it is written.
Batches are written one at a time, in order. The database's work and the disk's waits
run without the GIL, which is what the threads overlap. Search engines are not written
here: each batch records its cases in the search outbox, and the index worker writes
them (search/outbox.py).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tokkyo.ingest.apply import Pending, apply, quarantine
from tokkyo.ingest.errors import IngestStopped
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.prepare import Prepared, Refused, SkippedItem, prepare
from tokkyo.store.blobs import BlobStat, BlobStore, sha256_hex
from tokkyo.store.engine import refresh_statistics, write_connection
from tokkyo.store.repositories import (
    batches,
    case_summaries,
    search_outbox,
    stored_translations,
)
from tokkyo.store.snapshots import sqlite_file

STATUSES = ("loaded", "unchanged", "replaced", "skipped", "quarantined", "failed")

#: Threads writing blob files when reading in the ingest process: fsyncs waiting together
#: share the filesystem's journal commit (see `_BlobsOnThreads`).
BLOB_WRITERS = 8


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    status: str
    key: str = ""
    format: str = ""
    kind: str = ""
    reason: str = ""
    problems: tuple[str, ...] = ()


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)
    interrupted: list[int] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        counts = self.counts
        return counts["quarantined"] == 0 and counts["failed"] == 0


def default_workers() -> int:
    """Reader processes beside the ingest process: one per CPU beyond two, at most four;
    0 (reading in the ingest process) on a machine of one or two CPUs. The ingest process
    writes the batches and then drains the outbox into the search index, most of the
    work, while the search engine indexes on a thread of its own: it keeps two CPUs, and
    readers beside it on two CPUs only compete with it (slower than reading in it, with
    one reader or two: bench/RESULTS.md)."""
    return max(0, min(4, (os.cpu_count() or 1) - 2))


class Ingestor:
    def __init__(self, engine: Engine, blob_store: BlobStore, *, batch_size: int = 200,
                 workers: int = 0, label: str = "", tolerant: bool = False,
                 reread: bool = False) -> None:
        """`workers`: reader processes; 0 reads in this process. They start only when the
        first batch is full, so small runs pay no start-up cost. `tolerant`: repair
        foreign XML that is not well-formed, logging every repair (exchange.md §11.3).
        `reread`: a file whose bytes are unchanged is read and written again (under its
        current version) instead of being skipped: what `tokkyo reparse` does after the
        readers have learnt to read more of a format."""
        self.engine = engine
        self.blobs = blob_store
        self.batch_size = batch_size
        self.workers = workers
        self.label = label
        self.tolerant = tolerant
        self.reread = reread

    def run(self, items: Iterable[SourceItem],
            on_item: Callable[[str], None] | None = None) -> RunReport:
        report = RunReport()
        with write_connection(self.engine) as conn, conn.begin():
            batches.lock_writer(conn)
            report.interrupted = batches.recover_interrupted(conn)
        iterator = iter(items)
        first = list(islice(iterator, self.batch_size))
        parallel = self.workers > 0 and len(first) == self.batch_size
        writing: list[Future[list[Outcome]]] = []
        try:
            with self._pool(parallel) as pool, self._writer(parallel) as writer, \
                    _BlobsOnThreads(self.blobs) as blobs:
                reading = self._read(pool, first, blobs)
                while reading:
                    prepared = [_result(r, on_item) for r in reading]
                    if writing:
                        report.outcomes += writing.pop().result()
                    chunk = list(islice(iterator, self.batch_size))
                    if writer is None:
                        blobs.settle()          # the batch's blobs are on disk before it
                        reading = self._read(pool, chunk, blobs)
                        report.outcomes += self._load(prepared, report)
                    else:
                        # the batch is written on the writer thread while the workers
                        # read the next one and this thread takes their results in
                        writing.append(writer.submit(self._load, prepared, report))
                        reading = self._read(pool, chunk, blobs)
                if writing:
                    report.outcomes += writing.pop().result()
        except IngestStopped:
            raise
        except Exception as exc:
            # a blob that could not be written (reading, before its batch began)
            stopped = IngestStopped.of(exc, "the blob store", report)
            if stopped is None:
                raise
            if writing and writing[0].exception() is None:
                report.outcomes += writing.pop().result()    # the batch before it: loaded
            raise stopped from exc
        counts = report.counts
        if counts["loaded"] or counts["replaced"]:
            # once per run, not per batch: the planner's statistics (SQLite; bounded cost)
            refresh_statistics(self.engine)
        return report

    def start(self) -> RunReport:
        """A run whose items the caller prepares itself (`prepare.ready`) and writes in
        groups with `write`: batches an earlier run left unfinished are marked failed
        first, as `run` does."""
        report = RunReport()
        with write_connection(self.engine) as conn, conn.begin():
            batches.lock_writer(conn)
            report.interrupted = batches.recover_interrupted(conn)
        return report

    def write(self, prepared: list[Prepared], report: RunReport) -> list[Outcome]:
        """Write one group of prepared items as one batch (one transaction; a refused
        item is quarantined alone, as in `run`); its outcomes are added to `report`."""
        outcomes = self._load(prepared, report)
        report.outcomes += outcomes
        return outcomes

    def finish(self, report: RunReport) -> None:
        """The end of a run made with `start` and `write`: the planner's statistics."""
        counts = report.counts
        if counts["loaded"] or counts["replaced"]:
            refresh_statistics(self.engine)

    @contextmanager
    def _pool(self, parallel: bool) -> Iterator[ProcessPoolExecutor | None]:
        if not parallel:
            yield None
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context,
                                 initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
            yield pool

    @contextmanager
    def _writer(self, parallel: bool) -> Iterator[ThreadPoolExecutor | None]:
        """With reader processes, one thread writes the batches, so that this thread can
        take the next batch's results in (unpickling them: a publication is up to a few
        hundred kilobytes) while the database writes the current one; the database's own
        work runs without the GIL. Batches
        are still written one after the other, in order, on one connection at a time.
        Reading in this process, a writer thread would only contend with the reading
        for the GIL, so the batches are written here then."""
        if not parallel:
            yield None
            return
        with ThreadPoolExecutor(1, thread_name_prefix="tokkyo-ingest-writer") as writer:
            yield writer

    def _read(self, pool: ProcessPoolExecutor | None, chunk: list[SourceItem],
              blobs: _BlobsOnThreads) -> list[Future[Prepared] | Prepared]:
        if pool is None:
            return [prepare(item, blobs, self.tolerant) for item in chunk]
        work = partial(prepare, blobs=self.blobs, tolerant=self.tolerant)
        return [pool.submit(work, item) for item in chunk]

    def _load(self, prepared: list[Prepared], report: RunReport) -> list[Outcome]:
        with write_connection(self.engine) as conn:
            with conn.begin():
                batch_id = batches.start(conn, self.label)
            report.batches.append(batch_id)
            try:
                try:
                    return self._commit(conn, batch_id, prepared, isolate=False)
                except _Refusal:
                    # The database refused one item: the batch was rolled back. Load it again
                    # with a savepoint per item, so that only the refused item is quarantined.
                    return self._commit(conn, batch_id, prepared, isolate=True)
            except Exception as exc:
                stopped = IngestStopped.of(exc, "the database", report,
                                           database_files(self.engine))
                if stopped is not None:
                    # No space (or no right) to write: the batch was rolled back. Marking
                    # it failed needs a write too; if that fails as well, it stays
                    # `started` and the next run marks it interrupted.
                    with suppress(sa.exc.SQLAlchemyError), conn.begin():
                        batches.fail(conn, batch_id, str(stopped))
                    raise stopped from exc
                with conn.begin():
                    batches.fail(conn, batch_id, f"{type(exc).__name__}: {exc}")
                return [Outcome(e.name, "failed",
                                reason=f"batch {batch_id} failed and was rolled back: "
                                       f"{type(exc).__name__}: {exc}")
                        for e in prepared]

    def _commit(self, conn: sa.Connection, batch_id: int, prepared: list[Prepared], *,
                isolate: bool) -> list[Outcome]:
        """One transaction for the batch. Without `isolate`, items share it with no
        savepoints (a savepoint per item is work the usual batch, which nothing refuses,
        does not need)."""
        with conn.begin():
            batches.lock_writer(conn)
            touched: set[int] = set()
            # foreign files' publications written together (apply.Pending), not item by
            # item; item by item (savepoints) each is written at once
            pending = None if isolate else Pending()
            outcomes = [self._one(conn, batch_id, entry, touched, pending)
                        for entry in prepared]
            if pending is not None:
                try:
                    pending.flush(conn, touched)
                except _REFUSALS as exc:
                    raise _Refusal from exc
            # a summary for each case written (one that a refused item's savepoint took
            # back is summarised again as it is: the same)
            case_summaries.refresh(conn, touched)
            # their search documents are due, in this transaction (search/outbox.py)
            search_outbox.record(conn, touched)
            # foreign documents of the accumulated languages are due for translation
            # (translate/accumulate.py), in this transaction too
            stored_translations.enqueue_cases(conn, touched, dt.datetime.now(dt.UTC))
            tally = Counter(o.status for o in outcomes)
            batches.finish(conn, batch_id, loaded=tally["loaded"],
                           unchanged=tally["unchanged"], replaced=tally["replaced"],
                           quarantined=tally["quarantined"])
        return outcomes

    def _one(self, conn: sa.Connection, batch_id: int, entry: Prepared, touched: set[int],
             pending: Pending | None) -> Outcome:
        """Apply one item; with `pending` (no savepoints), a refusal by the database is
        raised as `_Refusal` (the batch is loaded again item by item)."""
        if isinstance(entry, SkippedItem):
            return Outcome(entry.name, "skipped", reason=entry.reason)
        if isinstance(entry, Refused):
            if pending is not None:
                try:
                    pending.flush(conn, touched)
                except _REFUSALS as exc:
                    raise _Refusal from exc
            quarantine(conn, batch_id, entry)
            return Outcome(entry.name, "quarantined", format=entry.format, reason=entry.reason)
        parsed = entry.parsed
        if pending is not None:
            try:
                status = apply(conn, batch_id, entry, touched, reread=self.reread,
                               pending=pending)
            except _REFUSALS as exc:
                raise _Refusal from exc
        else:
            savepoint = conn.begin_nested()
            try:
                status = apply(conn, batch_id, entry, touched, reread=self.reread)
            except _REFUSALS as exc:
                savepoint.rollback()
                refused = Refused(entry.name, entry.size,
                                  f"{entry.name}: refused by the store: {_short(exc)}",
                                  parsed.format, entry.blob)
                quarantine(conn, batch_id, refused)
                return Outcome(entry.name, "quarantined", format=parsed.format,
                               reason=refused.reason)
            savepoint.commit()
        return Outcome(entry.name, status, parsed.key, parsed.format, parsed.kind,
                       problems=parsed.problems)


class _BlobsOnThreads:
    """The blob store as reading in the ingest process uses it: a blob's file is written
    and fsynced on threads of their own while reading goes on (the fsync waits for the
    disk, not for the CPU). `put` answers the SHA-256 at once; `settle` waits until every
    blob put so far is on disk, and the ingest settles before it writes a batch that
    names them, so a committed batch never names a blob that is not stored. A failed
    write is raised by `settle`.

    Several threads, so that a batch's fsyncs wait side by side: the filesystem commits
    fsyncs that are waiting together in one journal commit (ext4's jbd2, XFS's log), so
    eight of them cost about one. One after the other, each file waited for a journal
    commit of its own, a few milliseconds each: most of a small-document format's ingest
    (80 blobs of 20 KB on this machine: 359 ms one by one, 25 ms eight at a time). Every
    blob is still written as `LocalBlobStore.put` writes it (temporary file, fsync,
    rename), so the crash guarantee is the one above, blob by blob."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self._thread = ThreadPoolExecutor(BLOB_WRITERS,
                                          thread_name_prefix="tokkyo-ingest-blobs")
        self._pending: list[Future[None]] = []

    def __enter__(self) -> _BlobsOnThreads:
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.shutdown(wait=True)

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        self._pending.append(self._thread.submit(self._write, data, digest))
        return digest

    def _write(self, data: bytes, digest: str) -> None:
        stored = self.store.put(data)
        if stored != digest:
            raise RuntimeError(f"the blob store named a blob {stored}, not {digest}")

    def settle(self) -> None:
        pending, self._pending = self._pending, []
        for write in pending:
            write.result()

    # The rest of the store's interface, after the writes put so far.
    def put_stream(self, source: BinaryIO, *, sync: bool = True) -> tuple[str, int]:
        self.settle()
        return self.store.put_stream(source, sync=sync)

    def put_file(self, source: Path) -> tuple[str, int]:
        self.settle()
        return self.store.put_file(source)

    def get(self, sha256: str) -> bytes:
        self.settle()
        return self.store.get(sha256)

    def open(self, sha256: str) -> BinaryIO:
        self.settle()
        return self.store.open(sha256)

    def read_range(self, sha256: str, start: int, length: int) -> bytes:
        self.settle()
        return self.store.read_range(sha256, start, length)

    def stat(self, sha256: str) -> BlobStat | None:
        self.settle()
        return self.store.stat(sha256)

    def delete(self, sha256: str) -> bool:
        self.settle()
        return self.store.delete(sha256)

    def names(self) -> Iterator[str]:
        self.settle()
        return self.store.names()


def database_files(engine: Engine) -> list[Path]:
    """The files of an SQLite store (the database and its WAL); none for PostgreSQL."""
    file = sqlite_file(engine)
    return [] if file is None else [file, file.with_name(file.name + "-wal")]


# What the database (or a value check on the way to it) says when it refuses one item.
_REFUSALS = (sa.exc.IntegrityError, sa.exc.DataError, ValueError)


class _Refusal(Exception):
    """Raised inside a shared batch transaction to roll it back and isolate the item."""


def _result(reading: Future[Prepared] | Prepared, on_item: Callable[[str], None] | None
            ) -> Prepared:
    prepared = reading.result() if isinstance(reading, Future) else reading
    if on_item:
        on_item(prepared.name)
    return prepared


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300]


def exit_with_parent(parent: int) -> None:
    """In a reader process: end when the ingest that started it is gone (killed with
    SIGKILL, say), instead of waiting forever for work that will never come."""
    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)
    threading.Thread(target=watch, daemon=True, name="tokkyo-parent-watch").start()
