"""What a reverse proxy forwards is believed from TOKKYO_TRUSTED_PROXIES only, over real
HTTP on loopback (issue 19, item 2): the scheme, the public host and the client."""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.server.serving import served_on_loopback
from tokkyo.config import load_settings
from tokkyo.web.proxies import FORWARDED_HOST, TrustedProxies
from tokkyo.web.slashes import MergeSlashes

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tokkyo.example.org",
             "X-Forwarded-For": "203.0.113.7, 10.0.0.2"}


async def echo(scope, receive, send) -> None:
    request = Request(scope, receive)
    client = request.client.host if request.client else ""
    answer = JSONResponse({"scheme": request.url.scheme, "client": client,
                           "host": scope.get(FORWARDED_HOST), "path": request.url.path})
    await answer(scope, receive, send)


def seen(proxies: str, headers: dict[str, str], path: str = "/") -> dict[str, str]:
    settings = load_settings(environ={"TOKKYO_TRUSTED_PROXIES": proxies})
    app = MergeSlashes(TrustedProxies(echo, settings.trusts))
    with served_on_loopback(app) as base:
        answer: dict[str, str] = httpx.get(base + path, headers=headers, timeout=10).json()
        return answer


def test_an_untrusted_peer_forwards_nothing() -> None:
    assert seen("", FORWARDED) == {"scheme": "http", "client": "127.0.0.1", "host": None,
                                   "path": "/"}
    assert seen("10.0.0.0/8", FORWARDED)["client"] == "127.0.0.1"


def test_a_trusted_peer_forwards_scheme_host_and_client() -> None:
    # the nearest address no trusted proxy accounts for is the client (10.0.0.2 is one)
    assert seen("127.0.0.1,10.0.0.0/8", FORWARDED) == {
        "scheme": "https", "client": "203.0.113.7", "host": "tokkyo.example.org",
        "path": "/"}
    assert seen("127.0.0.1", FORWARDED)["client"] == "10.0.0.2"
    # a forwarded host that is no host is not believed
    assert seen("127.0.0.1", {"X-Forwarded-Host": "evil.example/path?"})["host"] is None


def test_repeated_slashes_are_merged_in_the_path_only() -> None:
    assert seen("", {}, "//a///b//?q=c//d")["path"] == "/a/b/"
