"""One middleware around every request: its id, its metrics and its line in the request
log.

It gives the request its id (`tokkyo.web.request_ids`) before any route runs, so the
rows the request writes to the access log and the download log carry it; adds the id to
the response as `X-Request-ID`; counts the answer in `tokkyo_http_requests` and its time
in `tokkyo_http_request_duration_seconds` under the route's template; and writes one
line to the `tokkyo.request` logger (JSON or human, `logs.py`). The line holds the path
without its query string (searches stay private) and with a signed link's token hidden.

It must run inside the middlewares that copy the scope (`TrustedProxies`,
`MergeSlashes`): the router writes the matched route into the scope it is given, which
this middleware reads when the answer is done.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tokkyo.monitoring import metrics
from tokkyo.web.request_ids import HEADER, SCOPE_KEY, accept

log = logging.getLogger("tokkyo.request")
_HEADER_KEY = HEADER.lower().encode("latin-1")
#: Path parameters that are credentials (a bulk link's sealed token): never logged.
SECRET_PARAMETERS = ("token",)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None) if isinstance(route, BaseRoute) else None
    return path if isinstance(path, str) and path else metrics.UNMATCHED


def shown_path(scope: Scope) -> str:
    """The path as the log shows it: secret path parameters replaced by `(hidden)`."""
    path: str = scope.get("path", "")
    for name in SECRET_PARAMETERS:
        value = scope.get("path_params", {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, "(hidden)")
    return path


class RequestLog:
    """ASGI middleware: request id, metrics and the request log line."""

    def __init__(self, app: ASGIApp, token_path: str = "/auth/token") -> None:
        self.app = app
        self.token_path = token_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"]
                         if k == _HEADER_KEY), None)
        rid = scope[SCOPE_KEY] = accept(incoming)
        surface = metrics.surface_of(scope["path"], self.token_path)
        seen: dict[str, Any] = {"status": 500, "bytes": 0}
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                seen["status"] = message["status"]
                message["headers"] = [*message.get("headers", ()),
                                      (_HEADER_KEY, rid.encode("latin-1"))]
            elif kind == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            elif "count" in message:                    # the zero-copy send of a span
                seen["bytes"] += int(message.get("count") or 0)
            await send(message)

        in_flight = metrics.IN_FLIGHT.labels(surface)
        in_flight.inc()
        try:
            await self.app(scope, receive, sending)
        finally:
            in_flight.dec()
            self._record(scope, surface, rid, seen, time.perf_counter() - started)

    def _record(self, scope: Scope, surface: str, rid: str, seen: dict[str, Any],
                seconds: float) -> None:
        route = route_template(scope)
        method = metrics.method_label(scope.get("method", ""))
        status = int(seen["status"])
        metrics.REQUESTS.labels(surface, route, method, str(status)).inc()
        metrics.LATENCY.labels(surface, route).observe(seconds)
        client = scope.get("client")
        fields = {"request_id": rid, "method": method, "path": shown_path(scope),
                  "route": route, "surface": surface, "status": status,
                  "duration_ms": round(seconds * 1000, 2), "bytes": seen["bytes"],
                  "client": client[0] if client else ""}
        log.info("%s %s %d %.1fms", method, fields["path"], status, seconds * 1000,
                 extra={"fields": fields})
