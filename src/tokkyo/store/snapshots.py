"""Consistent copies of the database while it is in use, and putting one back.

SQLite: the online backup API copies the file page by page inside a read transaction of
ours (WAL: writers go on meanwhile; the copy is the database as of the moment that
transaction began), so that what the backup counts and lists on that transaction before
the copy is exactly what the copy holds, and the blobs can be copied beside the database.
PostgreSQL: `pg_dump` in the custom format, reading a snapshot exported by a
transaction of ours (`pg_export_snapshot`), so that what the backup counts and lists is
exactly what the dump holds; `pg_restore` puts it back in one transaction.

The PostgreSQL client programs must be at least the server's major version (pg_dump
refuses to dump a newer server); `client_tools` says what to install when they are not.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from glob import glob
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tokkyo.errors import TerminalError

#: progress(done, total): pages or bytes (SQLite), tables (PostgreSQL)
Progress = Callable[[int, int], None]


class SnapshotError(TerminalError):
    """A copy of the database could not be made or put back; the message says why."""


def sqlite_file(engine: Engine) -> Path | None:
    """The file of an SQLite engine (None for PostgreSQL or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser().resolve()


# --- SQLite ----------------------------------------------------------------------------------

class SqliteSnapshot:
    """The SQLite database as of one moment: one read transaction, held open on a
    read-only connection. What is read on `conn` and what `copy` writes are that same
    moment, whatever other connections commit meanwhile (WAL: they go on writing)."""

    def __init__(self, conn: sa.Connection, raw: sqlite3.Connection, source: Path) -> None:
        self.conn, self._raw, self.source = conn, raw, source

    def copy(self, target: Path, progress: Progress | None = None) -> None:
        """Copy the snapshot into the new file `target` with the online backup API, in one
        step (a stepwise copy may start over), from this snapshot's own read transaction;
        `progress(bytes, total)` is fed from a watch on the target's size meanwhile. Call
        it from one thread at a time, and not while `conn` is in use."""
        raw = self._raw
        try:
            pages, page_size = (raw.execute("PRAGMA page_count").fetchone()[0],
                                raw.execute("PRAGMA page_size").fetchone()[0])
            total = pages * page_size
            dst = sqlite3.connect(target, check_same_thread=False)
            try:
                # a new file, removed when the copy fails, and synced by the caller before
                # anything names it: no rollback journal of its own, no fsync of its own
                dst.execute("PRAGMA journal_mode=OFF")
                dst.execute("PRAGMA synchronous=OFF")
                _watched(lambda: raw.backup(dst), target, total, progress)
                dst.execute("PRAGMA journal_mode=DELETE")   # one file, whatever the source's
            finally:
                dst.close()
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise SnapshotError(f"could not copy the SQLite database {self.source}: {exc}"
                                ) from exc


#: The source's pages are read through a memory map while a snapshot is copied (no read
#: system call per page); SQLite maps at most this much, and pages past it are read.
SNAPSHOT_MMAP = 1 << 40


@contextmanager
def sqlite_snapshot(source: Path) -> Iterator[SqliteSnapshot]:
    """A snapshot of the SQLite database at `source` (see SqliteSnapshot), ended when the
    block ends. SnapshotError when the file cannot be opened or read."""
    try:
        raw = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True,
                              check_same_thread=False, isolation_level=None)
    except sqlite3.Error as exc:
        raise SnapshotError(f"could not open the SQLite database {source}: {exc}") from exc
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.NullPool, creator=lambda: raw)
    try:
        with engine.connect() as conn:
            try:
                raw.execute(f"PRAGMA mmap_size={SNAPSHOT_MMAP}")
                raw.execute("BEGIN")
                # the read transaction, and so the snapshot, starts with the first read
                raw.execute("SELECT count(*) FROM sqlite_schema").fetchone()
            except sqlite3.Error as exc:
                raise SnapshotError(f"could not read the SQLite database {source}: {exc}"
                                    ) from exc
            yield SqliteSnapshot(conn, raw, source)
    finally:
        engine.dispose()
        raw.close()


def _watched(work: Callable[[], None], target: Path, total: int,
             progress: Progress | None) -> None:
    """Run `work` on a thread, reporting the size of `target` every tenth of a second."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:            # handed to the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="tokkyo-snapshot")
    thread.start()
    while thread.is_alive():
        thread.join(0.1)
        if progress is not None:
            with suppress(FileNotFoundError):
                progress(min(target.stat().st_size, total), total)
    if failure:
        raise failure[0]
    if progress is not None:
        progress(total, total)


@contextmanager
def reading(path: Path) -> Iterator[sa.Connection]:
    """A read-only connection to the SQLite file `path` (a copy being counted or
    checked: opening it read-only leaves it byte for byte as it was)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.NullPool,
                              creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


# --- PostgreSQL ------------------------------------------------------------------------------

def client_tool(name: str, server_major: int) -> str:
    """The path of `pg_dump`/`pg_restore` at least as new as the server: the newest of
    PATH and Debian's /usr/lib/postgresql/*/bin; SnapshotError saying what to install."""
    candidates = [p for p in (shutil.which(name), *glob(f"/usr/lib/postgresql/*/bin/{name}"))
                  if p]
    best: tuple[int, str] | None = None
    for path in candidates:
        major = tool_major(path)
        if major is not None and (best is None or major > best[0]):
            best = (major, path)
    install = (f"install the PostgreSQL {server_major} client programs (Debian/Ubuntu: "
               f"apt-get install postgresql-client-{server_major})")
    if best is None:
        raise SnapshotError(f"{name} was not found: {install}")
    if best[0] < server_major:
        raise SnapshotError(f"{name} {best[0]} ({best[1]}) cannot work with a PostgreSQL "
                            f"{server_major} server: {install}")
    return best[1]


def tool_major(path: str) -> int | None:
    """The major version a PostgreSQL client program says it is (`pg_dump --version`)."""
    try:
        said = subprocess.run([path, "--version"], capture_output=True, text=True,
                              timeout=30, check=False).stdout
    except OSError:
        return None
    found = re.search(r"\)\s+(\d+)", said)
    return int(found[1]) if found else None


def server_major(conn: sa.Connection) -> int:
    return int(conn.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


def libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The engine's database as a libpq URL for the client programs, and the environment
    that carries its password (never on a command line other users can read)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


@contextmanager
def postgres_dump(engine: Engine, target: Path,
                  progress: Progress | None = None) -> Iterator[sa.Connection]:
    """Dump the database to `target` (`pg_dump -Fc`) as of one snapshot, and yield a
    connection reading that same snapshot while the dump runs: what is read on it is
    what the dump holds. The dump is complete when the block ends (SnapshotError when
    pg_dump failed; the partial file is removed)."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            tool = client_tool("pg_dump", server_major(conn))
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).scalar_one()
            url, env = libpq(engine)
            command = [tool, "--format=custom", "--verbose", "--no-owner", "--no-privileges",
                       f"--snapshot={snapshot}", f"--file={target}", "--dbname", url]
            with _Tool(command, env, "dumping contents of table", tables, progress) as dump:
                yield conn
            if dump.status != 0:
                target.unlink(missing_ok=True)
                raise SnapshotError(f"pg_dump failed: {dump.last_error()}")


def postgres_restore(engine: Engine, source: Path, progress: Progress | None = None) -> None:
    """Put the dump `source` into the (empty) database of `engine`, in one transaction:
    when pg_restore fails, nothing of it stays."""
    with engine.connect() as conn:
        tool = client_tool("pg_restore", server_major(conn))
    listing = subprocess.run([tool, "--list", str(source)], capture_output=True, text=True,
                             check=False)
    if listing.returncode != 0:
        raise SnapshotError(f"{source} is not a dump pg_restore can read: "
                            f"{listing.stderr.strip().splitlines()[-1:]}")
    tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
    url, env = libpq(engine)
    command = [tool, "--verbose", "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", "--dbname", url, str(source)]
    with _Tool(command, env, "processing data for table", tables, progress) as run:
        pass
    if run.status != 0:
        raise SnapshotError(f"pg_restore failed, nothing was restored: {run.last_error()}")


def readable_dump(source: Path) -> str | None:
    """None when pg_restore can read the dump's table of contents, else what it said."""
    try:
        tool = client_tool("pg_restore", 0)
    except SnapshotError as exc:
        return str(exc)
    listing = subprocess.run([tool, "--list", str(source)], capture_output=True, text=True,
                             check=False)
    if listing.returncode == 0:
        return None
    return (listing.stderr.strip().splitlines() or ["unreadable"])[-1]


class _Tool:
    """A client program run beside the caller, its `--verbose` lines counted as
    progress (each line holding `marker` is one table done), its errors kept."""

    def __init__(self, command: list[str], env: dict[str, str], marker: str, total: int,
                 progress: Progress | None) -> None:
        self.command, self.env, self.marker = command, env, marker
        self.total, self.progress = total, progress
        self.errors: list[str] = []
        self.status = -1

    def __enter__(self) -> _Tool:
        try:
            self.process = subprocess.Popen(self.command, env=self.env, text=True,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError as exc:
            raise SnapshotError(f"could not run {self.command[0]}: {exc}") from exc
        self.reader = threading.Thread(target=self._read, name="tokkyo-pg-tool")
        self.reader.start()
        return self

    def _read(self) -> None:
        assert self.process.stderr is not None
        done = 0
        for line in self.process.stderr:
            if self.marker in line:
                done += 1
                if self.progress is not None:
                    self.progress(min(done, self.total), self.total)
            elif "error" in line.lower():
                self.errors.append(line.strip())

    def __exit__(self, *exc: object) -> None:
        self.status = self.process.wait()
        self.reader.join()
        if self.status == 0 and self.progress is not None:
            self.progress(self.total, self.total)

    def last_error(self) -> str:
        return self.errors[-1] if self.errors else f"exit status {self.status}"
