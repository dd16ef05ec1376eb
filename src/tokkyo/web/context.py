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
        """The public origin links are built on (TOKKYO_PUBLIC_ORIGIN, else the request's)."""
        return self.settings.public_origin or str(request.base_url).rstrip("/")


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context
