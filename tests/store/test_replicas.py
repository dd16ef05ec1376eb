"""Read replicas for real: a throwaway primary cluster and a streaming replica made with
`pg_basebackup -R` on loopback ports (never CI's shared server: these tests pause and stop
servers). A write on the primary is read on the replica within the lag setting; a
replica whose replay is paused is skipped once it falls behind; a stopped replica is
skipped and reads answer from the primary; API calls read on the replica and count on the
primary, once.

Without the PostgreSQL server binaries these tests skip loudly; `TOKKYO_REQUIRE_REPLICA=1`
(CI) turns the skip into a failure."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tests.pg_cluster import PostgresServer, replicated_pair
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.app import create_app
from tokkyo.cli.main import app
from tokkyo.config import load_settings
from tokkyo.errors import ConfigError
from tokkyo.store.database import Database
from tokkyo.store.repositories import users
from tokkyo.store.tables import access_log, quota_counters

MAX_LAG = 1.0
SECRET = "replica-test-secret-key-0123456789abcdef"
PASSWORD = "a-long-test-password"


def unavailable(reason: str) -> None:
    """Skip loudly, or fail under TOKKYO_REQUIRE_REPLICA=1 (CI)."""
    if os.environ.get("TOKKYO_REQUIRE_REPLICA") == "1":
        pytest.fail(f"TOKKYO_REQUIRE_REPLICA=1 but {reason}")
    pytest.skip(f"no replica tests: {reason}")


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[PostgresServer, PostgresServer]]:
    made = replicated_pair()
    if isinstance(made, str):
        unavailable(made)
    assert not isinstance(made, str)
    primary, replica = made
    yield primary, replica
    replica.stop()
    primary.stop()


@pytest.fixture(scope="module")
def db(pair: tuple[PostgresServer, PostgresServer], tmp_path_factory: pytest.TempPathFactory
       ) -> Iterator[Database]:
    primary, replica = pair
    settings = load_settings(
        environ={}, data_dir=str(tmp_path_factory.mktemp("replica-data")),
        database_url=primary.url("postgres"), database_replica_urls=replica.url("postgres"),
        replica_max_lag_s=str(MAX_LAG), secret_key=SECRET)
    database = Database.open(settings)
    database.upgrade()
    yield database
    database.close()


def _policy() -> Policy:
    return Policy(secret=SECRET.encode())


def _add_user(db: Database, login_id: str) -> None:
    with db.transaction() as conn:
        accounts.add_user(conn, _policy(), login_id, PASSWORD)


def _found(conn: sa.Connection, login_id: str) -> bool:
    with conn.begin():
        return users.by_login(conn, login_id) is not None


def _until(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until `condition()` held; fails after `seconds`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            pytest.fail(f"not within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - start


def _on_replica(db: Database, conn: sa.Connection) -> bool:
    return conn.engine in db.replica_engines


def test_a_write_on_the_primary_is_read_on_the_replica_within_the_lag(db):
    _add_user(db, "rep-visible")

    def seen_on_replica() -> bool:
        with db.read() as conn:
            return _on_replica(db, conn) and _found(conn, "rep-visible")

    assert _until(seen_on_replica, MAX_LAG) <= MAX_LAG
    with db.read_primary() as conn:
        assert not _on_replica(db, conn)


def test_a_paused_replica_is_skipped_once_it_lags(db, pair, caplog):
    _primary, replica = pair
    admin = sa.create_engine(replica.url("postgres").replace("postgresql://",
                                                             "postgresql+psycopg://"))
    caplog.set_level(logging.INFO, "tokkyo.store.replicas")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
            conn.commit()
        _add_user(db, "rep-paused")
        # the replica never answers without the write once it may be behind too long:
        # within the lag it may (and is allowed to) miss it; past it, reads go to the primary
        def on_primary_with_the_write() -> bool:
            with db.read() as conn:
                if _on_replica(db, conn):
                    assert not _found(conn, "rep-paused")
                    return False
                return _found(conn, "rep-paused")

        assert _until(on_primary_with_the_write, 5 * MAX_LAG) >= 0
        assert any("skipped, reads go to the primary: more than 1 s behind the primary"
                   in r.message for r in caplog.records)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
            conn.commit()
        admin.dispose()

    def back_on_replica() -> bool:
        with db.read() as conn:
            return _on_replica(db, conn) and _found(conn, "rep-paused")

    _until(back_on_replica, 5 * MAX_LAG)
    assert any("serves reads again" in r.message for r in caplog.records)


def test_a_stopped_replica_is_skipped_and_reads_answer_from_the_primary(db, pair, caplog):
    _primary, replica = pair
    caplog.set_level(logging.INFO, "tokkyo.store.replicas")
    _add_user(db, "rep-stopped")
    replica.halt()
    try:
        started = time.monotonic()
        for _ in range(5):
            with db.read() as conn:
                assert not _on_replica(db, conn)
                assert _found(conn, "rep-stopped")
        # refused at once on loopback: no read waits for the connect timeout
        assert time.monotonic() - started < 2
        assert any("skipped, reads go to the primary: unreachable" in r.message
                   for r in caplog.records)
    finally:
        replica.resume()

    def back_on_replica() -> bool:
        with db.read() as conn:
            return _on_replica(db, conn)

    _until(back_on_replica, 10 * MAX_LAG)


def test_a_lookup_whose_replica_connection_dies_is_read_again_on_the_primary(db, caplog):
    """`read_beside`: the replica's connection ends under the work (its backend is
    terminated); the work is done again on the primary connection and answers."""
    caplog.set_level(logging.INFO, "tokkyo.store.replicas")
    _until(lambda: _replica_usable(db), 5 * MAX_LAG)
    engines: list[sa.Engine] = []

    def work(conn: sa.Connection) -> int:
        engines.append(conn.engine)
        if conn.engine is not db.engine:
            conn.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        return int(conn.exec_driver_sql("SELECT 42").scalar_one())

    with db.read_primary() as primary, primary.begin():
        assert db.read_beside(primary, work) == 42
    assert engines == [db.replica_engines[0], db.engine]
    assert any("skipped, reads go to the primary: unreachable" in r.message
               for r in caplog.records)
    _until(lambda: _replica_usable(db), 5 * MAX_LAG)        # the next check takes it back


class _Statements:
    """The statements each engine ran, leaving out the replicas' health checks."""

    def __init__(self, engines: dict[str, sa.Engine]) -> None:
        self.seen: dict[str, list[str]] = {name: [] for name in engines}
        for name, engine in engines.items():
            event.listen(engine, "before_cursor_execute", self._listener(name))

    def _listener(self, name: str) -> Callable[..., None]:
        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if "wal_" not in statement and statement.strip() != "select pg_catalog.version()":
                self.seen[name].append(statement)
        return record

    def clear(self) -> None:
        for statements in self.seen.values():
            statements.clear()

    def touching(self, name: str, table: str) -> list[str]:
        return [s for s in self.seen[name] if table in s]


def test_api_calls_read_on_the_replica_and_count_once_on_the_primary(db, tmp_path):
    """The token and the count on the primary (a token issued a moment ago works at
    once); the lookup on the replica; five calls count five, logged five times."""
    _add_user(db, "rep-apicall")
    statements = _Statements({"primary": db.engine, "replica": db.replica_engines[0]})
    settings = load_settings(environ={}, data_dir=str(tmp_path), secret_key=SECRET,
                             rate_limit_per_minute="1000")
    with TestClient(create_app(settings, db)) as client:
        token = client.post("/auth/token", data={"grant_type": "password",
                                                 "username": "rep-apicall",
                                                 "password": PASSWORD}).json()["access_token"]
        _until(lambda: _replica_usable(db), 5 * MAX_LAG)
        statements.clear()
        codes = [client.get("/api/patent/v1/app_progress/2020123456",
                            headers={"Authorization": f"Bearer {token}"}
                            ).json()["result"]["statusCode"] for _ in range(5)]
        documents = client.get("/documents")
        own_log = client.get("/accounts/me/access-log",
                             headers={"Authorization": f"Bearer {token}"})
    assert codes == ["107"] * 5                       # counted: no such case in this store
    assert documents.status_code == 200 and own_log.status_code == 200
    # every call's lookup read the replica (the data version its cached answer is
    # checked against; the case once), its token and count the primary
    assert len(statements.touching("replica", "FROM sources")) >= 5
    assert statements.touching("replica", "FROM applications")
    assert not statements.touching("primary", "FROM applications")
    assert not statements.touching("replica", "quota_counters")
    assert not statements.touching("replica", "tokens")
    calls = [e for e in own_log.json()["entries"] if e["service"] == "api"]
    assert len(calls) == 5                          # read back on the primary at once
    with db.read_primary() as conn:
        user = users.by_login(conn, "rep-apicall")
        assert user is not None
        used = conn.execute(sa.select(quota_counters.c.used).where(
            quota_counters.c.user_id == user.id)).scalar_one()
        logged = conn.execute(sa.select(sa.func.count()).select_from(access_log).where(
            access_log.c.login_id == "rep-apicall", access_log.c.service == "api")
        ).scalar_one()
    assert (used, logged) == (5, 5)


def _replica_usable(db: Database) -> bool:
    with db.read() as conn:
        return _on_replica(db, conn)


def test_replica_urls_must_be_postgresql():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"TOKKYO_DATABASE_REPLICA_URLS":
                               "postgresql://r1/db, sqlite:///x.db"})
    assert str(caught.value) == ("TOKKYO_DATABASE_REPLICA_URLS=(hidden): 'sqlite:///x.db' "
                                 "is not a PostgreSQL URL (postgresql://user@host:port/db)")


def test_replica_url_errors_never_show_a_password():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"TOKKYO_DATABASE_REPLICA_URLS": "mysql://me:s3cret@h/db"})
    assert "s3cret" not in str(caught.value) and "mysql://me:***@h/db" in str(caught.value)


def test_max_lag_must_be_positive():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"TOKKYO_REPLICA_MAX_LAG_S": "0"})
    assert str(caught.value) == ("TOKKYO_REPLICA_MAX_LAG_S='0': '0' must be a positive "
                                 "number of seconds")


def test_max_lag_must_be_a_number():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"TOKKYO_REPLICA_MAX_LAG_S": "soon"})
    assert str(caught.value) == ("TOKKYO_REPLICA_MAX_LAG_S='soon': 'soon' is not a number "
                                 "of seconds")


def test_replicas_need_a_postgresql_store(tmp_path):
    data = tmp_path / "data"
    settings = load_settings(environ={}, data_dir=str(data),
                             database_replica_urls="postgresql://127.0.0.1:1/db")
    with pytest.raises(ConfigError) as caught:
        Database.open(settings)
    assert str(caught.value) == ("TOKKYO_DATABASE_REPLICA_URLS: read replicas need a "
                                 "PostgreSQL store (TOKKYO_DATABASE_URL)")
    assert not data.exists()                                # nothing created


def test_the_cli_says_what_is_wrong_in_one_line(tmp_path):
    """A bad setting ends any command with its one-line message, no traceback, and
    creates nothing."""
    data = tmp_path / "data"
    runner = CliRunner()
    for env, message in (
            ({"TOKKYO_REPLICA_MAX_LAG_S": "soon"},
             "TOKKYO_REPLICA_MAX_LAG_S='soon': 'soon' is not a number of seconds"),
            ({"TOKKYO_DATABASE_REPLICA_URLS": "postgresql://127.0.0.1:1/db"},
             "TOKKYO_DATABASE_REPLICA_URLS: read replicas need a PostgreSQL store "
             "(TOKKYO_DATABASE_URL)")):
        result = runner.invoke(app, ["db", "upgrade"],
                               env={"TOKKYO_DATA_DIR": str(data), "TOKKYO_DATABASE_URL": "",
                                    **env})
        assert result.exit_code == 1
        assert result.output.replace("\n", " ").strip() == message
        assert not data.exists()


def test_db_replicas_says_which_is_current_and_which_is_down(db, pair, tmp_path):
    primary, replica = pair
    env = {"TOKKYO_DATA_DIR": str(tmp_path), "TOKKYO_DATABASE_URL": primary.url("postgres"),
           "TOKKYO_DATABASE_REPLICA_URLS": f"{replica.url('postgres')},"
                                           "postgresql://postgres@127.0.0.1:1/postgres"}
    runner = CliRunner()
    _until(lambda: _replica_usable(db), 5 * MAX_LAG)
    result = runner.invoke(app, ["db", "replicas"], env=env)
    assert result.exit_code == 1, result.output              # the second is down
    lines = result.output.splitlines()
    assert lines[0] == f"{replica.url('postgres')}  current"
    assert lines[1].startswith("postgresql://postgres@127.0.0.1:1/postgres  down: ")
    assert len(lines) == 2
    only_up = {**env, "TOKKYO_DATABASE_REPLICA_URLS": replica.url("postgres")}
    assert runner.invoke(app, ["db", "replicas"], env=only_up).exit_code == 0
