"""A small store for the operations tests: the recorded API answers, one user, on the
backend asked (real SQLite or real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from tests.api.server import SECRET
from tests.conftest import REAL, ingest
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import site
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

USER = "ops-user01"
PASSWORD = "ops-password-never-logged-1"
ADMIN = "ops-admin01"
APP_PROGRESS = "/api/patent/v1/app_progress/2020123456"


def policy() -> Policy:
    return Policy(secret=SECRET.encode())


def load(url: str, data: Path, *, users: tuple[tuple[str, str], ...] = ((USER, "user"),),
         maintenance: bool = False) -> None:
    """The recorded answers and the users; with `maintenance`, a window in force now
    for an hour."""
    db = Database(make_engine(url), LocalBlobStore(data / "blobs"))
    try:
        ingest(db, REAL)
        with db.engine.begin() as conn:
            for login_id, role in users:
                accounts.add_user(conn, policy(), login_id, PASSWORD, role)
            if maintenance:
                now = dt.datetime.now(dt.UTC)
                site.announce(conn, now - dt.timedelta(minutes=1), "maintenance",
                              title_ja="データベース更新", title_en="Database upgrade",
                              body_ja="", body_en="The store is being upgraded.",
                              starts_at=now - dt.timedelta(minutes=1),
                              ends_at=now + dt.timedelta(hours=1))
    finally:
        db.close()


def rows(url: str, statement: str) -> list[sa.Row]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(statement)))
    finally:
        engine.dispose()
