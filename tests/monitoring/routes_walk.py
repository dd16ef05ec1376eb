"""Every route of an app, as (method, path template), however routers are included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Mount


def walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:                  # FastAPI's included router
            context = getattr(route, "include_context", None)
            yield from walk(original.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, APIRoute) or hasattr(route, "methods"):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield method, prefix + route.path
        elif isinstance(route, Mount):
            yield "GET", prefix + route.path + "/{path}"
