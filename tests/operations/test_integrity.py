"""`tokkyo blobs verify`, `tokkyo blobs gc` and the row checks of `tokkyo db check`, on a
store loaded by the real ingest, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE
from tests.operations.stores import one_line, store_env, tokkyo
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import metadata


@pytest.fixture
def loaded(backend, database_url, tmp_path):
    """(env, blob store) of a store holding the three gazette documents."""
    env = store_env(database_url, tmp_path / "data")
    tokkyo("ingest", "-q", str(GAZETTE), env=env, check=0)
    return env, LocalBlobStore(tmp_path / "data" / "blobs")


def age(store, sha, hours):
    then = time.time() - hours * 3600
    os.utime(store.path(sha), (then, then))


def test_blobs_verify_finds_damaged_absent_and_unreferenced_blobs(loaded):
    env, store = loaded
    clean = tokkyo("blobs", "verify", "-q", env=env, check=0)
    assert one_line(clean.stdout) == ("3 blobs stored, 3 referenced; 3 re-hashed: 0 damaged, "
                                      "0 absent, 0 unreferenced")
    damaged, gone = sorted(store.names())[:2]
    data = bytearray(store.get(damaged))
    data[-1] ^= 0x20                                  # one flipped bit in the last byte
    store.path(damaged).write_bytes(bytes(data))
    store.path(gone).unlink()
    stray = store.put(b"nobody refers to this")
    found = tokkyo("blobs", "verify", "-q", env=env, check=1)
    assert one_line(found.stderr) == (
        f"damaged: blob {damaged} no longer matches its SHA-256 absent: blob {gone} is "
        "referenced but not stored")
    assert one_line(found.stdout) == (
        f"unreferenced: blob {stray} (`tokkyo blobs gc` removes it after the grace period) "
        "3 blobs stored, 3 referenced; 3 re-hashed: 1 damaged, 1 absent, 1 unreferenced")
    sampled = tokkyo("blobs", "verify", "--sample", "1", "-q", env=env, check=1)
    assert "; 1 re-hashed:" in one_line(sampled.stdout)
    # a backup of it says which blobs it could not take intact, and holds the rest
    backup = tokkyo("backup", "create", str(store.root.parent.parent / "b"), "-q", env=env,
                    check=1)
    assert one_line(backup.stderr) == (
        f"blob {gone} is referenced but not in the blob store blob {damaged} no longer "
        "matches its SHA-256 in the blob store the backup lacks 2 blob(s) the store could "
        "not give intact; everything else is in it (see `tokkyo blobs verify`)")


def test_blobs_gc_keeps_young_blobs_and_those_a_running_ingest_may_name(loaded, backend,
                                                                        database_url):
    env, store = loaded
    referenced = sorted(store.names())
    old, young, middle = (store.put(f"unreferenced {n}".encode()) for n in range(3))
    age(store, old, 5)
    age(store, middle, 1.25)               # past the grace, but a running ingest may name it
    for sha in referenced:
        age(store, sha, 100)                           # referenced: kept however old
    refused = tokkyo("blobs", "gc", "--grace", "30s", env=env, check=2)
    assert one_line(refused.stderr) == ("--grace 30s: a grace period under 1 minute(s) could "
                                        "remove a blob an ingest has just written and is "
                                        "about to name")
    bad = tokkyo("blobs", "gc", "--grace", "1 week", env=env, check=2)
    assert "'1 week' is not a time span: a number and s, m, h or d (30m, 24h, 7d)" in \
        one_line(bad.stderr)

    # a batch being loaded for 30 minutes: blobs written up to an hour before it began stay
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO batches (status, label, worker, started_at, loaded, unchanged, "
            "replaced, quarantined) VALUES ('started', 'ingest', 'elsewhere:1', :at, 0, 0, "
            "0, 0)"), {"at": dt.datetime.now(dt.UTC).replace(tzinfo=None)
                       - dt.timedelta(minutes=30)})
    dry = tokkyo("blobs", "gc", "--grace", "1h", "--dry-run", "-q", env=env, check=0)
    assert one_line(dry.stdout).startswith("would remove 1 unreferenced blob(s) (0.0 MB) last "
                                           "written before ")
    assert "kept 2 younger unreferenced blob(s); 1 batch(es) being loaded" in one_line(
        dry.stdout)
    assert sorted(store.names()) == sorted([*referenced, old, young, middle])
    tokkyo("blobs", "gc", "--grace", "1h", "-q", env=env, check=0)
    assert sorted(store.names()) == sorted([*referenced, young, middle])
    with engine.begin() as conn:                       # the batch is over
        conn.execute(sa.text("UPDATE batches SET status = 'done' WHERE status = 'started'"))
    engine.dispose()
    done = tokkyo("blobs", "gc", "--grace", "1h", "-q", env=env, check=0)
    assert one_line(done.stdout).startswith("removed 1 unreferenced blob(s)")
    assert sorted(store.names()) == sorted([*referenced, young])
    tokkyo("blobs", "verify", "-q", env=env, check=0)


def test_writing_a_stored_blob_again_makes_it_young(tmp_path):
    store = LocalBlobStore(tmp_path)
    sha = store.put(b"bytes an ingest writes again")
    age(store, sha, 48)
    assert store.stat(sha).modified < time.time() - 47 * 3600
    assert store.put(b"bytes an ingest writes again") == sha
    assert store.stat(sha).modified > time.time() - 60
    (tmp_path / "ab").mkdir(exist_ok=True)
    (tmp_path / "ab" / ".incoming-x").write_bytes(b"half written")     # not a blob
    assert list(store.names()) == [sha]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_db_check_finds_rows_that_break_foreign_keys_and_checks(loaded, database_url):
    env, _ = loaded
    checks = sum(1 for table in metadata.tables.values() for c in table.constraints
                 if isinstance(c, sa.CheckConstraint))
    assert one_line(tokkyo("db", "check", env=env, check=0).stdout).endswith(
        "tables and migrations agree foreign keys: every key points to a row (PRAGMA "
        f"foreign_key_check) CHECK constraints: all {checks} hold on every row SQLite "
        "quick_check: ok the search index agrees with the store (3 cases compared)")
    raw = sqlite3.connect(sa.engine.make_url(database_url).database, isolation_level=None)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute("DELETE FROM batches")                          # sources still name them
    raw.execute("UPDATE blobs SET size = -1 WHERE rowid = 1")
    raw.close()
    found = tokkyo("db", "check", env=env, check=1)
    assert one_line(found.stderr) == (
        "3 row(s) of sources have a foreign key to batches that points to no row "
        "1 row(s) of blobs break CHECK constraint ck_blobs_size_not_negative "
        "SQLite quick_check: CHECK constraint failed in blobs 3 problem(s) in the stored rows "
        "or the search index")
