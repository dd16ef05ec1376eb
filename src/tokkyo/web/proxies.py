"""What a trusted reverse proxy says about the request it forwards.

`tokkyo serve` runs uvicorn without its own proxy handling (which believes any caller on
127.0.0.1); this middleware believes `X-Forwarded-Proto`, `X-Forwarded-For` and
`X-Forwarded-Host` only when the peer is one of `TOKKYO_TRUSTED_PROXIES`, and ignores
them otherwise. The forwarded host is kept in the scope for `AppContext.origin`; the
request's own `Host` header is never used for links."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

#: The scope key holding a trusted proxy's X-Forwarded-Host.
FORWARDED_HOST = "tokkyo.forwarded_host"
#: A host with an optional port (a name, an IPv4 address or a bracketed IPv6 address).
HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


class TrustedProxies:
    """ASGI middleware: the scheme, client and public host a trusted proxy forwarded."""

    def __init__(self, app: ASGIApp, trusts: Callable[[str], bool]) -> None:
        self.app = app
        self.trusts = trusts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and self.trusts(client[0]):
            scope = self._forwarded(scope, client)
        await self.app(scope, receive, send)

    def _forwarded(self, scope: Scope, client: tuple[str, int]) -> Scope:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
                   if k in (b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-for")}
        scope = dict(scope)
        proto = _first(headers.get("x-forwarded-proto", "")).lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        host = _first(headers.get("x-forwarded-host", ""))
        if HOST.fullmatch(host):
            scope[FORWARDED_HOST] = host
        # the nearest address no trusted proxy accounts for is the client
        chain = [a.strip() for a in headers.get("x-forwarded-for", "").split(",") if a.strip()]
        for address in reversed(chain):
            if not self.trusts(address):
                scope["client"] = (address, 0)
                break
        else:
            if chain:
                scope["client"] = (chain[0], 0)
        return scope


def _first(value: str) -> str:
    """The first of a comma-separated header's values (the one nearest the client)."""
    return value.split(",")[0].strip()
