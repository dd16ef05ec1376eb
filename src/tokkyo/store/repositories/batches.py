"""Ingest batches: new → started → done | failed."""

from __future__ import annotations

import os
import socket

import sqlalchemy as sa

from tokkyo.store.tables import batches
from tokkyo.store.types import now_utc


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def start(conn: sa.Connection, label: str) -> int:
    return conn.execute(sa.insert(batches).values(
        status="started", label=label[:500], worker=this_worker(), started_at=now_utc())
        .returning(batches.c.id)).scalar_one()


def finish(conn: sa.Connection, batch_id: int, *, loaded: int, unchanged: int, replaced: int,
           quarantined: int) -> None:
    conn.execute(sa.update(batches).where(batches.c.id == batch_id).values(
        status="done", finished_at=now_utc(), loaded=loaded, unchanged=unchanged,
        replaced=replaced, quarantined=quarantined))


def fail(conn: sa.Connection, batch_id: int, error: str) -> None:
    conn.execute(sa.update(batches).where(batches.c.id == batch_id).values(
        status="failed", finished_at=now_utc(), error=error[:2000]))


def _alive(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True           # another machine's worker: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted(conn: sa.Connection) -> list[int]:
    """Mark `started` batches whose worker process is gone as failed; return their ids.

    Their data never committed (a batch is one transaction), so nothing is half-written;
    running the same ingest again loads what they held.
    """
    rows = conn.execute(sa.select(batches.c.id, batches.c.worker)
                        .where(batches.c.status == "started")).all()
    dead = [r.id for r in rows if r.worker and not _alive(r.worker)]
    for batch_id in dead:
        fail(conn, batch_id, "interrupted: the process loading this batch stopped before it "
                             "committed; nothing of it was written")
    return dead


def lock_writer(conn: sa.Connection) -> None:
    """One writer of stored data at a time, for the rest of the transaction: an ingest
    batch, a chunk of summaries (SQLite: BEGIN IMMEDIATE already serialises writers)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7311730)"))
