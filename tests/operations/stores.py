"""Stores for the operations tests: the real `tokkyo` command in a process, and empty
stores to restore into (a new SQLite folder, a new PostgreSQL database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.conftest import _skip_or_fail_postgres
from tokkyo.cli.main import app
from tokkyo.store.engine import make_engine


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def tokkyo(*args: str, env: dict[str, str], check: int | None = None) -> Ran:
    """The `tokkyo` command run in this process (Typer's runner: the real command with
    its settings read from `env`, without a Python start-up per call)."""
    cleared = {k: None for k in os.environ if k.startswith("TOKKYO_")
               and not k.startswith("TOKKYO_TEST_")}
    result = CliRunner().invoke(app, list(args), env={**cleared, **{
        k: v for k, v in env.items() if k.startswith("TOKKYO_") or k == "COLUMNS"}})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    ran = Ran(result.exit_code, result.stdout, result.stderr)
    if check is not None:
        assert ran.returncode == check, ran.stdout + ran.stderr
    return ran


def store_env(url: str, data: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOKKYO_") or k.startswith("TOKKYO_TEST_")}
    return dict(env, TOKKYO_DATABASE_URL=url, TOKKYO_DATA_DIR=str(data), COLUMNS="200",
                TOKKYO_INGEST_WORKERS="0",
                **{f"TOKKYO_{k.upper()}": v for k, v in settings.items()})


def one_line(text: str) -> str:
    """Output as one line (rich wraps long lines at the terminal's width)."""
    return " ".join(text.split())


@contextmanager
def empty_store(backend: str, request: pytest.FixtureRequest, folder: Path
                ) -> Iterator[tuple[str, Path]]:
    """(database URL, data folder) of a store with nothing in it: no SQLite file yet, or a
    new PostgreSQL database without a schema (dropped afterwards)."""
    data = folder / f"empty-{uuid.uuid4().hex[:6]}"
    if backend == "sqlite":
        yield "", data
        return
    server = request.getfixturevalue("postgres_server")
    if server is None:
        _skip_or_fail_postgres()
    name = f"tokkyo_r_{uuid.uuid4().hex[:10]}"
    server.create_database(name)
    try:
        yield server.url(name), data
    finally:
        server.drop_database(name)


def counts(url: str, data: Path) -> dict[str, int]:
    """Rows per table of a store, every table of the schema (batches too)."""
    from tests.conftest import table_counts

    engine = make_engine(url or f"sqlite:///{data / 'tokkyo.sqlite3'}")
    try:
        return table_counts(engine, with_batches=True)
    finally:
        engine.dispose()


def scalar(url: str, data: Path, sql: str) -> int:
    engine = make_engine(url or f"sqlite:///{data / 'tokkyo.sqlite3'}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(sql)).scalar_one())
    finally:
        engine.dispose()
