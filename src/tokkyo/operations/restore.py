"""`tokkyo backup restore`: a backup put back into an empty store.

Refused, with nothing written, when the store or its blob store is not empty, when the
backup is of another kind of database, or when its schema revision is not this
tokkyo's (unless told to upgrade: then the restored store is migrated afterwards; a
revision this tokkyo does not know, from a newer version, is refused even so).
Every byte is read once and checked as it is copied. Blobs go in first, on a few threads,
each hashed as it is written and checked against its name (no fsync each: one sync when
all are in). Meanwhile, on a thread of its own, the database's copy is checked against
its SHA-256 (SQLite: hashed buffer by buffer as it is copied beside the store's file,
then its rows counted). Then the database goes in (SQLite: the staged file moved into
place; PostgreSQL: `pg_restore` in one transaction), so a store with rows never lacks
their blobs. When anything fails, the blobs written are removed again. It ends by
comparing the rows of every table (SQLite: of the staged file, the very bytes moved into
place; PostgreSQL: of the restored database) with the manifest's counts.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from tokkyo.operations.errors import BackupError, RestoreFailed, RestoreRefused
from tokkyo.operations.folders import COPIERS
from tokkyo.operations.manifest import BLOBS, Manifest, hash_file, read_sums
from tokkyo.operations.progress import Quiet, Reporter
from tokkyo.store import migrate, snapshots
from tokkyo.store.database import Database
from tokkyo.store.repositories import inventory


@dataclass
class Restored:
    manifest: Manifest
    blobs: int = 0
    upgraded_to: str | None = None
    # (table, rows in the backup, rows restored) where they differ
    differences: list[tuple[str, int, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def restore(db: Database, folder: Path, *, upgrade: bool = False,
            reporter: Reporter | None = None, where: str = "the store",
            blobs_where: str = "the blob store") -> Restored:
    reporter = reporter or Quiet()
    manifest = restorable(folder, db.engine.dialect.name, upgrade, where)
    _refusals(db, where, blobs_where)
    entries = list(read_sums(folder, manifest))
    database = [sha for sha, path in entries if path == manifest.database_file]
    if not database or not (folder / manifest.database_file).is_file():
        raise BackupError(f"{folder} lacks its database copy {manifest.database_file}: "
                          "the backup is incomplete")
    blobs = [(sha, path) for sha, path in entries if path.startswith(BLOBS + "/")]
    written: list[str] = []
    staged: Path | None = None
    counted: dict[str, int] | None = None
    beside = ThreadPoolExecutor(1, thread_name_prefix="tokkyo-restore-database")
    try:
        with ThreadPoolExecutor(COPIERS, thread_name_prefix="tokkyo-restore") as pool:
            # the database is copied aside, checked and (SQLite) counted on a thread of its
            # own while the blobs go in
            staging = beside.submit(_stage_database, db, folder, manifest, database[0],
                                    reporter)
            try:
                _put_blobs(pool, db, folder, blobs, written, reporter, manifest.blob_bytes)
            finally:
                wait([staging])
                if staging.exception() is None:
                    staged, counted = staging.result()
            staged, counted = staging.result()      # the staging's own failure, if any
        os.sync()       # once for every blob put above, before the rows that name them
        _put_database(db, folder, manifest, staged, reporter)
    except BaseException:
        for sha in written:
            db.blobs.delete(sha)
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    finally:
        beside.shutdown()
    result = Restored(manifest, blobs=len(written))
    if counted is None:
        with db.read() as conn:
            counted = inventory.table_counts(conn)
    result.counts = counted
    result.differences = [(table, rows, result.counts.get(table, 0))
                          for table, rows in sorted(manifest.counts.items())
                          if result.counts.get(table, 0) != rows]
    if upgrade and manifest.schema_revision != migrate.head_revision():
        db.upgrade()
        result.upgraded_to = migrate.head_revision()
    return result


def restorable(folder: Path, backend: str, upgrade: bool, where: str = "the store"
               ) -> Manifest:
    """The backup's manifest, once the backup is one this tokkyo can restore into a
    `backend` store (asked before the store is opened, so that a refusal creates
    nothing); RestoreRefused or BackupError saying why not."""
    manifest = Manifest.read(folder)
    if manifest.backend != backend:
        raise RestoreRefused(f"restore refused: the backup is of a {manifest.backend} store "
                             f"and {where} is {backend}; restore it into a {manifest.backend} "
                             "store")
    head = migrate.head_revision()
    if manifest.schema_revision != head:
        if not migrate.is_known(manifest.schema_revision):
            raise RestoreRefused(
                f"restore refused: the backup's schema revision {manifest.schema_revision} "
                f"is not one this tokkyo knows (the backup was made by tokkyo "
                f"{manifest.tokkyo_version}): restore it with that version or a newer one")
        if not upgrade:
            raise RestoreRefused(
                f"restore refused: the backup is at schema revision "
                f"{manifest.schema_revision} and this tokkyo at {head}: run the restore "
                "with --upgrade to migrate the restored store to this version")
    return manifest


def _refusals(db: Database, where: str, blobs_where: str) -> None:
    with db.read() as conn:
        tables = inventory.tables_present(conn)
    if tables:
        raise RestoreRefused(
            f"restore refused: {where} is not empty ({len(tables)} tables); restore into "
            "an empty store: a new SQLite file or a new PostgreSQL database")
    if next(iter(db.blobs.names()), None) is not None:
        raise RestoreRefused(f"restore refused: {blobs_where} is not empty; restore into an "
                             "empty blob store")


def _put_blobs(pool: ThreadPoolExecutor, db: Database, folder: Path,
               blobs: list[tuple[str, str]], written: list[str], reporter: Reporter,
               total: int) -> None:
    """Put every blob into the store on the pool's threads; `written` gets each one put
    (all of them are waited for, also when one fails, so that none is left unlisted)."""
    stage = reporter.stage("restoring blobs", total, in_bytes=True)

    def one(sha: str, path: str) -> str:
        try:
            with (folder / path).open("rb") as source:
                stored, size = db.blobs.put_stream(source, sync=False)
        except FileNotFoundError:
            raise RestoreFailed(f"{folder / path} is missing: the backup is damaged (see "
                                "`tokkyo backup verify`); nothing was restored") from None
        except OSError as exc:
            raise RestoreFailed(f"the blob store cannot be written ({exc.strerror}"
                                f"{': ' + str(exc.filename) if exc.filename else ''}); "
                                "nothing was restored") from exc
        if stored != sha:
            db.blobs.delete(stored)
            raise RestoreFailed(f"{path} in the backup does not match its SHA-256: the backup "
                                "is damaged (see `tokkyo backup verify`); nothing was "
                                "restored")
        stage.advance(size)
        return stored

    futures = [pool.submit(one, sha, path) for sha, path in blobs]
    wait(futures)
    failures = [error for f in futures if (error := f.exception()) is not None]
    written += [f.result() for f in futures if f.exception() is None]
    if failures:
        raise failures[0]


#: Bytes the database's copy is read at a time, into one buffer that is hashed and written
#: as it is.
DATABASE_BUFFER = 4 << 20


def _stage_database(db: Database, folder: Path, manifest: Manifest, sha: str,
                    reporter: Reporter) -> tuple[Path | None, dict[str, int] | None]:
    """Check the backup's database copy against its SHA-256; for SQLite, copy it beside
    the store's file as it is read, each buffer hashed and written as it was read, and
    count the rows of the copy once checked (the file moved into place once the blobs
    are in: the same bytes). Returned: the staged file and its counts (None, None for
    PostgreSQL, which is counted once restored)."""
    source = folder / manifest.database_file
    damaged = RestoreFailed(f"{manifest.database_file} in the backup does not match its "
                            "SHA-256: the backup is damaged (see `tokkyo backup verify`); "
                            "nothing was restored")
    if manifest.backend == "postgresql":
        if hash_file(source)[0] != sha:
            raise damaged
        return None, None
    target = snapshots.sqlite_file(db.engine)
    if target is None:
        raise RestoreRefused("restore refused: an in-memory SQLite database cannot be "
                             "restored into")
    stage = reporter.stage("copying the database", manifest.database_size, in_bytes=True)
    tmp = target.with_name(f".{target.name}.restoring")
    buffer = memoryview(bytearray(DATABASE_BUFFER))
    try:
        digest = hashlib.sha256()
        with source.open("rb") as handle, tmp.open("wb") as out:
            while got := handle.readinto(buffer):
                chunk = buffer[:got]
                digest.update(chunk)
                out.write(chunk)
                stage.advance(got)
        if digest.hexdigest() != sha:
            raise damaged
        with snapshots.reading(tmp) as conn:
            counts = inventory.table_counts(conn)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, counts


def _put_database(db: Database, folder: Path, manifest: Manifest, staged: Path | None,
                  reporter: Reporter) -> None:
    """The database into place: pg_restore in one transaction, or the staged SQLite copy
    (synced with the blobs) moved over the empty file."""
    if manifest.backend == "postgresql":
        stage = reporter.stage("restoring the database (tables)", None)
        snapshots.postgres_restore(db.engine, folder / manifest.database_file, stage.update)
        return
    target = snapshots.sqlite_file(db.engine)
    assert target is not None and staged is not None
    db.engine.dispose()                 # the empty file is replaced: no connection to it
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(staged, target)
