"""Repeated slashes in a request's path are one, as nginx merges them by default
(`merge_slashes on`): a client that joins a base URL ending in `/` with a path starting
with `/` asks for `//auth/token` or `//api/patent/v1/…`, which the JPO's server answers."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

_REPEATED = re.compile(r"/{2,}")
_REPEATED_RAW = re.compile(rb"/{2,}")


class MergeSlashes:
    """ASGI middleware: `//a///b` is routed as `/a/b` (the query string is untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "//" in scope["path"]:
            scope = dict(scope)
            scope["path"] = _REPEATED.sub("/", scope["path"])
            raw = scope.get("raw_path")
            if raw is not None:
                scope["raw_path"] = _REPEATED_RAW.sub(b"/", raw)
        await self.app(scope, receive, send)
