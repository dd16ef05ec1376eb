"""`tokkyo backup create` and `tokkyo backup verify`.

A backup is taken while the server runs and ingest writes. The database is copied as
of one moment (`store.snapshots`); the rows counted and the blobs copied are read from
that same moment, so the backup names no blob it does not hold. Blobs are written
before the batch that names them commits, so every blob the copy names is in the blob
store already; blobs written later (a batch still being loaded) are not in the backup,
as the rows that will name them are not.

Incremental: backing up into the folder of an earlier backup copies only the blobs it
does not hold yet (by SHA-256), writes the new database copy beside the old one, then
the checksums and the manifest, and only then removes the old database copy and the
blobs the new backup no longer names: an interrupted backup leaves the earlier one
whole, or a manifest whose checksums say it is not (`verify`).

Every byte is read once: each blob is hashed buffer by buffer as it is copied (the hash
must be the blob's name, else it is reported as damaged and not kept), on a few threads
(hashlib and file I/O run without the GIL). Nothing is fsynced per file: one `os.sync`
once all is written, before SHA256SUMS and the manifest name any of it. SQLite: the
rows are counted and the blobs listed in the read transaction the backup API then copies
from (`snapshots.sqlite_snapshot`), so the database's copy (then its hash) runs on a
thread of its own while the blobs are copied. PostgreSQL: the rows are counted and the
blobs listed on the snapshot `pg_dump` reads, and the blobs copied while it runs; the
dump is hashed once written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import sqlalchemy as sa

from tokkyo.operations.errors import BackupError
from tokkyo.operations.folders import COPIERS, Folders
from tokkyo.operations.manifest import (
    BLOBS,
    MANIFEST,
    SUMS,
    Manifest,
    blob_path,
    hash_file,
    read_sums,
    write_sums,
)
from tokkyo.operations.progress import Quiet, Reporter, Stage
from tokkyo.store import migrate, snapshots
from tokkyo.store.blobs import BlobMissing, BlobStore
from tokkyo.store.database import Database
from tokkyo.store.repositories import inventory


@dataclass
class Created:
    manifest: Manifest
    copied: int = 0           # blobs copied now
    reused: int = 0           # blobs the folder held already
    removed: int = 0          # blobs of the earlier backup no longer named


def tokkyo_version() -> str:
    try:
        return version("tokkyo")
    except PackageNotFoundError:
        return "unknown (not installed)"


def create(db: Database, folder: Path, reporter: Reporter | None = None) -> Created:
    """Back the store up into `folder` (new, empty, or an earlier backup's)."""
    reporter = reporter or Quiet()
    _check_folder(folder)
    new = not folder.exists()
    try:
        return _create(db, folder, new, reporter)
    except OSError as exc:
        raise BackupError(f"could not write the backup in {folder} ({exc.strerror}"
                          f"{': ' + str(exc.filename) if exc.filename else ''}); "
                          + ("nothing of it was kept" if new else
                             "the earlier backup there is as it was")) from exc


def _create(db: Database, folder: Path, new: bool, reporter: Reporter) -> Created:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BLOBS).mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC)
    backend = db.engine.dialect.name
    name = f"database-{stamp:%Y%m%dT%H%M%S%fZ}." + ("sqlite3" if backend == "sqlite"
                                                    else "pgdump")
    target = folder / name
    pool = ThreadPoolExecutor(COPIERS, thread_name_prefix="tokkyo-backup")
    beside = ThreadPoolExecutor(1, thread_name_prefix="tokkyo-backup-database")
    try:
        if backend == "sqlite":
            source = snapshots.sqlite_file(db.engine)
            if source is None:
                raise BackupError("an in-memory SQLite database cannot be backed up")
            with snapshots.sqlite_snapshot(source) as snapshot:
                revision, counts, blobs = _read(snapshot.conn)
                _check_revision(revision)
                copying = reporter.stage("copying the database", None, in_bytes=True)
                # the database is copied and then hashed on a thread of its own while the
                # blobs are copied: the longest chain starts first, the blobs fill the CPUs
                hashing = beside.submit(_copy_and_hash, snapshot, target, copying)
                try:
                    created = _created(stamp, backend, revision, name, counts)
                    stored = _copy_blobs(pool, db.blobs, folder, blobs, created, reporter,
                                         new)
                finally:
                    wait([hashing])            # the snapshot ends once the copy is made
        else:
            dumping = reporter.stage("dumping the database (tables)", None)
            with snapshots.postgres_dump(db.engine, target, dumping.update) as conn:
                revision, counts, blobs = _read(conn)
                _check_revision(revision)
                created = _created(stamp, backend, revision, name, counts)
                # the blobs the snapshot names are copied while pg_dump writes it
                stored = _copy_blobs(pool, db.blobs, folder, blobs, created, reporter, new)
            hashing = beside.submit(hash_file, target)        # the dump's, once written
        created.manifest.database_sha256, created.manifest.database_size = hashing.result()
        pool.shutdown()
        beside.shutdown()
        os.sync()
        created.manifest.blob_count = len(stored)
        created.manifest.blob_bytes = sum(blobs[sha] for sha in stored)
        created.manifest.sums_sha256 = write_sums(
            folder, [(created.manifest.database_sha256, name),
                     *((sha, blob_path(sha)) for sha in stored)])
        created.manifest.write(folder)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        beside.shutdown(cancel_futures=True)
        if new:                    # a folder made now holds nothing else: none of it stays
            shutil.rmtree(folder, ignore_errors=True)
        else:                      # the earlier backup stays whole (its blobs are kept)
            target.unlink(missing_ok=True)
        raise
    created.removed = _prune(folder, name, set(stored))
    return created


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST).exists():
        raise BackupError(f"{folder} is not empty and holds no tokkyo backup: give a new "
                          "folder, or the folder of an earlier backup (its blobs are reused)")


def _check_revision(revision: str | None) -> None:
    if revision is None:
        raise BackupError("the store has no tokkyo schema: nothing to back up")


def _created(stamp: dt.datetime, backend: str, revision: str | None, name: str,
             counts: dict[str, int]) -> Created:
    assert revision is not None
    return Created(Manifest(tokkyo_version(), stamp.isoformat().replace("+00:00", "Z"),
                            backend, revision, name, "", 0, counts, 0, 0, ""))


def _copy_and_hash(snapshot: snapshots.SqliteSnapshot, target: Path, stage: Stage
                   ) -> tuple[str, int]:
    """The snapshot copied into `target`, then the copy's SHA-256 and size (read back
    from the page cache: the backup API writes the file, it cannot hash what it writes)."""
    snapshot.copy(target, stage.update)
    return hash_file(target)


def _read(conn: sa.Connection) -> tuple[str | None, dict[str, int], dict[str, int]]:
    return (migrate.current_revision_on(conn), inventory.table_counts(conn),
            inventory.referenced_blobs(conn))


def _copy_blobs(pool: ThreadPoolExecutor, store: BlobStore, folder: Path,
                blobs: dict[str, int], created: Created, reporter: Reporter,
                new: bool) -> list[str]:
    """Copy every blob of `blobs` the folder does not hold, on the pool's threads (the
    hashing and the file system's work run without the GIL); the SHA-256s now held.
    In a new folder a blob is written under its own name at once (an interrupted backup
    leaves a folder without a manifest, which no later backup reuses); into an earlier
    backup's folder, under a temporary name renamed once its bytes are checked (that
    folder's blobs are reused by name, so a name must never hold a partial file)."""
    stage = reporter.stage("copying blobs", sum(blobs.values()), in_bytes=True)
    folders = Folders()
    buffers = threading.local()

    def one(sha: str) -> str:
        target = folder / blob_path(sha)
        if not new and target.exists():
            outcome = "reused"
        else:
            buffer = getattr(buffers, "buffer", None)
            if buffer is None:
                buffer = buffers.buffer = memoryview(bytearray(BLOB_BUFFER))
            outcome = _copy_blob(store, sha, target, folders, buffer, direct=new)
        stage.advance(blobs[sha])
        return outcome

    stored: list[str] = []
    for sha, outcome in zip(sorted(blobs), pool.map(one, sorted(blobs)), strict=True):
        if outcome == "missing":
            created.manifest.missing_blobs.append(sha)
        elif outcome == "bad":
            created.manifest.bad_blobs.append(sha)
        else:
            created.reused += outcome == "reused"
            created.copied += outcome == "copied"
            stored.append(sha)
    return stored


#: Bytes each copying thread reads at a time, into a buffer of its own that is hashed and
#: written as it is (most blobs are read in one call; no allocation per blob).
BLOB_BUFFER = 4 << 20


def _copy_blob(store: BlobStore, sha: str, target: Path, folders: Folders,
               buffer: memoryview, *, direct: bool) -> str:
    """Copy one blob, hashing each buffer it reads before writing that same buffer:
    "copied", "missing" or "bad" (its bytes are not those of its name; nothing is kept
    of it). `direct`: written under its own name, else under a temporary one renamed once
    checked."""
    folders.make(target.parent)
    out_path = target if direct else target.with_name(f".incoming-{sha}")
    digest = hashlib.sha256()
    try:
        with store.open(sha) as source, out_path.open("wb") as out:
            readinto = getattr(source, "readinto", None)
            while True:
                if readinto is not None:
                    got = readinto(buffer)
                    chunk = buffer[:got]
                else:
                    chunk = memoryview(source.read(len(buffer)))
                    got = len(chunk)
                if not got:
                    break
                digest.update(chunk)
                out.write(chunk)
    except BlobMissing:
        out_path.unlink(missing_ok=True)
        return "missing"
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise
    if digest.hexdigest() != sha:
        out_path.unlink()
        return "bad"
    if not direct:
        os.replace(out_path, target)
    return "copied"


def _prune(folder: Path, database: str, keep: set[str]) -> int:
    """Remove earlier database copies and the blobs the new backup does not name."""
    for old in folder.glob("database-*"):
        if old.name != database:
            old.unlink()
    removed = 0
    for path in (folder / BLOBS).glob("*/*/*"):
        if path.name not in keep:
            path.unlink()
            removed += 1
    return removed


@dataclass
class Verified:
    manifest: Manifest
    files: int = 0
    bytes: int = 0
    bad: list[str] = field(default_factory=list)        # path: what is wrong
    extra: list[str] = field(default_factory=list)      # files the checksums do not name

    @property
    def ok(self) -> bool:
        return not self.bad


def verify(folder: Path, reporter: Reporter | None = None) -> Verified:
    """Re-hash every file of the backup against SHA256SUMS, list files it does not name,
    and check that the database copy can be read."""
    reporter = reporter or Quiet()
    manifest = Manifest.read(folder)
    entries = list(read_sums(folder, manifest))
    result = Verified(manifest)
    total = manifest.database_size + manifest.blob_bytes
    stage = reporter.stage("verifying", total, in_bytes=True)
    for sha, path in entries:
        found = folder / path
        try:
            digest, size = hash_file(found)
        except FileNotFoundError:
            result.bad.append(f"{path}: missing")
            continue
        result.files += 1
        result.bytes += size
        if digest != sha:
            result.bad.append(f"{path}: SHA-256 is {digest}, not {sha}")
        stage.advance(size)
    if not any(path == manifest.database_file for _, path in entries):
        result.bad.append(f"{manifest.database_file}: not in {SUMS}")
    named = {path for _, path in entries} | {MANIFEST, SUMS}
    result.extra = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                          if p.is_file() and p.relative_to(folder).as_posix() not in named)
    database = folder / manifest.database_file
    if database.exists() and not result.bad:
        result.bad += _database_readable(manifest, database)
    return result


def _database_readable(manifest: Manifest, database: Path) -> list[str]:
    if manifest.backend == "sqlite":
        try:
            with snapshots.reading(database) as conn:
                return [f"{manifest.database_file}: {problem}"
                        for problem in inventory.quick_check(conn)]
        except sa.exc.DBAPIError as exc:
            return [f"{manifest.database_file}: SQLite cannot read it ({exc.orig})"]
    problem = snapshots.readable_dump(database)
    return [] if problem is None else [f"{manifest.database_file}: {problem}"]
