"""Fault drills of a real `tokkyo ingest` process: the disk fills (the process's file
size limit, RLIMIT_FSIZE, as a small disk would), the blob store is read-only. The run
stops with one line saying why (no traceback), the batch being loaded is rolled back
whole, what was loaded before it stays, and the same ingest run again once there is
room loads the rest, to the same rows as a run that never failed."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, REAL, TRADEMARK_GAZETTES, table_counts
from tests.operations.stores import one_line, store_env, tokkyo
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.engine import make_engine

INPUT = [str(GAZETTE), str(REAL), str(TRADEMARK_GAZETTES)]
NOTHING_OF_IT = "nothing of the batch being loaded was written."


def ingest(env, *, limit=None, read_only_root=False, command=("ingest", "-q", *INPUT)):
    """`tokkyo ingest` of INPUT (or another `command`) in a process of its own: with a
    file size limit (its writes past `limit` bytes fail as on a full disk), or, run by
    root, without the capabilities that let root write where permissions say no."""
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)    # a failed write, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"] \
        if read_only_root else []
    return subprocess.run([*prefix, sys.executable, "-m", "tokkyo.cli.main", *command],
                          env=env, preexec_fn=limited if limit else None,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def expected(sqlite_template, tmp_path_factory):
    """Rows per table after an ingest of INPUT that never failed."""
    folder = tmp_path_factory.mktemp("reference")
    shutil.copy(sqlite_template, folder / "tokkyo.sqlite3")
    env = store_env("", folder)
    tokkyo("ingest", "-q", *INPUT, env=env, check=0)
    return counts(f"sqlite:///{folder / 'tokkyo.sqlite3'}")


def counts(url):
    engine = make_engine(url)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


def half_written(url):
    """Rows of sources written by a batch that is not done (none, ever)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT count(*) FROM sources WHERE batch_id IN "
                "(SELECT id FROM batches WHERE status <> 'done')")).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_database_disk_fills_during_ingest(database_url, tmp_path, expected):
    env = store_env(database_url, tmp_path / "data", ingest_batch_size="5")
    full = ingest(env, limit=1_000_001)
    said = one_line(full.stderr)
    assert full.returncode == 1, full.stdout + full.stderr
    assert "Traceback" not in full.stdout + full.stderr
    assert said.startswith("ingest stopped: the disk is full: no space left writing the "
                           "database (SQLite: disk I/O error: ")
    assert said.endswith(f"reached the file size limit of 1,000,001 bytes); {NOTHING_OF_IT} "
                         "Free space and run the same ingest again: what is loaded already "
                         "is skipped as unchanged")
    loaded = counts(database_url)
    assert 0 < loaded["publications"] < expected["publications"]    # stopped part way
    assert half_written(database_url) == 0
    tokkyo("db", "check", env=env, check=0)
    again = ingest(env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(database_url) == expected
    tokkyo("blobs", "verify", "-q", env=env, check=0)


def test_the_blob_store_disk_fills_during_ingest(database_url, tmp_path, expected):
    env = store_env(database_url, tmp_path / "data", ingest_batch_size="5")
    before = counts(database_url)
    full = ingest(env, limit=60_001)           # a gazette file is about 110 KB
    assert full.returncode == 1, full.stdout + full.stderr
    assert "Traceback" not in full.stdout + full.stderr
    assert one_line(full.stderr) == (
        "ingest stopped: the disk is full: no space left writing the blob store (File too "
        f"large); {NOTHING_OF_IT} Free space and run the same ingest again: what is loaded "
        "already is skipped as unchanged")
    assert counts(database_url) == before
    again = ingest(env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(database_url) == expected


def test_a_read_only_blob_store_stops_ingest_and_loses_nothing(database_url, tmp_path,
                                                               expected):
    data = tmp_path / "data"
    env = store_env(database_url, data, ingest_batch_size="5")
    tokkyo("ingest", "-q", str(GAZETTE), env=env, check=0)
    before = counts(database_url)
    stray = LocalBlobStore(data / "blobs")
    old = stray.put(b"an unreferenced blob, two days old")
    then = time.time() - 48 * 3600
    os.utime(stray.path(old), (then, then))
    folders = [data / "blobs", *(p for p in (data / "blobs").rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    root = os.geteuid() == 0
    try:
        refused = ingest(env, read_only_root=root)
        # what is stored can still be read and checked; gc says it cannot remove
        tokkyo("blobs", "verify", "-q", env=env, check=0)
        kept = ingest(env, read_only_root=root, command=("blobs", "gc", "-q"))
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    said = one_line(refused.stderr)
    assert said.startswith(f"ingest stopped: the blob store cannot be written (Permission "
                           f"denied ({data / 'blobs'}")
    assert said.endswith(f"); {NOTHING_OF_IT} Make it writable and run the same ingest again")
    assert counts(database_url) == before and half_written(database_url) == 0
    assert kept.returncode == 1 and "Traceback" not in kept.stderr
    assert one_line(kept.stderr) == (
        f"blob {old} could not be removed (Permission denied) 1 unreferenced blob(s) could "
        "not be removed: is the blob store read-only?")
    assert stray.stat(old) is not None
    again = ingest(env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(database_url) == expected
