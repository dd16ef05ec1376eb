"""Backup and restore throughput of tokkyo next to bare copies of the same files.

    python bench/backup.py [--docs 2000] [--repeat 2] [--workers N]
                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

The store: --docs documents loaded by the real ingest (the generator of bench/ingest.py:
the three real gazette files of samples/jp-gazette, copied and renumbered), one blob per
document. For each database, in one run, alternating the order each repeat:

  backup   bare:   SQLite: copy the database file and every blob file (shutil), one sync
                   PostgreSQL: `pg_dump -Fc` and the same copy of the blob files
           tokkyo: `tokkyo backup create` (operations.backup.create): a consistent
                   snapshot, row counts, every blob re-hashed as it is copied, SHA256SUMS,
                   the manifest, one sync
  restore  bare:   SQLite: copy the backup's database file and blob files into a new folder
                   PostgreSQL: `pg_restore` into an empty database and the same blob copy
           tokkyo: `tokkyo backup restore` into an empty store: checks, every blob
                   re-hashed and written by the blob store (fsync each), the database
                   checked against its SHA-256, the row counts compared
Printed: MB/s (database file or dump plus blobs) and the ratio tokkyo / bare, by time
(target >= 0.8); the best of --repeat runs of each. Also an incremental backup into the
same folder (nothing new to copy) and `tokkyo backup verify`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import Databases, corpus, tokkyo_ingest
from tokkyo.ingest.service import default_workers
from tokkyo.operations import backup
from tokkyo.operations.restore import restore
from tokkyo.store import migrate, snapshots
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine


def copy_tree(source: Path, target: Path) -> int:
    """Copy every file under `source` to the same place under `target`; bytes copied."""
    copied = 0
    for folder, _dirs, files in os.walk(source):
        out = target / Path(folder).relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copyfile(Path(folder) / name, out / name)
            copied += os.path.getsize(out / name)
    return copied


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def fresh_folder(work: Path, name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=name + "-", dir=work))
    shutil.rmtree(path)
    return path


def bare_backup(file: Path | None, url: str, env: dict[str, str], blobs: Path,
                target: Path) -> None:
    """The reference: the database file (or `pg_dump -Fc`) and the blob files, copied."""
    target.mkdir()
    if file is not None:
        shutil.copyfile(file, target / "tokkyo.sqlite3")
    else:
        subprocess.run([snapshots.client_tool("pg_dump", 0), "--format=custom",
                        f"--file={target / 'dump'}", "--dbname", url], env=env, check=True)
    copy_tree(blobs, target / "blobs")
    os.sync()


def bare_restore(made: Path, manifest: backup.Manifest, empty: sa.Engine | None,
                 target: Path) -> None:
    """The reference: the backup's database file copied (or `pg_restore` into an empty
    database) and its blob files copied."""
    target.mkdir()
    if empty is None:
        shutil.copyfile(made / manifest.database_file, target / "tokkyo.sqlite3")
    else:
        url, env = snapshots.libpq(empty)
        subprocess.run([snapshots.client_tool("pg_restore", 0), "--no-owner", "--dbname", url,
                        str(made / manifest.database_file)], env=env, check=True)
    copy_tree(made / "blobs", target / "blobs")
    os.sync()


def tokkyo_restore(restored: Database, made: Path) -> None:
    result = restore(restored, made)
    assert not result.differences, result.differences


def alternate(turn: int, bare: Callable[[], object], tokkyo: Callable[[], object]
              ) -> tuple[float, float]:
    """(bare seconds, tokkyo seconds), run in one order on even turns, the other on odd."""
    if turn % 2 == 0:
        first = timed(bare)
        return first, timed(tokkyo)
    second = timed(tokkyo)
    return timed(bare), second


def measure(backend: str, engine: sa.Engine, blobs: Path, work: Path, databases: Databases,
            repeat: int) -> None:
    db = Database(engine, LocalBlobStore(blobs))
    file = snapshots.sqlite_file(engine)
    url, env = snapshots.libpq(engine) if backend == "postgresql" else ("", {})
    runs: dict[str, list[float]] = {k: [] for k in ("bare backup", "tokkyo backup",
                                                     "bare restore", "tokkyo restore")}
    for turn in range(repeat):
        bare_dir, made = fresh_folder(work, "bare"), fresh_folder(work, "backup")
        bare, tokkyo = alternate(turn, partial(bare_backup, file, url, env, blobs, bare_dir),
                                 partial(backup.create, db, made))
        runs["bare backup"].append(bare)
        runs["tokkyo backup"].append(tokkyo)
        manifest = backup.Manifest.read(made)

        target, bare_target = fresh_folder(work, "restored"), fresh_folder(work, "bare-r")
        target.mkdir()
        empty = databases.fresh(backend) if backend == "postgresql" else make_engine(
            f"sqlite:///{target / 'tokkyo.sqlite3'}")
        restored = Database(empty, LocalBlobStore(target / "blobs"))
        bare_empty = databases.fresh(backend) if backend == "postgresql" else None
        bare, tokkyo = alternate(turn, partial(bare_restore, made, manifest, bare_empty,
                                               bare_target),
                                 partial(tokkyo_restore, restored, made))
        runs["bare restore"].append(bare)
        runs["tokkyo restore"].append(tokkyo)
        restored.close()
        if bare_empty is not None:
            bare_empty.dispose()
        incremental = timed(partial(backup.create, db, made))
        verify = timed(partial(backup.verify, made))
        for folder in (bare_dir, made, target, bare_target):
            shutil.rmtree(folder, ignore_errors=True)

    size = manifest.database_size + manifest.blob_bytes
    megabytes = size / 1e6
    print(f"{backend}: {megabytes:,.1f} MB (database {manifest.database_size / 1e6:,.1f} MB "
          f"+ {manifest.blob_count:,} blobs {manifest.blob_bytes / 1e6:,.1f} MB); best of "
          f"{repeat}")
    for what in ("backup", "restore"):
        b, t = min(runs[f"bare {what}"]), min(runs[f"tokkyo {what}"])
        print(f"  {what:8s} bare   {megabytes / b:8.1f} MB/s ({b:6.2f} s)")
        print(f"  {what:8s} tokkyo {megabytes / t:8.1f} MB/s ({t:6.2f} s)   "
              f"ratio tokkyo / bare {b / t:.2f} (target >= 0.8)")
    print(f"  incremental backup, nothing new: {incremental:.2f} s;  verify: "
          f"{megabytes / verify:.1f} MB/s ({verify:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    docs = corpus(args.docs)
    print(f"input: {len(docs)} documents, {sum(len(d) for _, d in docs) / 1e6:.1f} MB — "
          "copies of the real gazette files in samples/jp-gazette (renumbered)")
    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    if not args.postgres_url:
        print("postgresql: skipped (no --postgres-url or TOKKYO_TEST_POSTGRES_URL)")
    with tempfile.TemporaryDirectory(prefix="tokkyo-bench-backup-") as tmp:
        work = Path(tmp)
        databases = Databases(work, args.postgres_url)
        try:
            for backend in backends:
                engine = databases.fresh(backend)
                migrate.upgrade(engine)
                blobs = work / f"blobs-{backend}"
                start = time.perf_counter()
                tokkyo_ingest(engine, blobs, docs, 100, args.workers,
                              work / f"index-{backend}")
                print(f"{backend}: store built by tokkyo ingest in "
                      f"{time.perf_counter() - start:.0f} s")
                measure(backend, engine, blobs, work, databases, args.repeat)
                engine.dispose()
        finally:
            databases.drop_all()


if __name__ == "__main__":
    main()
