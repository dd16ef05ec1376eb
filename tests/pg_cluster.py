"""A PostgreSQL server for the tests: the one named by TOKKYO_TEST_POSTGRES_URL, or a
throwaway cluster started with initdb/pg_ctl in a temporary folder.

`start_cluster` always starts a throwaway cluster (tests that stop, pause or replicate a
server never touch a shared one); `start_replica` makes a streaming replica of one with
`pg_basebackup -R` and starts it on a port of its own."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import sqlalchemy as sa

from tokkyo.store.engine import normalise_url


@dataclass
class PostgresServer:
    admin_url: str                    # a database to connect to for CREATE/DROP DATABASE
    cluster: Path | None = None       # set when this process started the server
    run_as: list[str] | None = None
    data: Path | None = None          # the data folder of a server this process started

    @property
    def port(self) -> int:
        port = sa.engine.make_url(normalise_url(self.admin_url)).port
        assert port is not None
        return port

    def url(self, database: str) -> str:
        return sa.engine.make_url(normalise_url(self.admin_url)).set(database=database
                                                                     ).render_as_string(False)

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(normalise_url(self.admin_url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(statement)
        finally:
            engine.dispose()

    def create_database(self, name: str, template: str | None = None) -> None:
        suffix = f" TEMPLATE {template}" if template else ""
        self._admin(f"CREATE DATABASE {name}{suffix}")

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.cluster is not None:
            data = self.data or self.cluster / "data"
            subprocess.run([*(self.run_as or []), _binary("pg_ctl"), "-D", str(data), "-m",
                            "immediate", "stop"], capture_output=True, timeout=120)
            shutil.rmtree(self.cluster, ignore_errors=True)

    def halt(self) -> None:
        """Stop the server (fast shutdown), keeping its data folder to `resume` it."""
        assert self.cluster is not None and self.data is not None
        _run([*(self.run_as or []), _binary("pg_ctl"), "-D", str(self.data), "-m", "fast",
              "-w", "stop"])

    def pause(self) -> None:
        """The same as `halt` (the drills' name for it)."""
        self.halt()

    def resume(self) -> None:
        """Start a server stopped by `halt` again, on its port."""
        assert self.cluster is not None and self.data is not None
        _pg_start(self.run_as or [], self.data, self.cluster, self.port)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    raise FileNotFoundError(name)


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_postgres(workdir: Path) -> tuple[PostgresServer | None, str]:
    url = os.environ.get("TOKKYO_TEST_POSTGRES_URL")
    if url:
        return PostgresServer(url), ""
    try:
        _binary("initdb"), _binary("pg_ctl")
    except FileNotFoundError:
        return None, ("TOKKYO_TEST_POSTGRES_URL is not set and the PostgreSQL server binaries "
                      "(initdb, pg_ctl) are not installed")
    run_as: list[str] = []
    if os.geteuid() == 0:     # initdb refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no 'postgres' user to run initdb as"
        run_as = ["runuser", "-u", "postgres", "--"]
        # pytest's own temporary folders are private to root: use one postgres can enter.
        workdir = Path(tempfile.mkdtemp(prefix="tokkyo-pg-"))
        os.chown(workdir, user.pw_uid, user.pw_gid)
    return start_cluster(workdir, run_as)


def _pg_start(run_as: list[str], data: Path, folder: Path, port: int) -> None:
    _run([*run_as, _binary("pg_ctl"), "-D", str(data), "-l", str(folder / f"log-{port}"),
          "-w", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
          "start"])


def server_binaries() -> str:
    """Why a throwaway cluster cannot be started here ("" when it can)."""
    try:
        for name in ("initdb", "pg_ctl", "pg_basebackup"):
            _binary(name)
    except FileNotFoundError as exc:
        return f"the PostgreSQL server binaries are not installed ({exc} not found)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb as"
    return ""


def start_cluster(workdir: Path | None = None, run_as: list[str] | None = None
                  ) -> tuple[PostgresServer | None, str]:
    """A throwaway cluster in `workdir` (a new temporary folder when None), ready to be
    replicated (initdb's defaults: wal_level=replica, wal senders, and trust for
    replication connections from 127.0.0.1), with a `replicator` role (REPLICATION)."""
    if run_as is None or workdir is None:
        run_as = []
        workdir = Path(tempfile.mkdtemp(prefix="tokkyo-pg-"))
        if os.geteuid() == 0:     # initdb refuses to run as root
            user = pwd.getpwnam("postgres")
            run_as = ["runuser", "-u", "postgres", "--"]
            os.chown(workdir, user.pw_uid, user.pw_gid)
    data = workdir / "data"
    port = _free_port()
    try:
        _run([*run_as, _binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
              "-E", "UTF8", "--locale=C.UTF-8"])
        _pg_start(run_as, data, workdir, port)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return None, f"could not start a throwaway PostgreSQL cluster: {detail.strip()[:300]}"
    server = PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", workdir, run_as,
                            data)
    server._admin("CREATE ROLE replicator WITH REPLICATION LOGIN")
    return server, ""


def throwaway_cluster(_workdir: Path | None = None) -> tuple[PostgresServer | None, str]:
    """A cluster of this process's own, even when CI provides a server: for tests that
    stop and start PostgreSQL (never CI's shared server). It gets a temporary folder of
    its own, which the postgres user can enter when the tests run as root."""
    reason = server_binaries()
    if reason:
        return None, reason
    return start_cluster()


def start_replica(primary: PostgresServer) -> PostgresServer:
    """A streaming replica of `primary` (a cluster of `start_cluster`): `pg_basebackup -R`
    (which writes standby.signal and primary_conninfo) into a folder of its own, started
    on a free port as a hot standby."""
    assert primary.cluster is not None
    run_as = primary.run_as or []
    folder = Path(tempfile.mkdtemp(prefix="tokkyo-pg-replica-"))
    if run_as:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    _run([*run_as, _binary("pg_basebackup"), "-D", str(data), "-R", "-X", "stream",
          "-c", "fast", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "replicator"])
    port = _free_port()
    _pg_start(run_as, data, folder, port)
    return PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", folder, run_as,
                          data)


def replicated_pair() -> tuple[PostgresServer, PostgresServer] | str:
    """A throwaway primary and its streaming replica, or why they cannot be had here
    (the caller skips, or fails under TOKKYO_REQUIRE_REPLICA=1). The caller stops both."""
    reason = server_binaries()
    if reason:
        return reason
    primary, why = start_cluster()
    if primary is None:
        return why
    try:
        return primary, start_replica(primary)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        primary.stop()
        detail = getattr(exc, "stderr", "") or str(exc)
        return f"could not make a replica with pg_basebackup: {detail.strip()[:300]}"
