"""A running tokkyo API over loopback, on SQLite and on PostgreSQL, loaded with the real
answers, the gazette files and the SPEC examples' cases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.api.server import SECRET, Server
from tests.conftest import EXAMPLES, GAZETTE, REAL, fresh_database, ingest, searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

PASSWORD = "a-long-test-password"
UNLIMITED = {"rate_limit_per_minute": "100000", "opd_rate_limit_per_minute": "100000"}


def spec_cases() -> list[Path]:
    """The SPEC examples whose data describe a case (not links, codes or PCT answers)."""
    return sorted(p for p in EXAMPLES.glob("*__200__100.json")
                  if not any(op in p.name for op in ("app_doc_cont", "applicant_attorney_cd",
                                                     "pct_national_phase")))


@dataclass
class Api:
    backend: str
    url: str
    data: Path
    database: Database
    server: Server
    counter: int = 0

    def policy(self) -> Policy:
        return Policy(secret=SECRET.encode())

    def user(self, role: str = "user", **grants: int) -> str:
        """A new active user (own quota counters); grants: `law__operation=cap`."""
        self.counter += 1
        login_id = f"{role[:4]}-{os.getpid() % 1000:03d}-{self.counter:03d}"
        with self.database.engine.begin() as conn:
            accounts.add_user(conn, self.policy(), login_id, PASSWORD, role)
            for key, cap in grants.items():
                law, operation = key.split("__")
                accounts.grant_quota(conn, self.policy(), login_id, law, operation, cap=cap)
        return login_id

    def token(self, role: str = "user", **grants: int) -> str:
        return self.server.token(self.user(role, **grants), PASSWORD)


def other_law_bundles(folder: Path) -> list[Path]:
    """The real patent document ZIPs under design and trademark names: the corpus has no
    design or trademark bodies, and the document operations of those laws need some."""
    out = []
    for path in REAL.glob("patent__v1__app_doc_cont_*.zip"):
        for law in ("design", "trademark"):
            copy = folder / path.name.replace("patent__", f"{law}__", 1)
            copy.write_bytes(path.read_bytes())
            out.append(copy)
    return out


def pct_example(folder: Path) -> Path:
    """The SPEC's pct_national_phase example under the request it answers (the OpenAPI
    file's parameter example, PCT/JP2019/011858)."""
    path = folder / ("patent__v1__pct_national_phase_application_number__"
                     "international_application__JP2019011858.json")
    path.write_bytes((EXAMPLES / "patent__v1__pct_national_phase_application_number__kind__"
                                 "number__200__100.json").read_bytes())
    return path


def load_store(database: Database, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    report = ingest(database, REAL, GAZETTE, *spec_cases(), *other_law_bundles(folder),
                    pct_example(folder))
    assert report.ok, [o.reason for o in report.outcomes if o.reason]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp(f"api-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        database = searched(Database(make_engine(url), LocalBlobStore(folder / "data" / "blobs")),
                            folder / "data" / "search")
        load_store(database, folder / "bundles")
        server = Server(url, folder / "data", **UNLIMITED)
        try:
            yield Api(request.param, url, folder / "data", database, server)
        finally:
            server.stop()
            database.close()
