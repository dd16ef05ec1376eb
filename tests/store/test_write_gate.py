"""SQLite writers of one process queue on the write gate instead of polling SQLite's lock;
a writer that waits too long fails as SQLite would, so the API answers 302."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tokkyo.api.context import is_timeout
from tokkyo.store.engine import (
    SQLITE_POOL_SIZE,
    WRITE_OPTION,
    counting,
    counting_connection,
    set_write_wait,
    write_connection,
)


def test_writers_queue_without_busy_errors(sqlite_db):
    """40 writers at once, each holding the lock a little while, with a busy_timeout far
    shorter than the queue: none meets "database is locked" (they queue on the gate, which
    waits up to its own, longer, timeout)."""
    engine = sqlite_db.engine
    sqlite_db.limit_waits(5000)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE gate_probe (n INTEGER)")

    def write(i: int) -> None:
        with counting_connection(engine) as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 1")   # SQLite alone would give up
            conn.execute(sa.text("INSERT INTO gate_probe VALUES (:n)"), {"n": i})
            time.sleep(0.005)

    with ThreadPoolExecutor(40) as pool:
        list(pool.map(write, range(40)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM gate_probe").scalar_one() == 40


def test_every_writer_takes_its_turn(sqlite_db):
    """The portal's, the bulk site's and ingest's writes (`write_connection`) queue on the
    same gate as the API's counts: mixed, with a 1 ms busy_timeout each, none meets
    "database is locked", and the gate is given back only once COMMIT has run (a writer
    let in before it would find SQLite's lock still taken)."""
    engine = sqlite_db.engine
    sqlite_db.limit_waits(5000)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE gate_mixed (n INTEGER)")

    def write(i: int) -> None:
        if i % 2:
            with counting_connection(engine) as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout = 1")
                conn.execute(sa.text("INSERT INTO gate_mixed VALUES (:n)"), {"n": i})
                time.sleep(0.003)
            return
        with write_connection(engine) as conn:
            with conn.begin():
                conn.exec_driver_sql("PRAGMA busy_timeout = 1")
                conn.execute(sa.text("INSERT INTO gate_mixed VALUES (:n)"), {"n": i})
                time.sleep(0.003)
            with conn.begin():          # a second transaction on the same connection
                conn.execute(sa.text("INSERT INTO gate_mixed VALUES (:n)"), {"n": -i})

    with ThreadPoolExecutor(40) as pool:
        list(pool.map(write, range(60)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM gate_mixed").scalar_one() == 90


def test_a_writer_of_the_portal_holds_the_gate(sqlite_db):
    """While a `write_connection` transaction is open, an API count waits for it (then
    times out), and gets its turn once it has ended, also by a rollback."""
    engine = sqlite_db.engine
    set_write_wait(engine, 200)
    with write_connection(engine) as conn:
        with conn.begin():
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError) as caught, \
                    counting_connection(engine):
                pass
            assert is_timeout(caught.value)
            assert 0.15 < time.monotonic() - started < 2     # the gate's wait, not SQLite's
        with counting_connection(engine) as counted:      # committed: free
            counted.exec_driver_sql("SELECT 1")
        transaction = conn.begin()
        transaction.rollback()
    with counting_connection(engine) as counted:          # rolled back: free
        counted.exec_driver_sql("SELECT 1")


def test_waiting_too_long_is_a_timeout(sqlite_db):
    engine = sqlite_db.engine
    set_write_wait(engine, 200)
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with counting_connection(engine):
            inside.set()
            leave.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10)
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError) as caught, counting_connection(engine):
            pass
        waited = time.monotonic() - started
    finally:
        leave.set()
        holder.join()
    assert is_timeout(caught.value)
    assert 0.15 < waited < 2
    with counting_connection(engine) as conn:       # the gate is free again
        conn.exec_driver_sql("SELECT 1")


def test_failed_transaction_frees_the_gate(sqlite_db):
    engine = sqlite_db.engine
    set_write_wait(engine, 200)
    with pytest.raises(sa.exc.OperationalError), counting_connection(engine) as conn:
        conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
    with counting_connection(engine) as conn:
        conn.exec_driver_sql("SELECT 1")


def test_pool_keeps_its_connections(sqlite_db):
    """Connections are reused, not opened per call: after a burst of 16 calls at once, 16
    stay in the pool with the API's busy_timeout set once each."""
    engine = sqlite_db.engine
    sqlite_db.limit_waits(1234)
    opened = []
    sa.event.listen(engine, "connect", lambda *_a: opened.append(1))
    barrier = threading.Barrier(SQLITE_POOL_SIZE)

    def call(_i: int) -> int:
        with engine.connect() as conn:
            barrier.wait(10)
            return conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()

    with ThreadPoolExecutor(SQLITE_POOL_SIZE) as pool:
        for _ in range(3):
            assert set(pool.map(call, range(SQLITE_POOL_SIZE))) == {1234}
    assert len(opened) <= SQLITE_POOL_SIZE
    assert engine.pool.checkedin() == SQLITE_POOL_SIZE


def test_count_on_the_connection_a_call_read_on(db):
    """A call reads, then counts on the same connection; the connection then goes back to
    the pool as it came (no write option on SQLite, no autocommit on PostgreSQL)."""
    engine = db.engine
    with engine.connect() as conn:
        with conn.begin():
            conn.exec_driver_sql("SELECT 1")
        with counting(conn) as counted:
            counted.exec_driver_sql("CREATE TABLE counted_probe (n INTEGER)")
            counted.exec_driver_sql("INSERT INTO counted_probe VALUES (1)")
        assert not conn.get_execution_options().get(WRITE_OPTION)
        raw = conn.connection.dbapi_connection
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM counted_probe").scalar_one() == 1
        if engine.dialect.name == "postgresql":
            assert conn.connection.dbapi_connection is raw      # the same, reset
            assert not raw.autocommit
