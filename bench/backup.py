"""Backup and restore throughput of tokkyo next to bare copies of the same files.

    python bench/backup.py [--docs 2000] [--repeat 2] [--workers N] [--store DIR]
                           [--two-copies]
                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
                           [--only sqlite|postgresql] [--work DIR]

--store DIR keeps the store between runs (DIR/tokkyo.sqlite3 and DIR/blobs-sqlite; on
PostgreSQL the database named in DIR/postgresql-database, made on the --postgres-url
server): a store holding fewer than --docs documents is loaded further, in chunks of
--chunk, by the same ingest; one holding as many is measured as it is. Without it the store
is built in a temporary folder and removed. The documents are generated as they are read
(a 100 k corpus is 11 GB: it is never held in memory). Every folder a step writes is
removed as soon as it has been measured, so the disk holds the store, one backup and one
restored copy at a time.

The store: --docs documents loaded by the real ingest (the generator of bench/ingest.py:
the three real gazette files of samples/jp-gazette, copied and renumbered), about 1.4
blobs per document. For each database, in one run, alternating the order each repeat:

  backup   bare:   SQLite: copy the database file and every blob file (shutil), one sync
                   PostgreSQL: `pg_dump -Fc` and the same copy of the blob files
           tokkyo: `tokkyo backup create` (operations.backup.create): a consistent
                   snapshot, row counts, every blob re-hashed as it is copied, SHA256SUMS,
                   the manifest, one sync
  restore  bare:   SQLite: copy the backup's database file and blob files into a new folder
                   PostgreSQL: `pg_restore` into an empty database and the same blob copy
           tokkyo: `tokkyo backup restore` into an empty store: checks, every blob
                   re-hashed as the blob store writes it (one sync for all), the database
                   checked against its SHA-256 as it is copied, the row counts compared
Printed: MB/s (database file or dump plus blobs) and the ratio tokkyo / bare, by time
(target >= 0.8); the best of --repeat runs of each (every run's seconds printed too), and
the load average before and after each turn. Also an incremental backup into the
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
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lxml import etree

from ingest import SOURCES, Databases
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.service import Ingestor, default_workers
from tokkyo.operations import backup
from tokkyo.operations.restore import restore
from tokkyo.search import outbox
from tokkyo.search.backends.tantivy import TantivyBackend
from tokkyo.store import migrate, snapshots
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine, normalise_url


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


def documents(start: int, count: int) -> Iterator[SourceItem]:
    """Documents `start` to `start + count` of the corpus of bench/ingest.py (the same
    renumbered copies of the real gazette files), made one at a time as they are read."""
    originals = [(path.name, path.read_bytes()) for path in SOURCES]
    numbers = []
    for _name, data in originals:
        root = etree.fromstring(data)
        numbers.append((
            root.findtext("bibliographic-data/publication-reference/document-id/doc-number"),
            root.findtext("bibliographic-data/application-reference/document-id/doc-number")))
    for i in range(start, start + count):
        data = originals[i % len(originals)][1]
        pub, app = numbers[i % len(originals)]
        new_pub = f"{2030 + i // 900000}{100000 + i % 900000:06d}"
        new_app = f"{2029 + i // 900000}{100000 + i % 900000:06d}"
        yield SourceItem(f"copy{i:06d}.xml",
                         data.replace(f">{pub}<".encode(), f">{new_pub}<".encode(), 1)
                         .replace(f">{app}<".encode(), f">{new_app}<".encode(), 1))


class Store:
    """The measured store: a database and its blob folder, loaded by the real ingest up to
    the documents asked for (kept in `folder` between runs when it is not temporary)."""

    def __init__(self, backend: str, folder: Path, databases: BenchDatabases,
                 keep: bool) -> None:
        self.backend, self.folder = backend, folder
        self.blobs = folder / f"blobs-{backend}"
        self.count_file = folder / f"{backend}-documents"
        if backend == "sqlite":
            self.engine = make_engine(f"sqlite:///{folder / 'tokkyo.sqlite3'}")
        else:
            name_file = folder / "postgresql-database"
            if not name_file.exists():
                engine = databases.fresh(backend)
                if keep:                            # --store: kept for the next run
                    databases.created.remove(str(engine.url.database))
                name_file.write_text(str(engine.url.database))
                engine.dispose()
            url = sa.engine.make_url(normalise_url(databases.postgres_url or ""))
            self.engine = make_engine(url.set(database=name_file.read_text().strip())
                                      .render_as_string(False))
        migrate.upgrade(self.engine)

    @property
    def documents(self) -> int:
        return int(self.count_file.read_text()) if self.count_file.exists() else 0

    def load(self, docs: int, chunk: int, workers: int) -> None:
        """Ingest documents until the store holds `docs`, `chunk` per ingest run (a run
        interrupted loses only its own chunk; the next call starts from the count)."""
        while (have := self.documents) < docs:
            take = min(chunk, docs - have)
            start = time.perf_counter()
            report = Ingestor(self.engine, LocalBlobStore(self.blobs), batch_size=100,
                              workers=workers).run(documents(have, take))
            assert report.counts == {"loaded": take}, report.counts
            written = outbox.drain(self.engine, TantivyBackend(self.folder / "index"))
            assert written == take, written
            self.count_file.write_text(str(have + take))
            rate = take / (time.perf_counter() - start)
            print(f"{self.backend}: {have + take:,} documents loaded ({rate:.0f} docs/s this "
                  f"chunk; load {load_average()})", flush=True)


class BenchDatabases(Databases):
    """bench/ingest.py's fresh databases, named `bench_backup_…`, each also dropped on its
    own once measured."""

    def fresh(self, backend: str) -> sa.Engine:
        if backend == "sqlite":
            return super().fresh(backend)
        name = f"bench_backup_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(normalise_url(self.postgres_url or ""),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        self.created.append(name)
        url = sa.engine.make_url(normalise_url(self.postgres_url or "")).set(database=name)
        return make_engine(url.render_as_string(False))

    def drop(self, name: str) -> None:
        admin = sa.create_engine(normalise_url(self.postgres_url or ""),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
        if name in self.created:
            self.created.remove(name)


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def bare_restore_once(made: Path, manifest: backup.Manifest, backend: str, work: Path,
                      databases: BenchDatabases) -> float:
    """Seconds of one bare restore of the backup `made`; what it wrote is removed after."""
    target = fresh_folder(work, "bare-r")
    empty = databases.fresh(backend) if backend == "postgresql" else None
    try:
        return timed(partial(bare_restore, made, manifest, empty, target))
    finally:
        shutil.rmtree(target, ignore_errors=True)
        if empty is not None:
            empty.dispose()
            databases.drop(str(empty.url.database))


def tokkyo_restore_once(made: Path, backend: str, work: Path,
                        databases: BenchDatabases, keep_as: Path | None = None) -> float:
    """Seconds of one `tokkyo backup restore` of `made` into an empty store, removed after
    (SQLite: moved to `keep_as` instead, a folder holding tokkyo.sqlite3 and blobs/)."""
    target = fresh_folder(work, "restored")
    target.mkdir()
    empty = databases.fresh(backend) if backend == "postgresql" else make_engine(
        f"sqlite:///{target / 'tokkyo.sqlite3'}")
    restored = Database(empty, LocalBlobStore(target / "blobs"))
    try:
        seconds = timed(partial(tokkyo_restore, restored, made))
        restored.close()
        if keep_as is not None:
            os.replace(target / "tokkyo.sqlite3", keep_as / "tokkyo.sqlite3")
            os.replace(target / "blobs", keep_as / "blobs")
        return seconds
    finally:
        restored.close()
        shutil.rmtree(target, ignore_errors=True)
        if backend == "postgresql":
            databases.drop(str(empty.url.database))


def measure_in_two_copies(store: Store, work: Path, databases: BenchDatabases,
                          repeat: int) -> None:
    """SQLite, for a disk that holds the store and one copy but not a third: the backups
    first (each removed once measured, but the last tokkyo one), `verify`; then the store
    is removed and the restores read that backup (each removed once measured, but the
    last tokkyo one, which becomes the store again: the very files a restore gives).
    Within each phase the order alternates turn by turn, ending with tokkyo's. The
    incremental backup is not measured (it would write a third copy of the database)."""
    db = Database(store.engine, LocalBlobStore(store.blobs))
    file = snapshots.sqlite_file(store.engine)
    assert file is not None and file.parent == store.folder, file
    runs: dict[str, list[float]] = {k: [] for k in ("bare backup", "tokkyo backup",
                                                     "bare restore", "tokkyo restore")}
    loads = [load_average()]
    made: Path | None = None
    for turn in range(repeat):
        last = turn == repeat - 1
        for who in _ending_with_tokkyo(turn, repeat):
            target = fresh_folder(work, who)
            run = (partial(bare_backup, file, "", {}, store.blobs, target) if who == "bare"
                   else partial(backup.create, db, target))
            runs[f"{who} backup"].append(timed(run))
            if who == "tokkyo" and last:
                made = target
            else:
                shutil.rmtree(target, ignore_errors=True)
        loads.append(load_average())
    assert made is not None
    manifest = backup.Manifest.read(made)
    verify = timed(partial(backup.verify, made))
    db.close()
    store.engine.dispose()
    for name in (file.name, file.name + "-wal", file.name + "-shm"):
        (store.folder / name).unlink(missing_ok=True)
    shutil.rmtree(store.blobs)
    print(f"sqlite: the store removed; restores read {made.name}, the last becomes the store",
          flush=True)
    for turn in range(repeat):
        last = turn == repeat - 1
        for who in _ending_with_tokkyo(turn, repeat):
            if who == "bare":
                runs["bare restore"].append(bare_restore_once(made, manifest, "sqlite", work,
                                                              databases))
            else:
                runs["tokkyo restore"].append(tokkyo_restore_once(
                    made, "sqlite", work, databases, keep_as=store.folder if last else None))
        loads.append(load_average())
    shutil.rmtree(made, ignore_errors=True)
    report("sqlite", manifest, repeat, loads, runs, verify, None)


def _ending_with_tokkyo(turn: int, repeat: int) -> tuple[str, str]:
    """The order of a turn: alternating turn by turn, the last turn's ending with tokkyo."""
    return ("bare", "tokkyo") if (repeat - 1 - turn) % 2 == 0 else ("tokkyo", "bare")


def measure(backend: str, engine: sa.Engine, blobs: Path, work: Path, databases: BenchDatabases,
            repeat: int) -> None:
    """Backup and restore, bare and tokkyo, `repeat` times in alternating order; each
    folder removed once measured."""
    db = Database(engine, LocalBlobStore(blobs))
    file = snapshots.sqlite_file(engine)
    url, env = snapshots.libpq(engine) if backend == "postgresql" else ("", {})
    runs: dict[str, list[float]] = {k: [] for k in ("bare backup", "tokkyo backup",
                                                     "bare restore", "tokkyo restore")}
    loads = [load_average()]
    for turn in range(repeat):
        made = fresh_folder(work, "backup")
        bare_dir = fresh_folder(work, "bare")
        backups = [("bare", partial(bare_backup, file, url, env, blobs, bare_dir)),
                   ("tokkyo", partial(backup.create, db, made))]
        for who, run in backups[:: 1 if turn % 2 == 0 else -1]:
            runs[f"{who} backup"].append(timed(run))
            shutil.rmtree(bare_dir, ignore_errors=True)
        manifest = backup.Manifest.read(made)
        restores = [("bare", partial(bare_restore_once, made, manifest, backend, work,
                                     databases)),
                    ("tokkyo", partial(tokkyo_restore_once, made, backend, work, databases))]
        for who, run in restores[:: 1 if turn % 2 == 0 else -1]:
            runs[f"{who} restore"].append(run())
        incremental = timed(partial(backup.create, db, made))
        verify = timed(partial(backup.verify, made))
        shutil.rmtree(made, ignore_errors=True)
        loads.append(load_average())

    report(backend, manifest, repeat, loads, runs, verify, incremental)


def report(backend: str, manifest: backup.Manifest, repeat: int, loads: list[str],
           runs: dict[str, list[float]], verify: float, incremental: float | None) -> None:
    size = manifest.database_size + manifest.blob_bytes
    megabytes = size / 1e6
    print(f"{backend}: {megabytes:,.1f} MB (database {manifest.database_size / 1e6:,.1f} MB "
          f"+ {manifest.blob_count:,} blobs {manifest.blob_bytes / 1e6:,.1f} MB); best of "
          f"{repeat}; load average (1/5/15 min) before and after each turn: "
          f"{', '.join(loads)}")
    for what in ("backup", "restore"):
        b, t = min(runs[f"bare {what}"]), min(runs[f"tokkyo {what}"])
        print(f"  {what:8s} bare   {megabytes / b:8.1f} MB/s ({b:6.2f} s)   all: "
              f"{' '.join(f'{x:.2f}' for x in runs[f'bare {what}'])}")
        print(f"  {what:8s} tokkyo {megabytes / t:8.1f} MB/s ({t:6.2f} s)   ratio tokkyo / bare"
              f" {b / t:.2f} (target >= 0.8); all: "
              f"{' '.join(f'{x:.2f}' for x in runs[f'tokkyo {what}'])}")
    increment = (f"incremental backup, nothing new: {incremental:.2f} s" if incremental
                 is not None else "incremental backup: not measured (--two-copies)")
    print(f"  {increment};  verify: {megabytes / verify:.1f} MB/s ({verify:.2f} s)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--store", type=Path, help="keep the store here between runs")
    parser.add_argument("--work", type=Path, help="where backups and restores are written "
                        "(default: a temporary folder)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--load-only", action="store_true",
                        help="load the --store up to --docs and stop")
    parser.add_argument("--two-copies", action="store_true",
                        help="SQLite: never more than the store and one copy on disk (the "
                             "store is removed for the restores and replaced by the last "
                             "one; see measure_in_two_copies)")
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    if args.only:
        backends = [args.only]
    if "postgresql" in backends and not args.postgres_url:
        parser.error("--only postgresql needs --postgres-url")
    if not args.postgres_url and not args.only:
        print("postgresql: skipped (no --postgres-url or TOKKYO_TEST_POSTGRES_URL)")
    print(f"input: {args.docs:,} documents — copies of the real gazette files in "
          "samples/jp-gazette (renumbered)", flush=True)
    with tempfile.TemporaryDirectory(prefix="tokkyo-bench-backup-", dir=args.work) as tmp:
        work = Path(tmp)
        databases = BenchDatabases(work, args.postgres_url)
        try:
            for backend in backends:
                folder = args.store or work / f"store-{backend}"
                folder.mkdir(parents=True, exist_ok=True)
                store = Store(backend, folder, databases, keep=args.store is not None)
                start = time.perf_counter()
                before = store.documents
                store.load(args.docs, args.chunk, args.workers)
                if store.documents > before:
                    print(f"{backend}: {store.documents - before:,} documents loaded by "
                          f"tokkyo ingest in {time.perf_counter() - start:.0f} s")
                if args.load_only:
                    store.engine.dispose()
                    continue
                if store.documents != args.docs:
                    print(f"{backend}: the store holds {store.documents:,} documents, not "
                          f"{args.docs:,}: measured as it is")
                if args.two_copies and backend == "sqlite":
                    measure_in_two_copies(store, work, databases, args.repeat)
                else:
                    measure(backend, store.engine, store.blobs, work, databases, args.repeat)
                store.engine.dispose()
        finally:
            databases.drop_all()


if __name__ == "__main__":
    main()
