"""A running tokkyo (portal and API) over loopback on SQLite, loaded with the real gazette
files and recorded answers, with one signed-up user; CSV limits scaled down so the
limit tests need only the sample corpus (the limits are settings)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.server import SECRET, Server
from tests.conftest import EXAMPLES, GAZETTE, REAL, fresh_database, ingest, searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.config import load_settings
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

USER = "portal-user1"
PASSWORD = "portal-password-1"
CSV_MAX_ROWS = 3
CSV_MAX_ROWS_WITH_ABSTRACT = 2


@dataclass
class Portal:
    server: Server
    data: Path

    @property
    def base(self) -> str:
        return self.server.base

    def client(self, lang: str = "ja", signed_in: bool = False) -> httpx.Client:
        client = httpx.Client(base_url=self.base, timeout=60, follow_redirects=False,
                              headers={"Accept": "text/html", "Accept-Language": lang})
        if signed_in:
            answer = client.post("/login", data={"username": USER, "password": PASSWORD,
                                                 "next": "/"})
            assert answer.status_code == 303, answer.text
        return client


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    data = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{data / 'tokkyo.sqlite3'}"
    db = Database.open(load_settings(database_url=url, data_dir=str(data)))
    db.upgrade()
    ingest(db, GAZETTE, REAL)
    with db.engine.begin() as conn:
        accounts.add_user(conn, Policy(secret=SECRET.encode()), USER, PASSWORD)
    db.close()
    server = Server(url, data, csv_max_rows=str(CSV_MAX_ROWS),
                    csv_max_rows_with_abstract=str(CSV_MAX_ROWS_WITH_ABSTRACT))
    try:
        yield Portal(server, data)
    finally:
        server.stop()


OTHER_USER = "portal-user2"
OTHER_PASSWORD = "portal-password-2"


@dataclass
class Store(Portal):
    """A running tokkyo on one backend, loaded with the gazettes, the recorded answers and
    the SPEC's test cases (designs and trademarks), with two users."""
    backend: str = "sqlite"

    def signed_in(self, login_id: str, password: str, lang: str = "ja") -> httpx.Client:
        client = self.client(lang)
        answer = client.post("/login", data={"username": login_id, "password": password,
                                             "next": "/"})
        assert answer.status_code == 303, answer.text
        return client


def spec_cases() -> list[Path]:
    """The SPEC examples that describe a case (as tests/api loads them)."""
    return sorted(p for p in EXAMPLES.glob("*__200__100.json")
                  if not any(op in p.name for op in ("app_doc_cont", "applicant_attorney_cd",
                                                     "pct_national_phase")))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp(f"portal-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        db = searched(Database(make_engine(url), LocalBlobStore(folder / "blobs")),
                            folder / "search")
        report = ingest(db, GAZETTE, REAL, *spec_cases())
        assert report.ok, [o.reason for o in report.outcomes if o.reason]
        with db.engine.begin() as conn:
            policy = Policy(secret=SECRET.encode())
            accounts.add_user(conn, policy, USER, PASSWORD)
            accounts.add_user(conn, policy, OTHER_USER, OTHER_PASSWORD)
        db.close()
        server = Server(url, folder)
        try:
            yield Store(server, folder, request.param)
        finally:
            server.stop()
