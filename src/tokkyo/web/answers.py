"""One way from an error to an answer: each surface (the JPO API, the bulk site, the
portal…) says how it answers an error for the paths it serves, and the app's exception
handlers ask the surface of the request's path. Routes raise, or let services raise; they
never catch a domain error to answer it themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

#: How a surface answers an error, or None when it leaves it to the next surface.
ErrorAnswer = Callable[[Request, Exception], Awaitable[Response | None]]


@dataclass(frozen=True, slots=True)
class Surface:
    """The paths a surface serves (prefixes; "" for every path) and how it answers errors."""

    name: str
    prefixes: tuple[str, ...]
    answer: ErrorAnswer

    def serves(self, path: str) -> bool:
        return any(path == p.rstrip("/") or path.startswith(p) for p in self.prefixes)


async def answer_error(surfaces: Sequence[Surface], request: Request, exc: Exception
                       ) -> Response | None:
    """The answer of the first surface that serves the path and answers the error."""
    path = request.url.path
    for surface in surfaces:
        if surface.serves(path):
            answer = await surface.answer(request, exc)
            if answer is not None:
                return answer
    return None
