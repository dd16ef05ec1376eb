"""A running tokkyo over loopback (SQLite) with the sample corpus published as bulk
products and users of every kind the bulk site tells apart."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.server import SECRET, Server
from tests.conftest import GAZETTE, REAL, ingest, searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog, publish
from tokkyo.config import load_settings
from tokkyo.store.database import Database
from tokkyo.store.repositories import users

PASSWORD = "bulk-password-1"
USERS = {"bulk-user1": "user", "bulk-user2": "user", "bulk-rotate1": "user",
         "old-terms1": "user", "bulk-admin1": "admin"}
API_ONLY = "api-only-1"
TERMS = "2026-04"


@dataclass
class Site:
    server: Server
    data: Path
    url: str

    @property
    def base(self) -> str:
        return self.server.base

    def database(self) -> Database:
        return Database.open(load_settings(database_url=self.url, data_dir=str(self.data)))

    def token(self, login_id: str, password: str = PASSWORD) -> str:
        answer = httpx.post(f"{self.base}/auth/token", data={
            "grant_type": "password", "username": login_id, "password": password})
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def api(self, login_id: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60, headers={
            "Authorization": f"Bearer {self.token(login_id)}"})

    def browser(self, login_id: str | None = None, lang: str = "en") -> httpx.Client:
        client = httpx.Client(base_url=self.base, timeout=60, headers={
            "Accept": "text/html", "Accept-Language": lang})
        if login_id:
            answer = client.post("/login", data={"username": login_id, "password": PASSWORD,
                                                 "next": "/bulk"})
            assert answer.status_code == 303, answer.text
        return client

    def manifest(self, product: str) -> dict[str, Any]:
        with self.api("bulk-user1") as client:
            releases = client.get(f"/bulk/api/v1/products/{product}/releases").json()
        return releases["releases"][0]

    def entry(self, product: str, name_prefix: str) -> dict[str, Any]:
        return next(f for f in self.manifest(product)["files"]
                    if f["name"].startswith(name_prefix))

    def link(self, login_id: str, file_id: int) -> str:
        with self.api(login_id) as client:
            answer = client.post(f"/bulk/api/v1/files/{file_id}/link")
        assert answer.status_code == 200, answer.text
        return answer.json()["url"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("bulk")
    url = f"sqlite:///{data / 'tokkyo.sqlite3'}"
    settings = load_settings(database_url=url, data_dir=str(data), secret_key=SECRET,
                             environ={})
    db = searched(Database.open(settings), settings.search_path)
    db.upgrade()
    ingest(db, GAZETTE, REAL)
    policy = Policy(secret=SECRET.encode())
    with db.engine.begin() as conn:
        for login_id, role in USERS.items():
            pk = accounts.add_user(conn, policy, login_id, PASSWORD, role)
            users.update(conn, pk, consent_version="2025-01" if login_id == "old-terms1"
                         else TERMS)
        accounts.add_user(conn, policy, API_ONLY, PASSWORD, services=["api"])
        catalog.ensure_products(conn)
        for spec in catalog.PRODUCTS:
            publish.publish(conn, db.blobs, spec.id, release_type="backfile",
                            now=policy.clock.now(), workdir=data / "work")
    db.close()
    server = Server(url, data, bulk_terms_version=TERMS)
    try:
        yield Site(server, data, url)
    finally:
        server.stop()
