"""A busy database is a `StoreBusy` (a `TransientError`), decided at the store boundary by
the databases' codes: SQLite's SQLITE_BUSY / SQLITE_LOCKED, PostgreSQL's lock timeout,
statement timeout, serialisation failure and deadlock. Real databases, real contention."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from tests.conftest import fresh_database
from tokkyo.errors import TransientError
from tokkyo.store.engine import make_engine, set_write_wait, write_connection
from tokkyo.store.errors import StoreBusy, busy_reason


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def test_sqlite_write_lock_held_by_another_connection(tmp_path):
    """Another connection (another process, as far as this engine can tell) holds SQLite's
    write lock; a writer with a short busy_timeout gets StoreBusy, and wrote nothing."""
    path = tmp_path / "busy.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE probe (n INTEGER)")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy) as caught, write_connection(engine) as conn:
            # on the driver's connection: a statement here would begin the transaction
            conn.connection.driver_connection.execute("PRAGMA busy_timeout = 50")
            with conn.begin():
                conn.exec_driver_sql("INSERT INTO probe VALUES (1)")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    busy = caught.value
    assert isinstance(busy, TransientError)
    assert busy.reason == "SQLite answered SQLITE_BUSY"
    assert busy.statement == "BEGIN IMMEDIATE"
    assert isinstance(busy.orig, sqlite3.OperationalError)
    assert busy.orig.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    assert _count(engine, "probe") == 0
    with write_connection(engine) as conn, conn.begin():      # free again: it works
        conn.exec_driver_sql("INSERT INTO probe VALUES (2)")
    assert _count(engine, "probe") == 1
    engine.dispose()


def test_sqlite_upgrade_of_a_read_transaction(tmp_path):
    """A read transaction that tries to write after another connection committed hits
    SQLITE_BUSY_SNAPSHOT (an extended code of SQLITE_BUSY): StoreBusy as well."""
    path = tmp_path / "snapshot.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE probe (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO probe VALUES (0)")
    with engine.connect() as reader, reader.begin():
        reader.exec_driver_sql("SELECT count(*) FROM probe").scalar_one()
        with write_connection(engine) as writer, writer.begin():
            writer.exec_driver_sql("INSERT INTO probe VALUES (1)")
        with pytest.raises(StoreBusy) as caught:
            reader.exec_driver_sql("INSERT INTO probe VALUES (2)")
    assert caught.value.orig.sqlite_errorname == "SQLITE_BUSY_SNAPSHOT"
    assert _count(engine, "probe") == 2
    engine.dispose()


def test_the_write_gate_raises_store_busy(sqlite_db):
    engine = sqlite_db.engine
    set_write_wait(engine, 100)
    with write_connection(engine) as holder, holder.begin(), \
            pytest.raises(StoreBusy) as caught, write_connection(engine) as conn, \
            conn.begin():
        pass
    assert str(caught.value) == ("the store is busy: waited 0.1 s for the other writers of "
                                 "this process to let go of SQLite's write lock\n"
                                 "[SQL: BEGIN IMMEDIATE]")
    assert caught.value.orig is None


def test_other_errors_are_not_busy(tmp_path):
    """A fault stays what it was: no table is not a reason to retry."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(sa.exc.OperationalError) as caught, engine.connect() as conn:
        conn.exec_driver_sql("SELECT * FROM no_such_table")
    assert not isinstance(caught.value, TransientError)
    engine.dispose()


def test_messages_decide_nothing():
    """Only the codes count: the text "database is locked" without a code is no StoreBusy,
    a SQLITE_LOCKED code with any text is."""
    plain = sqlite3.OperationalError("database is locked")
    assert busy_reason(plain) is None
    held = sqlite3.connect(":memory:")
    try:
        held.execute("CREATE TABLE t (n INTEGER)")
        held.execute("INSERT INTO t VALUES (1), (2)")
        cursor = held.execute("SELECT n FROM t")
        cursor.fetchone()
        with pytest.raises(sqlite3.OperationalError) as caught:
            held.execute("DROP TABLE t")            # a statement of this connection reads t
        assert busy_reason(caught.value) == "SQLite answered SQLITE_LOCKED"
    finally:
        held.close()


# --- PostgreSQL ---------------------------------------------------------------------------

@pytest.fixture
def pg_engine(request, tmp_path):
    with fresh_database("postgresql", request, tmp_path) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER)")
            conn.exec_driver_sql("INSERT INTO probe VALUES (1, 0), (2, 0)")
        yield engine
        engine.dispose()


def _values(engine: sa.Engine) -> list[tuple[int, int]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT id, n FROM probe ORDER BY id")]


def test_postgres_lock_timeout(pg_engine):
    with pg_engine.connect() as holder, holder.begin():
        holder.exec_driver_sql("LOCK TABLE probe IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StoreBusy) as caught, pg_engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
            conn.exec_driver_sql("UPDATE probe SET n = 1 WHERE id = 1")
    assert caught.value.orig.sqlstate == "55P03"
    assert caught.value.reason == "a lock was not granted in time (lock_not_available)"
    assert _values(pg_engine) == [(1, 0), (2, 0)]


def test_postgres_statement_timeout(pg_engine):
    with pytest.raises(StoreBusy) as caught, pg_engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("UPDATE probe SET n = 1 WHERE id = 1")
        conn.exec_driver_sql("SET LOCAL statement_timeout = 100")
        conn.exec_driver_sql("SELECT pg_sleep(5)")
    assert caught.value.orig.sqlstate == "57014"
    assert _values(pg_engine) == [(1, 0), (2, 0)]


def test_postgres_serialization_failure(pg_engine):
    """Two SERIALIZABLE transactions each read what the other writes: the second to
    commit cannot be serialised."""
    first = pg_engine.connect().execution_options(isolation_level="SERIALIZABLE")
    second = pg_engine.connect().execution_options(isolation_level="SERIALIZABLE")
    try:
        a, b = first.begin(), second.begin()
        first.exec_driver_sql("SELECT sum(n) FROM probe WHERE id = 2").scalar_one()
        second.exec_driver_sql("SELECT sum(n) FROM probe WHERE id = 1").scalar_one()
        first.exec_driver_sql("UPDATE probe SET n = 10 WHERE id = 1")
        second.exec_driver_sql("UPDATE probe SET n = 20 WHERE id = 2")
        a.commit()
        with pytest.raises(StoreBusy) as caught:
            second.exec_driver_sql("SELECT 1")          # checked at the latest at commit
            b.commit()
    finally:
        first.close()
        second.close()
    assert caught.value.orig.sqlstate == "40001"
    assert _values(pg_engine) == [(1, 10), (2, 0)]


def test_postgres_deadlock(pg_engine):
    """Two transactions lock the two rows in opposite orders: the server breaks the
    deadlock by failing one of them, which becomes StoreBusy; the other commits."""
    ready = threading.Barrier(2, timeout=10)
    caught: list[BaseException] = []

    def work(first: int, second: int) -> None:
        try:
            with pg_engine.connect() as conn, conn.begin():
                conn.exec_driver_sql("SET LOCAL deadlock_timeout = '50ms'")
                conn.exec_driver_sql(f"UPDATE probe SET n = n + 1 WHERE id = {first}")
                ready.wait()
                conn.exec_driver_sql(f"UPDATE probe SET n = n + 1 WHERE id = {second}")
        except Exception as exc:
            caught.append(exc)

    threads = [threading.Thread(target=work, args=order) for order in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(caught) == 1, caught
    assert isinstance(caught[0], StoreBusy) and caught[0].orig.sqlstate == "40P01"
    assert _values(pg_engine) == [(1, 1), (2, 1)]          # the survivor's two updates
