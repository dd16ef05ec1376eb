"""`tokkyo backup create/verify/restore` as an operator runs them, on SQLite and
PostgreSQL: a backup taken while an ingest is loading holds a consistent store (every
blob it names, no blob of the batch still loading), and a restored store answers the
API and the searches byte for byte as the original."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.api.server import Server
from tests.conftest import FOREIGN, GAZETTE, REAL, TRADEMARK_GAZETTES
from tests.operations.stores import (
    counts,
    empty_store,
    one_line,
    scalar,
    store_env,
    tokkyo,
)
from tokkyo.store.engine import make_engine

PASSWORD = "backup-test-password"
PORTAL = ["/search?q=電池", "/search?q=装置", "/documents", "/d/JP/patent/app/2020123456"]
API = ["/api/patent/v1/app_progress/2020123456", "/api/patent/v1/cite_doc_info/2020123456",
       "/api/patent/v1/app_doc_cont_refusal_reason/2020123456"]


@contextmanager
def writers_held(url, data):
    """Hold the store's writer lock (what each ingest batch takes before it writes), so
    that a running ingest waits in the middle of its run, its next batch's blobs written."""
    if not url:
        raw = sqlite3.connect(data / "tokkyo.sqlite3", timeout=30, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            raw.execute("ROLLBACK")
            raw.close()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7311730)"))
            yield
    finally:
        engine.dispose()


def answers(url, data, login_id):
    """What a set of portal pages, searches and API calls answer (status, type, bytes)."""
    server = Server(url, data)
    try:
        token = server.token(login_id, PASSWORD)
        got = {}
        for path in PORTAL:
            response = server.client.get(path)
            got[path] = (response.status_code, response.headers["content-type"],
                         response.content)
        for path in API:
            response = server.get(path, token)
            body: object = response.content
            if response.headers["content-type"] == "application/zip":
                # built per call (its entries carry the time): compared by its entries
                with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
                    body = {name: bundle.read(name) for name in bundle.namelist()}
            got[path] = (response.status_code, response.headers["content-type"], body)
        return got
    finally:
        server.stop()


def test_backup_while_ingest_runs_restores_identical_counts_and_answers(
        backend, database_url, tmp_path, request):
    source = tmp_path / "source"
    url = "" if backend == "sqlite" else database_url
    if backend == "sqlite":                       # the store in its data folder
        source.mkdir()
        (source / "tokkyo.sqlite3").write_bytes(
            Path(str(sa.engine.make_url(database_url).database)).read_bytes())
    env = store_env(url, source, ingest_batch_size="1")
    tokkyo("ingest", "-q", str(GAZETTE), str(REAL), env=env, check=0)
    tokkyo("users", "add", "backup-user1", "--password", PASSWORD, env=env, check=0)
    done = scalar(url, source, "SELECT count(*) FROM batches WHERE status = 'done'")

    # an ingest of 50 files in batches of one; once it has loaded some, it is held
    # in the middle of its run while the backup is taken
    loading = subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", "ingest", "-q",
                                str(FOREIGN / "ep"), str(TRADEMARK_GAZETTES)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while scalar(url, source, "SELECT count(*) FROM batches WHERE status = 'done'") <= done:
        assert loading.poll() is None and time.monotonic() < deadline, "the ingest ended"
        time.sleep(0.02)
    backup = tmp_path / "backup"
    with writers_held(url, source):
        made = tokkyo("backup", "create", str(backup), env=env, check=0)
        assert loading.poll() is None, "the ingest ended before the backup"
    said, _ = loading.communicate(timeout=120)
    assert loading.returncode in (0, 1) and "ingest summary" in said, said   # 1: quarantined
    assert "backup of " in made.stdout and " 0 already there" in one_line(made.stdout)
    manifest = json.loads((backup / "manifest.json").read_text())
    final = counts(url, source)
    assert done < manifest["counts"]["batches"] < final["batches"]
    assert manifest["counts"]["publications"] < final["publications"]

    verified = tokkyo("backup", "verify", str(backup), env=env, check=0)
    assert f"backup {backup} is intact: {manifest['blob_count'] + 1} files" in one_line(
        verified.stdout)
    with empty_store(backend, request, tmp_path) as (target_url, target):
        target_env = store_env(target_url, target)
        restored = tokkyo("backup", "restore", str(backup), env=target_env, check=0)
        assert "the rows of all" in one_line(restored.stdout)
        # the search outbox is work, not data: the restore ends by writing it to the
        # search engine (which a backup does not hold), so it is empty afterwards
        queued = {"search_outbox"}
        assert {k: v for k, v in counts(target_url, target).items()
                if k in manifest["counts"] and k not in queued} == {
            k: v for k, v in manifest["counts"].items() if k not in queued}
        # consistent: every blob the restored rows name is there, and no other
        checked = tokkyo("blobs", "verify", env=target_env, check=0)
        assert f"{manifest['blob_count']} blobs stored, {manifest['blob_count']} referenced" \
            in one_line(checked.stdout)
        assert "0 damaged, 0 absent, 0 unreferenced" in one_line(checked.stdout)
        tokkyo("db", "check", env=target_env, check=0)

    # again into the same folder, now that the ingest is over: only the new blobs
    again = tokkyo("backup", "create", str(backup), env=env, check=0)
    assert f"{manifest['blob_count']} already there" in one_line(again.stdout).replace(",", "")
    original = answers(url, source, "backup-user1")
    with empty_store(backend, request, tmp_path) as (target_url, target):
        tokkyo("backup", "restore", str(backup), "-q", env=store_env(target_url, target),
               check=0)
        assert counts(target_url, target) == final
        assert answers(target_url, target, "backup-user1") == original
    assert {path: answer[0] for path, answer in original.items()} == dict.fromkeys(
        PORTAL + API, 200)
    assert len(original[API[2]][2]) == 1                          # the ZIP's one entry
