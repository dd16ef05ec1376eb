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
from tests.conftest import GAZETTE, REAL, ingest
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.config import load_settings
from tokkyo.store.database import Database

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
