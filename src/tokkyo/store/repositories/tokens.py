"""Token rows: hashes only, with their expiry and revocation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.tables import tokens, users


@dataclass(frozen=True, slots=True)
class TokenRow:
    id: int
    user_id: int
    kind: str
    session: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    login_id: str | None
    user_status: str
    role: str
    api: bool
    opd: bool


def insert(conn: sa.Connection, *, user_pk: int, kind: str, token_hash: str, session: str,
           issued_at: dt.datetime, expires_at: dt.datetime) -> None:
    conn.execute(sa.insert(tokens).values(user_id=user_pk, kind=kind, token_hash=token_hash,
                                          session=session, issued_at=issued_at,
                                          expires_at=expires_at))


# Built once: every API call looks its token up.
_FIND = (sa.select(
    tokens.c.id, tokens.c.user_id, tokens.c.kind, tokens.c.session, tokens.c.issued_at,
    tokens.c.expires_at, tokens.c.revoked_at, users.c.login_id,
    users.c.status.label("user_status"), users.c.role, users.c.api, users.c.opd)
    .join(users, users.c.id == tokens.c.user_id)
    .where(tokens.c.token_hash == sa.bindparam("token_hash")))


def find(conn: sa.Connection, token_hash: str) -> TokenRow | None:
    row = conn.execute(_FIND, {"token_hash": token_hash}).first()
    return TokenRow(**row._mapping) if row is not None else None


def revoke_all(conn: sa.Connection, user_pk: int, now: dt.datetime) -> int:
    return conn.execute(sa.update(tokens).where(tokens.c.user_id == user_pk,
                                                tokens.c.revoked_at.is_(None))
                        .values(revoked_at=now)).rowcount


def revoke_session(conn: sa.Connection, session: str, now: dt.datetime) -> None:
    conn.execute(sa.update(tokens).where(tokens.c.session == session,
                                         tokens.c.revoked_at.is_(None)).values(revoked_at=now))


def prune_expired(conn: sa.Connection, before: dt.datetime) -> int:
    """Delete the tokens that expired before `before`; how many."""
    return conn.execute(sa.delete(tokens).where(tokens.c.expires_at < before)).rowcount
