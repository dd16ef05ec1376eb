"""A PostgreSQL server for the tests: the one named by TOKKYO_TEST_POSTGRES_URL, or a
throwaway cluster started with initdb/pg_ctl in a temporary folder."""

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
    options: str = ""                 # the server options it was started with

    def pause(self) -> None:
        """Stop the throwaway server (fast: sessions are ended), keeping its data."""
        assert self.cluster is not None, "only a throwaway cluster may be stopped"
        _run([*(self.run_as or []), _binary("pg_ctl"), "-D", str(self.cluster / "data"),
              "-m", "fast", "-w", "stop"])

    def resume(self) -> None:
        """Start the paused throwaway server again on the same port."""
        assert self.cluster is not None, "only a throwaway cluster may be started"
        _run([*(self.run_as or []), _binary("pg_ctl"), "-D", str(self.cluster / "data"),
              "-l", str(self.cluster / "log"), "-w", "-o", self.options, "start"])

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
            _run([*(self.run_as or []), _binary("pg_ctl"), "-D", str(self.cluster / "data"),
                  "-m", "immediate", "stop"])
            shutil.rmtree(self.cluster, ignore_errors=True)


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
    return throwaway_cluster(workdir)


def throwaway_cluster(workdir: Path) -> tuple[PostgresServer | None, str]:
    """A cluster of this process's own, even when CI provides a server: for tests that
    stop and start PostgreSQL (never CI's shared server)."""
    try:
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
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
    data = workdir / "data"
    port = _free_port()
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        _run([*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8"])
        _run([*run_as, pg_ctl, "-D", str(data), "-l", str(workdir / "log"), "-w", "-o",
              options, "start"])
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return None, f"could not start a throwaway PostgreSQL cluster: {detail.strip()[:300]}"
    return (PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", workdir, run_as,
                           options), "")
