"""Links in answers are on the configured origin, never on the request's Host header
(issue 19, item 2): `jpp_fixed_address` URLs made here and the signed link of a large
document bundle, over real HTTP, with a forged Host, an untrusted and a trusted proxy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.server import SECRET, Server
from tests.conftest import GAZETTE, REAL, fresh_database, ingest, searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

LOGIN, PASSWORD = "origin-user1", "a-long-test-password"
FIXED = "/api/patent/v1/jpp_fixed_address/2019165329"      # no recorded URL: made here
BUNDLE = "/api/patent/v1/app_doc_cont_refusal_reason/2020123456"
JPO = "ip-data.jpo.go.jp"
#: every ZIP is "large": answered with a signed link
SETTINGS = {"rate_limit_per_minute": "100000", "bundle_link_threshold": "1"}


@dataclass
class Servers:
    plain: Server        # no trusted proxies (the default)
    proxied: Server      # TOKKYO_TRUSTED_PROXIES=127.0.0.1 (the tests' own address)
    token: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Servers]:
    folder = tmp_path_factory.mktemp(f"origins-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        database = searched(Database(make_engine(url), LocalBlobStore(folder / "data" / "blobs")),
                            folder / "data" / "search")
        assert ingest(database, REAL, GAZETTE).ok
        with database.engine.begin() as conn:
            accounts.add_user(conn, Policy(secret=SECRET.encode()), LOGIN, PASSWORD)
        database.close()
        plain = Server(url, folder / "data", **SETTINGS)
        proxied = Server(url, folder / "data", trusted_proxies="127.0.0.1", **SETTINGS)
        try:
            yield Servers(plain, proxied, plain.token(LOGIN, PASSWORD))
        finally:
            plain.stop()
            proxied.stop()


def links(server: Server, token: str, headers: dict[str, str]) -> list[str]:
    """The fixed address and the signed bundle link answered with `headers`."""
    out = []
    for path in (FIXED, BUNDLE):
        answer = server.get(path, token, headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"]["statusCode"] == "100", answer.text
        out.append(answer.json()["result"]["data"]["URL"])
        if path == BUNDLE:                   # a signed link expires: never kept (item 5)
            assert answer.headers["cache-control"] == "no-store"
    return out


def test_a_forged_host_is_in_no_link(servers: Servers) -> None:
    server = servers.plain
    for host in (JPO, "evil.example"):
        answer = server.get(FIXED, servers.token, {"Host": host})
        assert answer.status_code == 200          # an unknown Host is never refused
        assert host not in answer.text
        fixed, bundle = links(server, servers.token, {"Host": host})
        assert fixed.startswith(f"{server.base}/c1800/PU/JP-2019-165329/"), fixed
        assert bundle.startswith(f"{server.base}/api-files/patent/"), bundle
    # the link is one the server serves
    download = httpx.get(bundle, timeout=30)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"


def test_an_untrusted_proxys_forwarded_host_is_ignored(servers: Servers) -> None:
    forged = {"Host": JPO, "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    for url in links(servers.plain, servers.token, forged):
        assert url.startswith(servers.plain.base + "/"), url


def test_a_trusted_proxys_forwarded_host_is_the_origin(servers: Servers) -> None:
    server = servers.proxied
    forwarded = {"Host": "127.0.0.1", "X-Forwarded-Host": "tokkyo.example.org",
                 "X-Forwarded-Proto": "https"}
    fixed, bundle = links(server, servers.token, forwarded)
    assert fixed.startswith("https://tokkyo.example.org/c1800/PU/JP-2019-165329/"), fixed
    assert bundle.startswith("https://tokkyo.example.org/api-files/patent/"), bundle
    # without forwarded headers, the trusted proxy's Host is not used either
    for url in links(server, servers.token, {"Host": JPO}):
        assert url.startswith(server.base + "/"), url


def test_an_answer_cached_for_one_forwarded_host_is_not_given_to_another(
        servers: Servers) -> None:
    """A server reached through a proxy by two names: each name's address is its own,
    also when the same answer was cached for the other."""
    urls = [links(servers.proxied, servers.token, {"X-Forwarded-Host": host})[0]
            for host in ("one.example", "two.example", "one.example")]
    assert [u.split("/c1800/")[0] for u in urls] == [
        "http://one.example", "http://two.example", "http://one.example"]
    assert len({u.split("/c1800/")[1] for u in urls}) == 1


def test_every_server_process_links_to_the_address_served_on(servers: Servers) -> None:
    """`tokkyo serve --workers 2 --port N`: each process builds its app from the
    environment, and links there too are on port N (not the setting's default)."""
    server = Server(servers.plain.env["TOKKYO_DATABASE_URL"],
                    Path(servers.plain.env["TOKKYO_DATA_DIR"]), workers=2, **SETTINGS)
    try:
        for url in links(server, servers.token, {"Host": JPO}):
            assert url.startswith(server.base + "/"), url
    finally:
        server.stop()
