"""Announced maintenance for the API and the portal: during a window tokkyo answers 503
with `Retry-After` and the announcement.

The windows are the bulk site's maintenance announcements (`bulk_announcements`,
category `maintenance`, with `starts_at` and `ends_at`); the bulk site pauses downloads
for them itself and keeps its pages up, so that the announcement can be read. This gate
covers the paths `gated(path)` names (the JPO API and the portal's pages): `/health`,
`/ready`, `/metrics`, sign-in (the portal's `/login`, the token endpoint) and the
programs' admin routes keep answering, so that a load balancer keeps the process and an
administrator can work. Each surface answers in its own form (`Answer`): the JPO
envelope on `/api`, a page or a problem body in the portal.

The windows are read at most every `TTL` seconds per process, off the event loop; when
the store cannot be read the gate lets requests through (the routes then answer the
store's failure in their own form).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tokkyo.monitoring import metrics
from tokkyo.store.database import Database
from tokkyo.store.repositories import bulk_activity

log = logging.getLogger("tokkyo.maintenance")
TTL = 5.0


@dataclass(frozen=True, slots=True)
class Window:
    """A maintenance window as the answers tell it."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title_ja: str
    title_en: str
    body_ja: str
    body_en: str

    def retry_after(self, now: dt.datetime) -> int:
        """Seconds until the window ends (at least 1)."""
        return max(1, math.ceil((self.ends_at - now).total_seconds()))

    def headers(self, now: dt.datetime) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after(now)), "Cache-Control": "no-store",
                "Link": f'</bulk/announcements#a{self.id}>; rel="related"'}

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "starts_at": self.starts_at.isoformat(),
                "ends_at": self.ends_at.isoformat(), "title_ja": self.title_ja,
                "title_en": self.title_en, "body_ja": self.body_ja, "body_en": self.body_en,
                "url": f"/bulk/announcements#a{self.id}"}


#: How a surface answers a request during a window.
Answer = Callable[[Request, Window, dt.datetime], Response]


class Windows:
    """The announced windows, read from the store at most every TTL seconds."""

    def __init__(self, database: Database, now: Callable[[], dt.datetime],
                 ttl: float = TTL) -> None:
        self.database = database
        self.now = now
        self.ttl = ttl
        self._read_at = -math.inf
        self._windows: list[Window] = []

    def _read(self) -> list[Window]:
        far = self.now() + dt.timedelta(seconds=self.ttl * 2)
        with self.database.read() as conn:
            rows = bulk_activity.maintenance_windows(conn, self.now())
        return [Window(r.id, r.starts_at, r.ends_at, r.title_ja, r.title_en, r.body_ja,
                       r.body_en) for r in rows
                if r.starts_at is not None and r.starts_at <= far]

    async def in_force(self) -> Window | None:
        if time.monotonic() - self._read_at > self.ttl:
            try:
                self._windows = await anyio.to_thread.run_sync(self._read)
            except sa.exc.SQLAlchemyError as exc:
                log.warning("maintenance windows not read (%s): requests pass",
                            type(exc).__name__)
                self._windows = []
            self._read_at = time.monotonic()
        now = self.now()
        return next((w for w in self._windows if w.starts_at <= now < w.ends_at), None)


class MaintenanceGate:
    """ASGI middleware: 503 and the announcement on the gated paths during a window."""

    def __init__(self, app: ASGIApp, *, windows: Windows, gated: Callable[[str], bool],
                 answers: Callable[[str], Answer], token_path: str = "/auth/token") -> None:
        self.app = app
        self.windows = windows
        self.gated = gated
        self.answers = answers
        self.token_path = token_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.gated(scope["path"]):
            window = await self.windows.in_force()
            if window is not None:
                surface = metrics.surface_of(scope["path"], self.token_path)
                metrics.MAINTENANCE_ANSWERS.labels(surface).inc()
                request = Request(scope, receive)
                response = self.answers(scope["path"])(request, window, self.windows.now())
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
