"""SIGTERM to `tokkyo serve` with downloads in flight: a download that can finish within
TOKKYO_SHUTDOWN_GRACE_SECONDS finishes whole; one that cannot is ended, its log row
written with the bytes sent and its slot given back; new connections are refused at
once; the process then ends as SIGTERM asked, having done all that."""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.api.server import Server
from tests.conftest import fresh_database
from tests.monitoring.test_drill_sigkill import (
    BULK_USERS,
    MAX_DOWNLOADS,
    SIZE,
    TERMS,
    _link,
    _prepare,
)
from tokkyo.bulk.slots import FileSlots
from tokkyo.store.engine import make_engine
from tokkyo.store.repositories import users


def _read(url: str, pause: float, out: dict[str, object]) -> None:
    digest, got = hashlib.sha256(), 0
    try:
        with httpx.stream("GET", url, timeout=60) as answer:
            for chunk in answer.iter_raw(1 << 20):
                digest.update(chunk)
                got += len(chunk)
                time.sleep(pause)
    except httpx.HTTPError as exc:
        out["error"] = type(exc).__name__
    out["bytes"] = got
    out["sha256"] = digest.hexdigest()


def test_sigterm_finishes_or_ends_downloads_cleanly(request: pytest.FixtureRequest,
                                                    tmp_path: Path) -> None:
    with fresh_database("sqlite", request, tmp_path) as url:
        file_id = _prepare(url, tmp_path)
        server = Server(url, tmp_path, bulk_terms_version=TERMS, shutdown_grace_seconds="3",
                        bulk_max_downloads=str(MAX_DOWNLOADS))
        try:
            quick_url = _link(server, BULK_USERS[0][0], file_id)
            slow_url = _link(server, BULK_USERS[1][0], file_id)
            quick: dict[str, object] = {}
            slow: dict[str, object] = {}
            readers = [threading.Thread(target=_read, args=(quick_url, 0.02, quick)),
                       threading.Thread(target=_read, args=(slow_url, 0.25, slow))]
            for reader in readers:
                reader.start()
            time.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{server.base}/health", timeout=5)
            for reader in readers:
                reader.join(60)
            # uvicorn, done, raises the signal it caught again: "ended by SIGTERM"
            assert server.process.wait(30) == -signal.SIGTERM
        finally:
            server.stop()
        engine = make_engine(url)
        with engine.connect() as conn:
            logged = sorted(r.bytes for r in conn.execute(sa.text(
                "SELECT bytes FROM bulk_downloads WHERE file_id = :f"), {"f": file_id}))
            pks = [users.by_login(conn, login_id).id for login_id, _ in BULK_USERS[:2]]
        engine.dispose()
    assert quick["bytes"] == SIZE and "error" not in quick        # finished whole
    assert 0 < int(slow["bytes"]) < SIZE                       # ended by the grace time
    assert len(logged) == 2 and logged[1] == SIZE
    assert 0 < logged[0] < SIZE          # at least what was sent, to a chunk (SPAN_CHUNK)
    slots = FileSlots(tmp_path / "run" / "downloads")
    for pk in pks:
        taken = [slots.take(pk, MAX_DOWNLOADS) for _ in range(MAX_DOWNLOADS)]
        assert all(taken)
        for slot in taken:
            assert slot is not None
            slot.release()
