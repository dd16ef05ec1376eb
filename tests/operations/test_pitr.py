"""Point-in-time recovery of a PostgreSQL store, as README's "Point-in-time recovery"
describes it, run for real: a cluster of this module's own (never CI's shared server)
archives its WAL into a folder (`archive_mode=on`, `archive_command`), `pg_basebackup`
copies it, tokkyo ingests one gazette before a recorded moment and another after it,
and a copy of the base backup started with `restore_command`, `recovery_target_time` =
the moment and `recovery_target_action=promote` (`recovery.signal`) holds exactly what
the store held at the moment, and `tokkyo db check` passes on it."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE
from tests.operations.stores import counts, one_line, store_env, tokkyo
from tests.pg_cluster import PostgresServer, _binary, _free_port, _pg_start, throwaway_cluster
from tokkyo.store import migrate
from tokkyo.store.engine import make_engine

BEFORE = GAZETTE / "jp_example1.xml"     # ingested before the moment
AFTER = GAZETTE / "jp_example2.xml"      # ingested after it: not in the recovered store
APPLICATIONS = "SELECT application_number FROM applications ORDER BY application_number"


@dataclass
class Recovered:
    url: str                       # the recovered store (the copy of the base backup)
    data: Path                     # tokkyo's data folder (blobs), shared with the original
    at_moment: dict[str, int]      # rows per table in the original at the moment
    numbers_at_moment: list[str]   # its application numbers then
    numbers_after: list[str]       # and after the second ingest


def _rows(url: str, sql: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [str(row[0]) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def _postgres_folder(run_as: list[str], prefix: str) -> Path:
    """A new folder the server's user owns (the tests may run as root)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if run_as:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def _append(run_as: list[str], file: Path, text: str) -> None:
    """Append `text` to a file of a data folder, as the server's user (creating it)."""
    subprocess.run([*run_as, "sh", "-c", 'cat >> "$0"', str(file)], input=text.encode(),
                   check=True, capture_output=True, timeout=60)


def _await(what: str, ready, timeout: float = 60) -> None:
    """Poll `ready()` until it is true (the server reports archiving and the end of
    recovery only through queries and files)."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def recovered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recovered]:
    cluster, reason = throwaway_cluster()
    if cluster is None:
        if os.environ.get("TOKKYO_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"TOKKYO_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(f"point-in-time recovery not tested: {reason}")
    run_as = cluster.run_as or []
    restored: PostgresServer | None = None
    folders: list[Path] = []
    try:
        assert cluster.cluster is not None
        archive = _postgres_folder(run_as, "tokkyo-wal-archive-")
        folders.append(archive)
        # README's settings in postgresql.conf; archive_mode needs a restart
        assert cluster.data is not None
        _append(run_as, cluster.data / "postgresql.conf",
                "wal_level = 'replica'\n"
                "archive_mode = 'on'\n"
                f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n")
        cluster.halt()
        cluster.resume()
        cluster.create_database("pitr")
        url = cluster.url("pitr")
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()

        base = _postgres_folder(run_as, "tokkyo-pg-base-")
        folders.append(base)
        subprocess.run([*run_as, _binary("pg_basebackup"), "-D", str(base / "data"),
                        "-X", "stream", "-c", "fast", "-h", "127.0.0.1",
                        "-p", str(cluster.port), "-U", "replicator"],
                       check=True, capture_output=True, timeout=120)

        data = tmp_path_factory.mktemp("pitr-data")
        env = store_env(url, data)
        tokkyo("ingest", "-q", str(BEFORE), env=env, check=0)
        moment = _rows(url, "SELECT clock_timestamp()::text")[0]
        at_moment = counts(url, data)
        numbers_at_moment = _rows(url, APPLICATIONS)
        tokkyo("ingest", "-q", str(AFTER), env=env, check=0)
        numbers_after = _rows(url, APPLICATIONS)
        segment = _rows(url, "SELECT pg_walfile_name(pg_switch_wal())")[0]
        _await(f"WAL segment {segment} to be archived", (archive / segment).exists)

        # a copy of the base backup, recovered to the moment on a port of its own
        folder = _postgres_folder(run_as, "tokkyo-pg-pitr-")
        copy = folder / "data"
        subprocess.run([*run_as, "cp", "-a", str(base / "data"), str(copy)], check=True,
                       capture_output=True, timeout=120)
        settings = (f"restore_command = 'cp {archive}/%f \"%p\"'\n"
                    f"recovery_target_time = '{moment}'\n"
                    "recovery_target_action = 'promote'\n"
                    "archive_mode = 'off'\n")
        _append(run_as, copy / "postgresql.conf", settings)
        _append(run_as, copy / "recovery.signal", "")
        port = _free_port()
        _pg_start(run_as, copy, folder, port)
        restored = PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", folder,
                                  run_as, copy)
        _await("the recovery to end (promoted)", lambda: not (copy / "recovery.signal").exists())
        _await("the recovered server to accept writes",
               lambda: _rows(restored.admin_url, "SELECT pg_is_in_recovery()") == ["False"])
        yield Recovered(restored.url("pitr"), data, at_moment, numbers_at_moment,
                        numbers_after)
    finally:
        if restored is not None:
            restored.stop()
        cluster.stop()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def test_the_recovered_store_holds_exactly_what_was_there_at_the_moment(
        recovered: Recovered) -> None:
    assert recovered.numbers_at_moment, "the first gazette loaded nothing"
    assert set(recovered.numbers_after) > set(recovered.numbers_at_moment), \
        "the second gazette added no application"
    assert _rows(recovered.url, APPLICATIONS) == recovered.numbers_at_moment
    assert counts(recovered.url, recovered.data) == recovered.at_moment


def test_db_check_passes_on_the_recovered_store_once_the_search_index_is_rebuilt(
        recovered: Recovered) -> None:
    """The search index lives beside the blobs, outside the database: after recovery it
    still holds what was ingested after the moment. `db check` says so, and `tokkyo
    search reindex` (README's last recovery step) makes it agree."""
    env = store_env(recovered.url, recovered.data)
    ran = tokkyo("db", "check", env=env, check=1)
    assert "tables and migrations agree" in ran.stdout
    differs = (f"the tantivy search index differs from the store: "
               f"{len(recovered.numbers_at_moment)} cases stored, "
               f"{len(recovered.numbers_after)} documents indexed")
    assert differs in one_line(ran.stderr), ran.stderr
    tokkyo("search", "reindex", env=env, check=0)
    ran = tokkyo("db", "check", env=env, check=0)
    assert "the search index agrees with the store" in one_line(ran.stdout), ran.stdout
