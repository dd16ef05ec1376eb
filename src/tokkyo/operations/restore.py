"""`tokkyo backup restore`: a backup put back into an empty store.

Refused, with nothing written, when the store or its blob store is not empty, when the
backup is of another kind of database, or when its schema revision is not this
tokkyo's (unless told to upgrade: then the restored store is migrated afterwards; a
revision this tokkyo does not know, from a newer version, is refused even so).
Blobs go in first, each checked against its name, then the database (SQLite: the file
checked against its SHA-256 and moved into place; PostgreSQL: `pg_restore` in one
transaction), so a store with rows never lacks their blobs. When anything fails, the
blobs written are removed again. It ends by counting the rows of every table and
comparing them with the manifest's counts.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tokkyo.operations.errors import BackupError, RestoreFailed, RestoreRefused
from tokkyo.operations.manifest import BLOBS, CHUNK, Manifest, hash_file, read_sums
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
    try:
        _put_blobs(db, folder, blobs, written, reporter, manifest.blob_bytes)
        _put_database(db, folder, manifest, database[0], reporter)
    except BaseException:
        for sha in written:
            db.blobs.delete(sha)
        raise
    result = Restored(manifest, blobs=len(written))
    with db.read() as conn:
        result.counts = inventory.table_counts(conn)
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


def _put_blobs(db: Database, folder: Path, blobs: list[tuple[str, str]], written: list[str],
               reporter: Reporter, total: int) -> None:
    stage = reporter.stage("restoring blobs", total, in_bytes=True)
    for sha, path in blobs:
        try:
            with (folder / path).open("rb") as source:
                stored, size = db.blobs.put_stream(source)
        except FileNotFoundError:
            raise RestoreFailed(f"{folder / path} is missing: the backup is damaged (see "
                                "`tokkyo backup verify`); nothing was restored") from None
        except OSError as exc:
            raise RestoreFailed(f"the blob store cannot be written ({exc.strerror}"
                                f"{': ' + str(exc.filename) if exc.filename else ''}); "
                                "nothing was restored") from exc
        written.append(stored)
        if stored != sha:
            raise RestoreFailed(f"{path} in the backup does not match its SHA-256: the backup "
                                "is damaged (see `tokkyo backup verify`); nothing was "
                                "restored")
        stage.advance(size)


def _put_database(db: Database, folder: Path, manifest: Manifest, sha: str,
                  reporter: Reporter) -> None:
    source = folder / manifest.database_file
    damaged = (f"{manifest.database_file} in the backup does not match its SHA-256: the "
               "backup is damaged (see `tokkyo backup verify`); nothing was restored")
    if manifest.backend == "postgresql":
        if hash_file(source)[0] != sha:
            raise RestoreFailed(damaged)
        stage = reporter.stage("restoring the database (tables)", None)
        snapshots.postgres_restore(db.engine, source, stage.update)
        return
    target = snapshots.sqlite_file(db.engine)
    if target is None:
        raise RestoreRefused("restore refused: an in-memory SQLite database cannot be "
                             "restored into")
    db.engine.dispose()                 # the empty file is replaced: no connection to it
    stage = reporter.stage("restoring the database", manifest.database_size, in_bytes=True)
    tmp = target.with_name(f".{target.name}.restoring")
    try:
        digest = hashlib.sha256()
        with source.open("rb") as handle, tmp.open("wb") as out:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                stage.advance(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha:
            raise RestoreFailed(damaged)
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
