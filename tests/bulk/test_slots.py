"""Download slots on a PostgreSQL store: advisory locks held by sessions of their own,
shared by every process on the store whatever its data folder (another machine), never
taken from the pool, and freed when their holder dies. The same counts on SQLite with
file locks in one data folder (one machine); the two-server tests behind nginx are in
tests/e2e/test_two_servers.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tokkyo.bulk.slots import FileSlots, SessionSlots, slots_for
from tokkyo.errors import ConfigError
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import POSTGRES_POOL_SIZE, make_engine
from tokkyo.store.repositories import download_slots

ONLY_POSTGRES = pytest.mark.parametrize("backend", ["postgresql"])


def _other(db: Database, data: Path) -> Database:
    """A second process's store on the same database: what another server opens."""
    url = db.engine.url.render_as_string(hide_password=False)
    return Database(make_engine(url), LocalBlobStore(data / "blobs"))


def _held(db: Database) -> list[tuple[int, int, str]]:
    with db.engine.connect() as conn:
        return download_slots.holders(conn)


def test_one_users_slots_are_counted_across_processes(db, backend, tmp_path):
    """Three slots taken through one process's store: a fourth is refused through
    another's (on PostgreSQL with a data folder of its own, as on another machine);
    another user's are separate; a slot given back is free to the other process."""
    their_data = tmp_path / "b" if backend == "postgresql" else tmp_path
    other = _other(db, their_data)
    try:
        mine, theirs = slots_for(db, tmp_path), slots_for(other, their_data)
        assert isinstance(mine, SessionSlots if backend == "postgresql" else FileSlots)
        taken = [mine.take(41, 3) for _ in range(3)]
        assert all(taken)
        assert theirs.take(41, 3) is None
        other_user = theirs.take(42, 3)
        assert other_user is not None
        if backend == "postgresql":
            assert [(user, slot) for user, slot, _name in _held(db)] == [
                (41, 0), (41, 1), (41, 2), (42, 0)]
        taken[1].release()
        taken[1].release()                                  # twice is harmless
        again = theirs.take(41, 3)
        assert again is not None and theirs.take(41, 3) is None
        for slot in (*taken, other_user, again):
            slot.release()
        if backend == "postgresql":
            assert _held(db) == []
    finally:
        other.close()


@ONLY_POSTGRES
def test_held_slots_take_no_connection_of_the_pool(db):
    """More slots held than the pool has connections, and the pool still answers: a
    download holds a session of its own, never one a request needs."""
    slots = slots_for(db, Path("unused"))
    held = [slots.take(7, POSTGRES_POOL_SIZE + 2) for _ in range(POSTGRES_POOL_SIZE + 2)]
    try:
        assert all(held)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert len(_held(db)) == POSTGRES_POOL_SIZE + 2
        assert db.engine.pool.checkedout() == 0
    finally:
        for slot in held:
            assert slot is not None
            slot.release()


@ONLY_POSTGRES
def test_a_killed_holders_slots_are_free_at_once(db, database_url, tmp_path):
    """A process holding two slots is SIGKILLed: its sessions end with it, so both slots
    are free again without any expiry to wait for."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from tokkyo.config import load_settings; "
        "from tokkyo.store.database import Database; from tokkyo.bulk.slots import slots_for; "
        "s = load_settings(environ={}, database_url=sys.argv[1], data_dir=sys.argv[2]); "
        "slots = slots_for(Database.open(s), s.data_path); "
        "held = [slots.take(9, 2), slots.take(9, 2)]; print(all(held), flush=True); "
        "time.sleep(60)"), database_url, str(tmp_path / "holder")],
        stdout=subprocess.PIPE, text=True)
    slots = slots_for(db, tmp_path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        assert slots.take(9, 2) is None
        assert {name for _user, _slot, name in _held(db)} == {
            f"tokkyo held pid {holder.pid}"}
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    deadline = time.monotonic() + 10
    while _held(db):                   # the server notices the closed socket at once
        assert time.monotonic() < deadline, "a killed holder's slots were never freed"
        time.sleep(0.02)
    taken = [slots.take(9, 2) for _ in range(2)]
    assert all(taken)
    for slot in taken:
        assert slot is not None
        slot.release()


@pytest.mark.parametrize(("user", "slot"), [(-1, 0), (1 << 32, 0), (1, -1), (1, 1 << 16)])
def test_keys_outside_the_key_space_are_refused(user, slot):
    with pytest.raises(ValueError) as refused:
        download_slots.slot_key(user, slot)
    assert str(refused.value) == f"no download slot key for user {user}, slot {slot}"


@ONLY_POSTGRES
def test_no_slot_at_all_holds_nothing(db):
    """A limit of 0 (or less) lets no download run, and takes no session."""
    slots = slots_for(db, Path("unused"))
    assert slots.take(5, 0) is None and slots.take(5, -1) is None
    assert _held(db) == []
    assert db.held is not None and db.held.pool.checkedout() == 0


@ONLY_POSTGRES
def test_a_session_given_back_holds_nothing_when_it_serves_again(db):
    """Held sessions are reused: one that held a slot serves the next take holding
    nothing (a lock left on it would be taken again by re-entry, one download too many)."""
    slots = slots_for(db, Path("unused"))
    first = slots.take(6, 1)
    assert first is not None
    first.release()
    assert db.held is not None and db.held.pool.checkedin() >= 1     # kept, not closed
    second = slots.take(6, 1)
    assert second is not None
    assert slots.take(6, 1) is None            # one slot, held once
    assert [(user, slot) for user, slot, _name in _held(db)] == [(6, 0)]
    second.release()
    assert _held(db) == []


@ONLY_POSTGRES
def test_a_slot_whose_session_was_ended_is_released_without_an_error(db, caplog):
    """The database ended the slot's session (a restart, an operator's
    pg_terminate_backend): the lock went with it; giving the slot back says so in the
    log and raises nothing, so the download's log entry is still written."""
    slots = slots_for(db, Path("unused"))
    slot = slots.take(11, 1)
    assert slot is not None
    with db.engine.connect() as conn:
        ended = conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = :name"),
            {"name": f"tokkyo held pid {os.getpid()}"}).scalars().all()
    assert ended == [True]
    with caplog.at_level("INFO", logger="tokkyo.bulk"):
        slot.release()
    assert "download slot (11, 0): its session had already ended" in caplog.text
    again = slots.take(11, 1)
    assert again is not None
    again.release()


def test_held_sessions_are_for_postgresql_only(sqlite_db):
    with pytest.raises(ConfigError) as refused:
        sqlite_db.held_session()
    assert str(refused.value) == "held sessions need a PostgreSQL store"


@ONLY_POSTGRES
def test_a_held_slot_outlives_the_databases_idle_timeouts(db, caplog):
    """The database ends idle sessions after 0.3 s (idle_session_timeout and its
    in-transaction sibling, as an operator may set them): a download's session, idle
    while the body is sent, keeps its slot regardless; and it probes a vanished peer
    with keepalives after 30 s."""
    name = db.engine.url.database
    with db.engine.connect() as conn, conn.begin():
        for setting in ("idle_session_timeout", "idle_in_transaction_session_timeout"):
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET {setting} = 300')
    slots = slots_for(db, Path("unused"))
    slot = slots.take(13, 1)
    assert slot is not None
    assert db.held is not None
    with db.held.connect() as conn:
        shown = {setting: conn.exec_driver_sql(f"SHOW {setting}").scalar_one() for setting in
                 ("idle_session_timeout", "tcp_keepalives_idle")}
    assert shown == {"idle_session_timeout": "0", "tcp_keepalives_idle": "30"}
    time.sleep(1.0)                    # the timeout's own business: nothing to await
    assert [(user, k) for user, k, _name in _held(db)] == [(13, 0)]
    with caplog.at_level("INFO", logger="tokkyo.bulk"):
        slot.release()
    assert "session had already ended" not in caplog.text
    assert _held(db) == []
