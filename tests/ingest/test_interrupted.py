"""A kill in the middle of a batch leaves no half-written document, and a re-run loads
the rest (real process, real SIGKILL, SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import ingest
from tests.ingest.builders import write_gazette_copies
from tokkyo.search import service as search_service
from tokkyo.search.query import parse
from tokkyo.store.tables import batches, claims, paragraphs, publications

COPIES = 240
BATCH = 30


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _assert_gone(pids: list[int]) -> None:
    """The reader processes of a killed ingest end by themselves (no orphans)."""
    deadline = time.monotonic() + 20
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in alive if Path(f"/proc/{p}").exists()
                 and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1][:3]]
    assert not alive, f"reader processes {alive} outlived the killed ingest"


def _kill_during_a_batch(db, folder, env) -> int | None:
    """Start `tokkyo ingest`, SIGKILL it while a batch's transaction is open.

    Returns the id of the batch left `started`, or None when the process finished first.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tokkyo.cli.main", "ingest", str(folder), "--batch-size",
         str(BATCH), "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            with db.engine.connect() as conn:
                rows = conn.execute(sa.select(batches.c.id, batches.c.status)).all()
            done = [r.id for r in rows if r.status == "done"]
            started = [r.id for r in rows if r.status == "started"]
            if done and started:
                time.sleep(0.05)          # well inside the batch's transaction
                readers = _children(process.pid)
                assert readers, "the ingest runs without reader processes"
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                _assert_gone(readers)
                return started[0]
            time.sleep(0.01)
        return None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _complete(conn) -> None:
    """Every stored publication has all its claims and paragraphs, and search finds each
    case by its last claim (its search document is due or written)."""
    rows = conn.execute(sa.select(
        publications.c.application_id,
        sa.select(sa.func.count()).where(claims.c.publication_id == publications.c.id)
        .scalar_subquery(),
        sa.select(sa.func.count()).where(paragraphs.c.publication_id == publications.c.id)
        .scalar_subquery())).all()
    assert {(c, p) for _id, c, p in rows} <= {(6, 81)}, "a half-written document"
    # the last claim of each document is found, and nothing else is
    claim = parse("ガラスのいずれかで構成されることを特徴とする/CL").tree
    found = search_service.search(conn, claim, sort="number", limit=1000)
    assert sorted(found.ids) == sorted(r.application_id for r in rows)


def test_kill_mid_batch_then_rerun(db, tmp_path):
    folder = tmp_path / "in"
    write_gazette_copies(folder, COPIES)
    env = dict(os.environ, TOKKYO_DATABASE_URL=db.engine.url.render_as_string(False),
               TOKKYO_BLOB_DIR=str(db.blobs.root), TOKKYO_DATA_DIR=str(tmp_path / "data"),
               TOKKYO_INGEST_WORKERS="2")      # reader processes, whatever the CPUs
    interrupted = _kill_during_a_batch(db, folder, env)
    assert interrupted is not None, "the ingest finished before it could be interrupted"
    with db.engine.connect() as conn:
        states = dict(conn.execute(sa.select(batches.c.id, batches.c.status)).all())
        assert states[interrupted] == "started"
        done = [i for i, s in states.items() if s == "done"]
        stored = conn.execute(sa.select(sa.func.count()).select_from(publications)).scalar_one()
        assert stored == len(done) * BATCH         # whole batches only
        _complete(conn)
    report = ingest(db, folder, batch_size=BATCH, workers=1)
    assert report.interrupted == [interrupted]
    assert report.counts == {"unchanged": stored, "loaded": COPIES - stored}
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(batches.c.status).where(batches.c.id == interrupted)
                            ).scalar_one() == "failed"
        assert conn.execute(sa.select(sa.func.count()).select_from(publications)
                            ).scalar_one() == COPIES
        _complete(conn)
