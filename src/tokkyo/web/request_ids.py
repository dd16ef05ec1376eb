"""The id of each HTTP request: the client's `X-Request-ID` when it is well-formed, else
one tokkyo makes. The request-log middleware (`tokkyo.monitoring.requests`) puts it in the
scope before any route runs; the response header, the JSON request log line and the rows
the request writes to the access log and the download log all carry it, so that one call
can be followed from a proxy's log to the store."""

from __future__ import annotations

import re
import secrets

from starlette.requests import Request
from starlette.types import Scope

HEADER = "X-Request-ID"
#: The scope key holding the request's id.
SCOPE_KEY = "tokkyo.request_id"
#: What an incoming id may look like: 8–128 characters of letters, digits and `-_.:+/=`
#: (UUIDs, ULIDs, nginx's `$request_id`, AWS trace ids). Anything else is replaced, so
#: that no client can put spaces, quotes or control characters into the logs.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")


def new_id() -> str:
    """A fresh id: 32 hex digits (128 random bits, like nginx's `$request_id`)."""
    return secrets.token_hex(16)


def accept(header: str | None) -> str:
    """The client's id when it is well-formed, else a fresh one."""
    if header is not None and WELL_FORMED.fullmatch(header):
        return header
    return new_id()


def of_scope(scope: Scope) -> str:
    """The request's id ('' outside a request the middleware saw)."""
    value = scope.get(SCOPE_KEY, "")
    return value if isinstance(value, str) else ""


def request_id(request: Request) -> str:
    return of_scope(request.scope)
