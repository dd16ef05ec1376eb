"""`tokkyo blobs verify` and `tokkyo blobs gc`: the blob store against the database.

Verify re-hashes stored blobs (all, or a random sample) and compares the two listings:
blobs the database names that are not stored, and stored blobs nothing names.

Garbage collection removes unreferenced blobs, but never one a running ingest may be
about to name. An ingest writes a file's blobs before the batch that names them
commits (`ingest.service`), so a young unreferenced blob is most likely one of those.
A blob is removed only when nothing names it and it was last written before the grace
period (writing the same bytes again renews a blob's time: `store.blobs`); while a
batch is being loaded (`started`), the cut-off moves back further, to a grace period
before the oldest such batch began. Each blob's time is read again just before it is
removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from dataclasses import dataclass, field

from tokkyo.operations.progress import Quiet, Reporter
from tokkyo.store.blobs import CHUNK, BlobMissing, BlobStore
from tokkyo.store.database import Database
from tokkyo.store.repositories import inventory

#: The least grace period `gc` accepts: an ingest's batch is read, written to the blob
#: store and committed well within it.
MIN_GRACE = dt.timedelta(minutes=1)


@dataclass
class BlobReport:
    stored: int = 0
    referenced: int = 0
    checked: int = 0                                     # re-hashed
    bad: list[str] = field(default_factory=list)         # bytes no longer match the name
    absent: list[str] = field(default_factory=list)      # referenced, not stored
    unreferenced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.bad and not self.absent


def verify(db: Database, sample: int | None = None, reporter: Reporter | None = None,
           seed: int | None = None) -> BlobReport:
    """Compare the blob store with what the database names; re-hash every stored blob,
    or `sample` of them chosen at random."""
    reporter = reporter or Quiet()
    with db.read() as conn:
        referenced = inventory.referenced_blobs(conn)
    listing = reporter.stage("listing blobs", None)
    stored: list[str] = []
    for sha in db.blobs.names():
        stored.append(sha)
        listing.advance()
    present = set(stored)
    report = BlobReport(stored=len(stored), referenced=len(referenced))
    report.absent = sorted(set(referenced) - present)
    report.unreferenced = sorted(present - set(referenced))
    chosen = sorted(stored) if sample is None else sorted(
        random.Random(seed).sample(stored, min(sample, len(stored))))
    sizes = [referenced.get(sha) or _size(db.blobs, sha) for sha in chosen]
    stage = reporter.stage("re-hashing blobs", sum(sizes), in_bytes=True)
    for sha, size in zip(chosen, sizes, strict=True):
        if not _intact(db.blobs, sha):
            report.bad.append(sha)
        report.checked += 1
        stage.advance(size)
    return report


def _size(store: BlobStore, sha: str) -> int:
    stat = store.stat(sha)
    return stat.size if stat else 0


def _intact(store: BlobStore, sha: str) -> bool:
    digest = hashlib.sha256()
    try:
        with store.open(sha) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except BlobMissing:              # removed meanwhile (gc): not damaged
        return True
    return digest.hexdigest() == sha


@dataclass
class Collected:
    cutoff: dt.datetime                                   # removed: last written before
    removed: list[str] = field(default_factory=list)
    bytes: int = 0
    kept_young: int = 0                                   # unreferenced, within grace
    running: list[int] = field(default_factory=list)      # batches being loaded
    failed: list[str] = field(default_factory=list)       # could not be removed: why


def collect(db: Database, grace: dt.timedelta, *, dry_run: bool = False,
            reporter: Reporter | None = None, now: dt.datetime | None = None) -> Collected:
    """Remove the unreferenced blobs last written before the cut-off (see the module)."""
    if grace < MIN_GRACE:
        raise ValueError(f"a grace period under {_minutes(MIN_GRACE)} could remove a blob "
                         "an ingest has just written and is about to name")
    reporter = reporter or Quiet()
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - grace
    stored = list(db.blobs.names())
    with db.read() as conn:
        running = inventory.running_batches(conn)
        referenced = inventory.referenced_blobs(conn)
    began = [b.started_at for b in running if b.started_at is not None]
    if began:
        cutoff = min(cutoff, min(began) - grace)
    result = Collected(cutoff, running=[b.id for b in running])
    candidates = [sha for sha in stored if sha not in referenced]
    stage = reporter.stage("removing unreferenced blobs", len(candidates))
    limit = cutoff.timestamp()
    for sha in candidates:
        stat = db.blobs.stat(sha)
        if stat is None:
            pass
        elif stat.modified >= limit or stat.modified > time.time() - grace.total_seconds():
            result.kept_young += 1
        else:
            try:
                if dry_run or db.blobs.delete(sha):
                    result.removed.append(sha)
                    result.bytes += stat.size
            except OSError as exc:          # a read-only blob store: say so, go on
                result.failed.append(f"blob {sha} could not be removed ({exc.strerror})")
        stage.advance()
    return result


def _minutes(span: dt.timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} minute(s)"
