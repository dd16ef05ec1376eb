"""What a lookup found, to be answered once the call has been counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import Response


@dataclass(frozen=True, slots=True)
class Found:
    """A statusCode and how to answer it with the remaining count and quota headers."""

    status: str
    render: Callable[[int, dict[str, str]], Response]
