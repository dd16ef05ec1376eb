"""What a backup or a restore refuses, with the exact message and nothing written: a
flipped byte in a backup, a store that is not empty, a schema of another revision, a
backup of another kind of database, a folder that is not a backup's."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE
from tests.operations.stores import counts, empty_store, one_line, store_env, tokkyo
from tokkyo.store import migrate
from tokkyo.store.engine import make_engine


@pytest.fixture
def backed_up(backend, database_url, tmp_path):
    """(env of a store with the three gazette documents, its backup folder)."""
    env = store_env(database_url, tmp_path / "data")
    tokkyo("ingest", "-q", str(GAZETTE), env=env, check=0)
    tokkyo("backup", "create", str(tmp_path / "backup"), "-q", env=env, check=0)
    return env, tmp_path / "backup"


def tables(url, data):
    if not url and not (data / "tokkyo.sqlite3").exists():
        return []
    engine = make_engine(url or f"sqlite:///{data / 'tokkyo.sqlite3'}")
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def nothing_in(url, data):
    """Whether the store has no table at all (a restore refused or failed wrote none)."""
    return tables(url, data) == []


def blob_files(data):
    return sorted(p for p in (data / "blobs").rglob("*") if p.is_file())


def test_a_flipped_byte_is_found_by_verify_and_stops_the_restore(backed_up, backend,
                                                                 request, tmp_path):
    env, backup = backed_up
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["blob_count"] == 3 and manifest["counts"]["publications"] == 3
    blob = sorted((backup / "blobs").rglob("*/*/*"))[1]
    data = bytearray(blob.read_bytes())
    data[100] ^= 0x01
    blob.write_bytes(bytes(data))
    name = blob.relative_to(backup).as_posix()
    result = tokkyo("backup", "verify", str(backup), "-q", env=env, check=1)
    assert one_line(result.stderr).startswith(f"{name}: SHA-256 is ")
    assert one_line(result.stderr).endswith(f"backup {backup} is damaged: 1 problem(s)")
    with empty_store(backend, request, tmp_path) as (url, target):
        refused = tokkyo("backup", "restore", str(backup), "-q", env=store_env(url, target),
                         check=1)
        assert one_line(refused.stderr).endswith(
            f"{name} in the backup does not match its SHA-256: the backup is damaged (see "
            "`tokkyo backup verify`); nothing was restored")
        assert blob_files(target) == []                 # the blobs put before it: removed
        assert nothing_in(url, target)


def test_a_restore_into_a_store_that_is_not_empty_is_refused(backed_up, backend, request,
                                                             tmp_path):
    _env, backup = backed_up
    with empty_store(backend, request, tmp_path) as (url, target):
        target_env = store_env(url, target)
        tokkyo("users", "add", "somebody-1", "--password", "somebody-password",
               env=target_env, check=0)
        before = counts(url, target)
        refused = tokkyo("backup", "restore", str(backup), "-q", env=target_env, check=1)
        where = url or target / "tokkyo.sqlite3"
        assert one_line(refused.stderr) == (
            f"restore refused: the store at {where} is not empty ({len(tables(url, target))} "
            "tables); "
            "restore into an empty store: a new SQLite file or a new PostgreSQL database")
        assert counts(url, target) == before and blob_files(target) == []
    with empty_store(backend, request, tmp_path) as (url, target):      # blobs but no rows
        (target / "blobs" / "ab" / "cd").mkdir(parents=True)
        stray = target / "blobs" / "ab" / "cd" / ("abcd" + "0" * 60)
        stray.write_bytes(b"left over")
        refused = tokkyo("backup", "restore", str(backup), "-q", env=store_env(url, target),
                         check=1)
        assert one_line(refused.stderr).endswith(
            f"restore refused: the blob store at {target / 'blobs'} is not empty; restore "
            "into an empty blob store")
        assert blob_files(target) == [stray]


def test_a_backup_of_another_schema_revision_needs_upgrade(backend, request, tmp_path):
    with empty_store(backend, request, tmp_path) as (url, data):
        engine = make_engine(url or f"sqlite:///{data / 'tokkyo.sqlite3'}")
        migrate.upgrade(engine, "0015")
        engine.dispose()
        backup = tmp_path / "old"
        tokkyo("backup", "create", str(backup), "-q", env=store_env(url, data), check=0)
    head = migrate.head_revision()
    with empty_store(backend, request, tmp_path) as (url, target):
        target_env = store_env(url, target)
        refused = tokkyo("backup", "restore", str(backup), "-q", env=target_env, check=1)
        assert one_line(refused.stderr).endswith(
            f"restore refused: the backup is at schema revision 0015 and this tokkyo at "
            f"{head}: run the restore with --upgrade to migrate the restored store to this "
            "version")
        assert blob_files(target) == [] and nothing_in(url, target)
        done = tokkyo("backup", "restore", str(backup), "--upgrade", "-q", env=target_env,
                      check=0)
        assert f"migrated from schema 0015 to {head}" in done.stdout
        assert tokkyo("db", "current", env=target_env, check=0).stdout.strip() == head
    manifest = json.loads((backup / "manifest.json").read_text())
    (backup / "manifest.json").write_text(json.dumps({**manifest,
                                                      "schema_revision": "0099_future"}))
    with empty_store(backend, request, tmp_path) as (url, target):
        refused = tokkyo("backup", "restore", str(backup), "--upgrade", "-q",
                         env=store_env(url, target), check=1)
        assert one_line(refused.stderr).endswith(
            "restore refused: the backup's schema revision 0099_future is not one this "
            f"tokkyo knows (the backup was made by tokkyo {manifest['tokkyo_version']}): "
            "restore it with that version or a newer one")


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_backup_of_sqlite_is_not_restored_into_postgresql(request, tmp_path, backend):
    sqlite_env = store_env("", tmp_path / "lite")
    tokkyo("db", "upgrade", env=sqlite_env, check=0)
    tokkyo("backup", "create", str(tmp_path / "b"), "-q", env=sqlite_env, check=0)
    with empty_store("postgresql", request, tmp_path) as (url, target):
        refused = tokkyo("backup", "restore", str(tmp_path / "b"), "-q",
                         env=store_env(url, target), check=1)
        assert one_line(refused.stderr).endswith(
            "is postgresql; restore it into a sqlite store")
        assert "restore refused: the backup is of a sqlite store and the store at" in \
            one_line(refused.stderr)


def test_backup_folders_and_manifests_that_are_not_a_backups(tmp_path):
    env = store_env("", tmp_path / "data")
    tokkyo("ingest", "-q", str(GAZETTE), env=env, check=0)
    other = tmp_path / "photos"
    other.mkdir()
    (other / "me.jpg").write_bytes(b"jpeg")
    refused = tokkyo("backup", "create", str(other), "-q", env=env, check=1)
    assert one_line(refused.stderr) == (
        f"{other} is not empty and holds no tokkyo backup: give a new folder, or the folder "
        "of an earlier backup (its blobs are reused)")
    assert [p.name for p in other.iterdir()] == ["me.jpg"]
    assert one_line(tokkyo("backup", "verify", str(other), env=env, check=1).stderr) == (
        f"{other} holds no tokkyo backup (no manifest.json)")
    (other / "manifest.json").write_text('{"format": "something-else"}')
    assert one_line(tokkyo("backup", "restore", str(other), env=store_env(
        "", tmp_path / "new"), check=1).stderr) == (
        f"{other / 'manifest.json'} is not a manifest of this kind (tokkyo-backup/1); it "
        "says 'something-else'")
    assert not (tmp_path / "new").exists()                  # refused: nothing created
    # a backup whose checksum file is not the manifest's (interrupted, or tampered with)
    backup = tmp_path / "b"
    tokkyo("backup", "create", str(backup), "-q", env=env, check=0)
    with (backup / "SHA256SUMS").open("a") as sums:
        sums.write(f"{'0' * 64}  blobs/00/00/{'0' * 64}\n")
    assert one_line(tokkyo("backup", "verify", str(backup), env=env, check=1).stderr) == (
        f"{backup / 'SHA256SUMS'} is not the one the manifest describes (its SHA-256 "
        "differs): the backup is damaged or was interrupted")
