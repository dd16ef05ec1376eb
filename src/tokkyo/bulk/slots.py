"""At most N downloads at a time per user (bulk.md §4), across every server process and,
on PostgreSQL, every machine.

A download holds one of the user's N slots while its body is sent, and lets it go when
the body is done or abandoned; the holder's death frees it too, so a crashed worker never
leaves a slot taken.

- On a PostgreSQL store (any number of machines behind one load balancer) a slot is a
  session-level advisory lock on a session of the download's own
  (`store.repositories.download_slots` says why a lock and not a lease row).
- On the embedded SQLite store (one machine by design) a slot is a file under the data
  folder (`run/downloads/u{id}/{k}.lock`) the download holds an exclusive `flock` on:
  every `tokkyo serve` process sharing the data folder sees the same count, and the kernel
  drops the lock when the file is closed or the process dies. No database session needed.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from tokkyo.store.database import Database
from tokkyo.store.repositories import download_slots

log = logging.getLogger("tokkyo.bulk")


class Slot(Protocol):
    def release(self) -> None:
        """Give the slot back (idempotent)."""


class DownloadSlots(Protocol):
    def take(self, user_pk: int, limit: int) -> Slot | None:
        """A free slot of the user's `limit`, or None when all are in use."""


class FileSlot:
    """A slot held as a `flock` on an open file; closing the file drops the lock."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class FileSlots:
    """Slots as locked files under `root`: shared by the processes of one machine."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def take(self, user_pk: int, limit: int) -> FileSlot | None:
        folder = self.root / f"u{int(user_pk)}"
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(limit):
            fd = os.open(folder / f"{k}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return FileSlot(fd)
        return None


class SessionSlot:
    """A slot held as an advisory lock by a PostgreSQL session."""

    def __init__(self, conn: sa.Connection, user_pk: int, slot: int) -> None:
        self._conn: sa.Connection | None = conn
        self._key = (user_pk, slot)

    def release(self) -> None:
        """Unlock, and return the session to its pool. If the session is already gone
        (the database restarted) its lock went with it: nothing is left to give back, and
        the dead session is thrown away."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            download_slots.let_go(conn)
        except sa.exc.SQLAlchemyError as exc:
            log.info("download slot %s: its session had already ended (%s)", self._key,
                     type(exc).__name__)
            conn.invalidate()
        finally:
            conn.close()


class SessionSlots:
    """Slots as advisory locks in the PostgreSQL primary: shared by every process of
    every machine on the store."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def take(self, user_pk: int, limit: int) -> SessionSlot | None:
        if limit <= 0:
            return None
        conn = self.database.held_session()
        try:
            for k in range(min(limit, download_slots.MAX_SLOTS)):
                if download_slots.try_hold(conn, user_pk, k):
                    return SessionSlot(conn, user_pk, k)
        except BaseException:
            conn.invalidate()                 # what it holds is unknown: end the session
            conn.close()
            raise
        conn.close()                          # holds nothing: back to the pool
        return None


def slots_for(database: Database, data_path: Path) -> DownloadSlots:
    """The download slots of a store: session locks on PostgreSQL, file locks under
    `data_path` on SQLite."""
    if database.held is not None:
        return SessionSlots(database)
    return FileSlots(data_path / "run" / "downloads")
