"""Two `tokkyo serve` processes behind Debian's nginx (`tests/nginx_proxy.py`, the
upstream settings of docs/nginx/tokkyo.conf) share one PostgreSQL primary and its
streaming replica (reads) and nothing else that matters: 50 concurrent API clients
through nginx meet the daily cap exactly; a user's download slots are counted across
both servers, and a server killed mid-download leaves none of them taken; a session
begun on one server is signed in on the other; what is saved through one is read back at
once through the other (the read-your-writes flows stay on the primary); signing out on
one ends the session on both.

Download slots across two server processes on one SQLite data folder (file locks) are
tested in tests/bulk/test_downloads.py
(`test_at_most_four_downloads_at_a_time_per_user[2]`)."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.api.server import SECRET, Server
from tests.nginx_proxy import nginx_binary, nginx_proxy
from tests.pg_cluster import replicated_pair
from tests.store.test_replicas import unavailable
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog
from tokkyo.config import load_settings
from tokkyo.store.database import Database
from tokkyo.store.engine import normalise_url
from tokkyo.store.repositories import download_slots, users
from tokkyo.store.repositories import products as rows
from tokkyo.store.tables import access_log, quota_counters

PASSWORD = "two-servers-password"
API_USER = "two-api-user"
PORTAL_USER = "two-portal-user"
DIVISIONAL = "/api/patent/v1/divisional_app_info/2020123456"       # default cap: 30
BULK_USER = "two-bulk-user"
TERMS = "2026-04"
SLOTS = 4                                   # TOKKYO_BULK_MAX_DOWNLOADS's default
LARGE = 48 << 20                            # more than loopback and nginx buffers hold


@dataclass
class Pair:
    a: Server
    b: Server
    database: Database
    replica_url: str
    proxy: str                              # nginx's base URL, in front of a and b
    file_id: int                            # a large file in a bulk release
    data: Path
    settings: dict[str, str] = field(default_factory=dict)

    def restart_b(self) -> None:
        """B again on its port (nginx's upstream), after it was killed."""
        self.b.stop()
        self.b = Server(self.database_url, self.data / "b", port=self.b.port, **self.settings)

    @property
    def database_url(self) -> str:
        return self.database.engine.url.render_as_string(hide_password=False)

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
    nginx_binary()                                   # skip (or fail in CI) before starting
    made = replicated_pair()
    if isinstance(made, str):
        unavailable(made)
    assert not isinstance(made, str)
    primary, replica = made
    data = tmp_path_factory.mktemp("two-servers")
    pair = None
    database = None
    try:
        url = primary.url("postgres")
        database = Database.open(load_settings(environ={}, database_url=url,
                                               data_dir=str(data), secret_key=SECRET))
        database.upgrade()
        file_id = _bulk_file(database, data)
        # as on two machines: a data folder each, the store and the blob store shared
        settings = {"database_replica_urls": replica.url("postgres"), "replica_max_lag_s": "2",
                    "rate_limit_per_minute": "100000", "bulk_terms_version": TERMS,
                    "blob_dir": str(data / "blobs"), "search_index_dir": str(data / "search")}
        a = Server(url, data / "a", **settings)
        pair = Pair(a, a, database, replica.url("postgres"), "", file_id, data, settings)
        pair.b = Server(url, data / "b", **settings)
        with nginx_proxy(data / "nginx", [pair.a.port, pair.b.port]) as proxy:
            pair.proxy = proxy
            yield pair
    finally:
        if pair is not None:
            pair.a.stop()
            pair.b.stop()
        if database is not None:
            database.close()
        replica.stop()
        primary.stop()


def _bulk_file(database: Database, data: Path) -> int:
    """The users, and a bulk release holding one large file; its id."""
    policy = Policy(secret=SECRET.encode())
    source = data / "large.bin"
    with source.open("wb") as out:
        for _ in range(LARGE >> 20):
            out.write(os.urandom(1 << 20))
    sha, size = database.blobs.put_file(source)
    source.unlink()
    now = dt.datetime.now(dt.UTC)
    with database.transaction() as conn:
        for login_id in (API_USER, PORTAL_USER, BULK_USER):
            accounts.add_user(conn, policy, login_id, PASSWORD)
        bulk_user = users.by_login(conn, BULK_USER)
        assert bulk_user is not None
        users.update(conn, bulk_user.id, consent_version=TERMS)
        catalog.ensure_products(conn)
        product = catalog.PRODUCTS[0].id
        rows.insert_release(conn, id=f"{product}-two-servers", product_id=product,
                            type="backfile", published_at=now, revision=1)
        return rows.insert_file(conn, release_id=f"{product}-two-servers", name="large.bin",
                                bytes=size, sha256=sha, media_type="application/octet-stream",
                                status="current", created_at=now)


def test_fifty_clients_over_two_servers_meet_the_cap_exactly(servers):
    """One ID, 50 calls at once through nginx, which spreads them over both servers:
    exactly 30 counted (the store has no such case: 107, which counts) and 20 refused
    (203); the remaining counts 29..0 each once; 50 log entries; the counter says 30."""
    token = servers.a.token(API_USER, PASSWORD)      # issued by A, used on both at once

    def call(_i: int) -> tuple[str, str]:
        with httpx.Client(base_url=servers.proxy, timeout=60) as client:
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


def _link(servers: Pair) -> str:
    """The path of a fresh download link of the bulk user's large file (issued by A)."""
    token = servers.a.token(BULK_USER, PASSWORD)
    answer = servers.a.client.post(f"/bulk/api/v1/files/{servers.file_id}/link",
                                   headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["url"]).removeprefix(servers.a.base)


@contextmanager
def _downloads(urls: list[str]) -> Iterator[list[httpx.Response]]:
    """Downloads begun at `urls`, one connection each, left unread while the block runs
    (each holds its slot: the file is larger than every buffer on the way)."""
    with ExitStack() as stack:
        answers = []
        for url in urls:
            client = stack.enter_context(httpx.Client(timeout=60))
            answers.append(stack.enter_context(client.stream("GET", url)))
        yield answers


def _holders(servers: Pair) -> Counter[str]:
    """How many download slots each server process holds now (by its sessions' names)."""
    with servers.database.read_primary() as conn:
        return Counter(name for _user, _slot, name in download_slots.holders(conn))


def _held_by(server: Server) -> str:
    return f"tokkyo held pid {server.process.pid}"


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 429 and answer.headers["retry-after"] == "10"
    assert f"at most {SLOTS} downloads at a time" in answer.json()["message"]


def _wait_until(holders: dict[str, int], servers: Pair, what: str) -> None:
    deadline = time.monotonic() + 30
    while _holders(servers) != holders:
        assert time.monotonic() < deadline, f"{what}: {_holders(servers)}"
        time.sleep(0.05)


def test_download_slots_are_counted_across_both_servers(servers):
    """Four slow downloads through nginx run two on each server; a fifth is refused by
    either server, and through nginx; when the four end, every slot is free again."""
    path = _link(servers)
    with _downloads([servers.proxy + path] * SLOTS) as answers:
        assert [answer.status_code for answer in answers] == [200] * SLOTS
        for base in (servers.a.base, servers.b.base, servers.proxy):
            _refused(httpx.get(base + path, timeout=60))
        assert _holders(servers) == {_held_by(servers.a): 2, _held_by(servers.b): 2}
    _wait_until({}, servers, "the ended downloads kept their slots")


def test_a_server_killed_mid_download_leaves_no_slot_taken(servers):
    """Two downloads on each server; B is killed (SIGKILL) mid-download: its two slots
    are free at once (its sessions ended with it), so two more downloads through nginx
    (which now reaches A only) are let in, and a fifth is still refused."""
    path = _link(servers)
    try:
        with _downloads([servers.a.base + path] * 2 + [servers.b.base + path] * 2) as answers:
            assert [answer.status_code for answer in answers] == [200] * SLOTS
            servers.b.process.kill()
            servers.b.process.wait(10)
            _wait_until({_held_by(servers.a): 2}, servers, "the killed server's slots leaked")
            with _downloads([servers.proxy + path] * 2) as more:
                assert [answer.status_code for answer in more] == [200] * 2
                assert _holders(servers) == {_held_by(servers.a): SLOTS}
                _refused(httpx.get(servers.proxy + path, timeout=60))
    finally:
        servers.restart_b()
    _wait_until({}, servers, "the ended downloads kept their slots")
