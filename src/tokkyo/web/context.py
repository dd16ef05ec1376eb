"""The neutral application context every surface reads: settings, the store, the accounts
policy (clock, secret). Built once in `create_app`, kept on `app.state.context`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.requests import Request

from tokkyo.accounts.policy import Policy
from tokkyo.config import Settings
from tokkyo.store.blobs import BlobStore
from tokkyo.store.database import Database
from tokkyo.web.proxies import FORWARDED_HOST


@dataclass(frozen=True, slots=True)
class AppContext:
    """What a request may need beyond itself; no surface owns it."""

    settings: Settings
    database: Database
    policy: Policy

    @property
    def secret(self) -> bytes:
        return self.policy.secret

    @property
    def blobs(self) -> BlobStore:
        return self.database.blobs

    def now(self) -> dt.datetime:
        """Now by the app's clock (`TOKKYO_NOW` when set)."""
        return self.policy.clock.now()

    def origin(self, request: Request) -> str:
        """The public origin every absolute link is built on: TOKKYO_PUBLIC_ORIGIN, else
        the X-Forwarded-Host of a trusted proxy (`proxies.TrustedProxies`), else the
        address `tokkyo serve` listens on. Never the request's Host header: clients send
        any (JPO clients send the JPO's), and a link answered from it could be cached
        for everyone."""
        if self.settings.public_origin:
            return self.settings.public_origin
        forwarded = request.scope.get(FORWARDED_HOST)
        if forwarded:
            return f"{request.url.scheme}://{forwarded}"
        return self.settings.bound_origin


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context
