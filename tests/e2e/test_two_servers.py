"""Two `tokkyo serve` processes on two loopback ports share one PostgreSQL primary and
its streaming replica (reads) and nothing else that matters: 50 concurrent API clients
spread over both meet the daily cap exactly; a session begun on one server is signed in
on the other; what is saved through one is read back at once through the other (the
read-your-writes flows stay on the primary); signing out on one ends the session on both.

Download slots across two server processes are tested in tests/bulk/test_downloads.py
(`test_at_most_four_downloads_at_a_time_per_user[2]`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa

from tests.api.server import SECRET, Server
from tests.pg_cluster import replicated_pair
from tests.store.test_replicas import unavailable
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.config import load_settings
from tokkyo.store.database import Database
from tokkyo.store.engine import normalise_url
from tokkyo.store.repositories import users
from tokkyo.store.tables import access_log, quota_counters

PASSWORD = "two-servers-password"
API_USER = "two-api-user"
PORTAL_USER = "two-portal-user"
DIVISIONAL = "/api/patent/v1/divisional_app_info/2020123456"       # default cap: 30


@dataclass
class Pair:
    a: Server
    b: Server
    database: Database
    replica_url: str

    @contextmanager
    def replica_paused(self) -> Iterator[None]:
        """Replay paused on the replica: what is written meanwhile is not on it."""
        engine = sa.create_engine(normalise_url(self.replica_url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
            yield
        finally:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
            engine.dispose()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    made = replicated_pair()
    if isinstance(made, str):
        unavailable(made)
    assert not isinstance(made, str)
    primary, replica = made
    data = tmp_path_factory.mktemp("two-servers")
    started: list[Server] = []
    database = None
    try:
        url = primary.url("postgres")
        database = Database.open(load_settings(environ={}, database_url=url,
                                               data_dir=str(data), secret_key=SECRET))
        database.upgrade()
        policy = Policy(secret=SECRET.encode())
        with database.transaction() as conn:
            for login_id in (API_USER, PORTAL_USER):
                accounts.add_user(conn, policy, login_id, PASSWORD)
        for _ in range(2):
            started.append(Server(url, data, database_replica_urls=replica.url("postgres"),
                                  replica_max_lag_s="2", rate_limit_per_minute="100000"))
        yield Pair(started[0], started[1], database, replica.url("postgres"))
    finally:
        for server in started:
            server.stop()
        if database is not None:
            database.close()
        replica.stop()
        primary.stop()


def test_fifty_clients_over_two_servers_meet_the_cap_exactly(servers):
    """One ID, 50 calls at once, alternating between the servers: exactly 30 counted
    (the store has no such case: 107, which counts) and 20 refused (203); the remaining
    counts 29..0 each once; 50 log entries; the counter says 30."""
    token = servers.a.token(API_USER, PASSWORD)      # issued by A, used on B at once
    bases = [servers.a.base, servers.b.base]

    def call(i: int) -> tuple[str, str]:
        with httpx.Client(base_url=bases[i % 2], timeout=60) as client:
            body = client.get(DIVISIONAL, headers={"Authorization": f"Bearer {token}"}
                              ).json()["result"]
        return body["statusCode"], body["remainAccessCount"]

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(call, range(50)))
    codes = [code for code, _remain in results]
    assert codes.count("107") == 30 and codes.count("203") == 20
    assert sorted(int(r) for code, r in results if code == "107") == list(range(30))
    with servers.database.read_primary() as conn:
        user = users.by_login(conn, API_USER)
        assert user is not None
        used = conn.execute(sa.select(quota_counters.c.used).where(
            quota_counters.c.user_id == user.id,
            quota_counters.c.operation == "divisional_app_info")).scalar_one()
        logged = conn.execute(sa.select(access_log.c.status_code).where(
            access_log.c.login_id == API_USER,
            access_log.c.operation == "divisional_app_info")).scalars().all()
    assert used == 30
    assert sorted(logged) == ["107"] * 30 + ["203"] * 20


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None, page
    return found[1]


def test_a_session_and_what_it_saves_are_the_same_on_both_servers(servers):
    """With the replica's replay paused (it holds none of what follows, and is used for
    up to TOKKYO_REPLICA_MAX_LAG_S): the session, the saved formula and the sign-out are
    read on the primary, whichever server reads them."""
    html = {"Accept": "text/html", "Accept-Language": "en"}
    with servers.replica_paused(), \
            httpx.Client(base_url=servers.a.base, headers=html, timeout=60) as on_a, \
            httpx.Client(base_url=servers.b.base, headers=html, timeout=60) as on_b:
        signed = on_a.post("/login", data={"username": PORTAL_USER, "password": PASSWORD,
                                           "next": "/me/formulas"})
        assert signed.status_code == 303
        on_b.cookies = on_a.cookies                    # one browser, two servers
        page = on_b.get("/me/formulas")               # the session begun on A, on B
        assert page.status_code == 200 and PORTAL_USER in page.text
        saved = on_b.post("/me/formulas", data={"csrf": _csrf(page.text), "name": "batteries",
                                                "law": "all", "expression": "電池", "n": ""})
        assert saved.status_code == 200
        # read back through A at once: the list is read on the primary, not a replica
        listed = on_a.get("/me/formulas", headers={"Accept": "application/json"}).json()
        assert [f["name"] for f in listed["formulas"]] == ["batteries"]
        session = on_a.cookies["tokkyo_session"]
        out = on_b.post("/logout", data={"csrf": _csrf(on_b.get("/me/formulas").text)})
        assert out.status_code == 303
    # the old cookie, sent to A after signing out on B: the session has ended everywhere
    ended = httpx.get(f"{servers.a.base}/me/formulas", cookies={"tokkyo_session": session},
                      headers={"Accept": "application/json"})
    assert ended.status_code == 401
