"""Shared fixtures: real SQLite and real PostgreSQL stores, the sample corpus.

PostgreSQL comes from `TOKKYO_TEST_POSTGRES_URL` (CI), or from a throwaway cluster this
file starts with `initdb`/`pg_ctl` when the server binaries are installed. Without
either, PostgreSQL tests are skipped with a loud message, unless
`TOKKYO_REQUIRE_POSTGRES=1` (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser import browser  # noqa: F401 - the fixture of every browser test
from tests.pg_cluster import PostgresServer, find_postgres
from tokkyo.config import Settings
from tokkyo.store import migrate
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GAZETTE = SAMPLES / "jp-gazette"
REAL = SAMPLES / "jpo-api" / "real"
FOREIGN = SAMPLES / "foreign"
TRADEMARK_GAZETTES = SAMPLES / "jp-trademark-gazette"
EXAMPLES = SAMPLES / "jpo-api" / "examples"

_PG_SKIP_REASON: list[str] = []

# Tests decide when index work reaches the search engine (`index_due`, and the checked
# backend catching up before each search): a server's own worker thread would write
# beside a test's fixtures. The worker is tested on its own (tests/search/test_outbox.py).
os.environ.setdefault("TOKKYO_SEARCH_WORKER", "0")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer | None]:
    server, reason = find_postgres(tmp_path_factory.mktemp("pg"))
    if server is None:
        _PG_SKIP_REASON.append(reason)
    yield server
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer | None) -> Iterator[str | None]:
    """A migrated template database; each test gets a fresh copy of it."""
    if postgres_server is None:
        yield None
        return
    name = f"tokkyo_tpl_{uuid.uuid4().hex[:8]}"
    postgres_server.create_database(name)
    engine = make_engine(postgres_server.url(name))
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    postgres_server.drop_database(name)


def _skip_or_fail_postgres() -> None:
    reason = _PG_SKIP_REASON[0] if _PG_SKIP_REASON else "PostgreSQL unavailable"
    if os.environ.get("TOKKYO_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"TOKKYO_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(f"PostgreSQL half skipped: {reason}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@contextmanager
def fresh_database(backend: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """The URL of a fresh, migrated database of `backend`, dropped afterwards."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = folder / "tokkyo.sqlite3"
        target.write_bytes(template.read_bytes())
        yield f"sqlite:///{target}"
        return
    server: PostgresServer | None = request.getfixturevalue("postgres_server")
    template_name: str | None = request.getfixturevalue("postgres_template")
    if server is None or template_name is None:
        _skip_or_fail_postgres()
    name = f"tokkyo_t_{uuid.uuid4().hex[:10]}"
    server.create_database(name, template=template_name)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of the requested backend."""
    with fresh_database(backend, request, tmp_path) as url:
        yield url


def searched(database: Database, folder: Path) -> Database:
    """The store searched with tantivy, the default engine, caught up with the store's
    outbox before every search (tests/caught_up.py)."""
    from tests.caught_up import CaughtUp
    from tokkyo.search import service as search_service
    from tokkyo.search.backends.tantivy import TantivyBackend

    search_service.attach(database.engine, CaughtUp(TantivyBackend(folder)))
    return database


def open_searched(settings: Settings) -> Database:
    """`Database.open(settings)`, searched with tantivy in the settings' index folder (the
    one a server started with the same settings opens)."""
    return searched(Database.open(settings), settings.search_path)


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[Database]:
    database = searched(Database(make_engine(database_url), LocalBlobStore(tmp_path / "blobs")),
                         tmp_path / "search")
    yield database
    database.close()


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "tokkyo.sqlite3"
    target.write_bytes(sqlite_template.read_bytes())
    database = searched(Database(make_engine(f"sqlite:///{target}"),
                                  LocalBlobStore(tmp_path / "blobs")), tmp_path / "search")
    yield database
    database.close()


def ingest(db: Database, *paths: Path, batch_size: int = 50, workers: int = 0,
           tolerant: bool = False):
    """Load `paths` with the real ingest service, then write the search engine."""
    from tokkyo.ingest.items import walk
    from tokkyo.ingest.service import Ingestor

    report = Ingestor(db.engine, db.blobs, batch_size=batch_size, workers=workers,
                      tolerant=tolerant).run(walk(list(paths)))
    index_due(db)
    return report


def index_due(db: Database) -> None:
    """Write the index work recorded so far to the store's search engine (what the CLI
    does after ingest, and the server's worker meanwhile)."""
    from tokkyo.search import outbox
    from tokkyo.search import service as search_service

    backend = search_service.bound(db.engine)
    if backend is not None:
        outbox.drain(db.engine, backend)


def table_counts(engine: sa.Engine, *, with_batches: bool = False) -> dict[str, int]:
    """Rows in every data table: what "nothing changed" is checked against.

    `batches` is the log of ingest runs, which grows with every run; it is left out unless
    asked for.
    """
    from tokkyo.store.tables import metadata

    with engine.connect() as conn:
        return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in metadata.tables.items()
                if with_batches or name != "batches"}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PG_SKIP_REASON:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"  reason: {_PG_SKIP_REASON[0]}", red=True)
        terminalreporter.write_line("  set TOKKYO_TEST_POSTGRES_URL or install the PostgreSQL "
                                    "server binaries (initdb, pg_ctl)", red=True)
