"""The store stays the source of truth: ingest commits and records index work in the same
transaction; a search engine that cannot be written (another process holds its writer, a
worker killed mid-run) loses nothing, and the worker catches up; readers in other
processes see a write whole, after its commit, never half of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, REAL, SAMPLES, table_counts
from tests.e2e.test_serve import free_port
from tokkyo.ingest.items import walk
from tokkyo.ingest.service import Ingestor
from tokkyo.search import documents, outbox
from tokkyo.search.backends.tantivy import IndexBusy, TantivyBackend
from tokkyo.store.tables import applications, publications, search_outbox

HOLD_WRITER = """
import sys, time, tantivy
from tokkyo.search.backends.tantivy.schema import build_schema
index = tantivy.Index(build_schema(), path=sys.argv[1], reuse=True)
writer = index.writer(15_000_000, 1)
print("held", flush=True)
time.sleep(120)
"""


def _load_without_indexing(db, *paths: Path) -> None:
    Ingestor(db.engine, db.blobs, workers=0).run(walk(list(paths)))


def _due(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(search_outbox)).scalar_one()


def _cases(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(applications)).scalar_one()


def test_a_busy_index_keeps_the_work_due_and_the_worker_catches_up(db, tmp_path):
    backend = TantivyBackend(tmp_path / "index", writer_wait=0.5)
    _load_without_indexing(db, GAZETTE, REAL)
    cases = _cases(db)
    assert _due(db) >= cases > 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(backend.path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = table_counts(db.engine)
        with pytest.raises(IndexBusy, match="being written by another process"):
            outbox.drain(db.engine, backend)
        assert table_counts(db.engine) == before            # the work is still due
        assert backend.count() == 0
    finally:
        holder.kill()
        holder.wait()
    assert outbox.drain(db.engine, backend) == cases
    assert _due(db) == 0
    found = outbox.check(db.engine, backend)
    assert found.agrees and found.store == found.engine == cases


def test_a_deleted_index_is_filled_again_from_the_store(db, tmp_path):
    backend = TantivyBackend(tmp_path / "index")
    _load_without_indexing(db, GAZETTE)
    outbox.drain(db.engine, backend)
    assert not outbox.fill_if_empty(db.engine, backend)        # it holds the cases
    fresh = TantivyBackend(tmp_path / "elsewhere")
    assert outbox.fill_if_empty(db.engine, fresh)
    outbox.drain(db.engine, fresh)
    assert outbox.check(db.engine, fresh).agrees


def test_check_names_what_differs_and_reindex_repairs_it(db, tmp_path):
    backend = TantivyBackend(tmp_path / "index")
    _load_without_indexing(db, GAZETTE)
    outbox.drain(db.engine, backend)
    with db.engine.begin() as conn:       # a change that bypassed ingest and its outbox
        case_id = conn.execute(sa.select(applications.c.id).limit(1)).scalar_one()
        conn.execute(sa.update(publications).where(publications.c.application_id == case_id)
                     .values(title="changed behind the engine's back"))
    found = outbox.check(db.engine, backend)
    assert not found.agrees
    assert found.stale == [case_id] and not found.missing and not found.extra
    assert outbox.reindex(db.engine, backend) == _cases(db)
    assert outbox.check(db.engine, backend).agrees


def test_a_reindex_is_seen_whole_once_it_ends_and_not_at_all_if_it_fails(db, tmp_path):
    """The reindex writer commits at its end: a failure midway leaves the index as it was;
    a reindex that ends replaces each case's document (none twice)."""
    backend = TantivyBackend(tmp_path / "index")
    _load_without_indexing(db, GAZETTE)
    outbox.drain(db.engine, backend)
    held = backend.digests(backend.ids())
    with db.engine.connect() as conn:
        docs, _ = documents.build(conn, list(held))
    changed = [replace(d, texts={"TI": ["written by a reindex"]}) for d in docs]
    with pytest.raises(RuntimeError), backend.bulk() as add:
        add(changed)
        raise RuntimeError("the store went away")
    assert backend.digests(backend.ids()) == held
    with backend.bulk() as add:
        add(changed[:1])
        add(changed[1:])
    assert backend.count() == len(held) > 0
    assert backend.digests(backend.ids()) == {d.id: documents.digest(d) for d in changed}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tokkyo.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def cli_env(tmp_path):
    return dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"), TOKKYO_DATABASE_URL="",
                TOKKYO_INGEST_WORKERS="0", TOKKYO_SEARCH_WORKER="0")


def test_killing_the_index_worker_loses_nothing(cli_env, tmp_path):
    # loaded with another index folder: the deployment's index is empty, and the worker
    # that opens it first records every stored case as due (outbox.fill_if_empty)
    loaded = _cli(dict(cli_env, TOKKYO_SEARCH_INDEX_DIR=str(tmp_path / "elsewhere")),
                  "ingest", str(GAZETTE),
                  str(REAL), str(SAMPLES / "foreign"), "--tolerant")
    assert loaded.returncode in (0, 1), loaded.stdout + loaded.stderr
    worker = subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", "search",
                               "index-worker"], env=cli_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    differs = _cli(cli_env, "search", "check")
    caught_up = _cli(cli_env, "search", "index-worker", "--once")
    assert caught_up.returncode == 0, caught_up.stdout + caught_up.stderr
    agrees = _cli(cli_env, "search", "check")
    assert agrees.returncode == 0, agrees.stdout + agrees.stderr
    assert "store and search index agree" in agrees.stdout
    assert differs.returncode in (0, 1)       # depends on how far the killed worker got


def test_two_servers_see_a_write_whole_after_its_commit(cli_env):
    first = _cli(cli_env, "ingest", str(GAZETTE))
    assert first.returncode == 0, first.stdout + first.stderr
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", "serve",
                                        "--port", str(port)], env=cli_env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers.append((process, f"http://127.0.0.1:{port}"))
        for process, base in servers:
            _wait_for(base, process)

        def totals() -> list[int]:
            return [httpx.get(f"{base}/q/all", params={"e": "EP/CC+US/CC+CN/CC"},
                              timeout=30).json()["total"] for _, base in servers]

        assert totals() == [0, 0]
        loader = subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", "ingest",
                                   str(SAMPLES / "foreign"), "--tolerant"], env=cli_env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = set()
        while loader.poll() is None:
            seen.update(totals())
            time.sleep(0.05)
        final = totals()
        assert final[0] == final[1] > 0
        # the loader writes the index in chunks of 500 cases, one commit each: a reader
        # sees none of the foreign cases, or all of them
        assert seen <= {0, final[0]}
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=20)


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server at {base} did not start")


def test_the_servers_own_worker_writes_due_work(db, tmp_path):
    from fastapi.testclient import TestClient

    from tokkyo.app import create_app
    from tokkyo.config import load_settings
    from tokkyo.search import service as search_service

    backend = TantivyBackend(tmp_path / "served")
    search_service.attach(db.engine, backend)
    settings = load_settings(None, data_dir=str(tmp_path), search_worker=True)
    with TestClient(create_app(settings, db)):
        _load_without_indexing(db, GAZETTE)
        deadline = time.monotonic() + 30
        while _due(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _due(db) == 0
    assert backend.count() == _cases(db) > 0


def test_upgrading_a_store_from_before_the_outbox_fills_the_index(cli_env, tmp_path):
    loaded = _cli(cli_env, "ingest", str(GAZETTE))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    # the store as schema 0016 left it (migrated down: no outbox), and an index folder
    # that never existed
    from tokkyo.store import migrate

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'data' / 'tokkyo.sqlite3'}")
    migrate.downgrade(engine, "0016")
    engine.dispose()
    import shutil

    shutil.rmtree(tmp_path / "data" / "search")
    upgraded = _cli(cli_env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    agrees = _cli(cli_env, "search", "check")
    assert agrees.returncode == 0, agrees.stdout + agrees.stderr
    found = _cli(cli_env, "search", "--json", "ウェーハ")
    assert found.returncode == 0 and '"total": 1' in found.stdout, found.stdout
