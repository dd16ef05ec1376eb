"""Users, their IDs (never issued twice), contacts and quota grants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.store.tables import contacts, quota_grants, user_ids, users


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    login_id: str | None
    status: str
    role: str
    kind: str
    name: str
    address: str
    purpose: str
    desired_id: str
    consent_version: str
    consent_at: dt.datetime | None
    api: bool
    opd: bool
    bulk: bool
    archive: bool
    password_hash: str | None
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ContactRow:
    position: int
    department: str
    title: str
    name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class GrantRow:
    law: str
    operation: str
    factor: int | None
    cap: int | None
    reason: str


def _user(row: sa.Row | None) -> UserRow | None:
    return UserRow(**row._mapping) if row is not None else None


def by_pk(conn: sa.Connection, pk: int) -> UserRow | None:
    return _user(conn.execute(sa.select(users).where(users.c.id == pk)).first())


def by_login(conn: sa.Connection, login_id: str) -> UserRow | None:
    return _user(conn.execute(sa.select(users).where(users.c.login_id == login_id)).first())


def listing(conn: sa.Connection, status: str | None = None) -> list[UserRow]:
    stmt = sa.select(users).order_by(users.c.id)
    if status:
        stmt = stmt.where(users.c.status == status)
    return [UserRow(**r._mapping) for r in conn.execute(stmt)]


def insert(conn: sa.Connection, **values: Any) -> int:
    return conn.execute(sa.insert(users).values(**values).returning(users.c.id)).scalar_one()


def update(conn: sa.Connection, pk: int, **values: Any) -> None:
    conn.execute(sa.update(users).where(users.c.id == pk).values(**values))


def id_ever_issued(conn: sa.Connection, login_id: str) -> bool:
    return conn.execute(sa.select(user_ids.c.login_id).where(user_ids.c.login_id == login_id)
                        ).first() is not None


def record_id(conn: sa.Connection, pk: int, login_id: str, now: dt.datetime) -> None:
    conn.execute(sa.insert(user_ids).values(login_id=login_id, user_id=pk, issued_at=now))


def retire_id(conn: sa.Connection, login_id: str, now: dt.datetime) -> None:
    conn.execute(sa.update(user_ids).where(user_ids.c.login_id == login_id)
                 .values(retired_at=now))


def set_contacts(conn: sa.Connection, pk: int, rows: Sequence[ContactRow]) -> None:
    conn.execute(sa.delete(contacts).where(contacts.c.user_id == pk))
    if rows:
        conn.execute(sa.insert(contacts), [
            {"user_id": pk, "position": i, "department": c.department, "title": c.title,
             "name": c.name, "email": c.email, "phone": c.phone} for i, c in enumerate(rows)])


# Built once: read on every API call (the day's cap), so it is worth sparing SQLAlchemy
# the construction and the cache key of a new statement each time.
_GRANTS_OF = (sa.select(quota_grants).where(quota_grants.c.user_id == sa.bindparam("pk"))
              .order_by(quota_grants.c.law, quota_grants.c.operation))


def grants_of(conn: sa.Connection, pk: int) -> list[GrantRow]:
    rows = conn.execute(_GRANTS_OF, {"pk": pk}).all()
    return [GrantRow(r.law, r.operation, r.factor, r.cap, r.reason) for r in rows]


def set_grant(conn: sa.Connection, pk: int, law: str, operation: str, *, factor: int | None,
              cap: int | None, reason: str) -> None:
    where = ((quota_grants.c.user_id == pk) & (quota_grants.c.law == law)
             & (quota_grants.c.operation == operation))
    conn.execute(sa.delete(quota_grants).where(where))
    if factor is not None or cap is not None:
        conn.execute(sa.insert(quota_grants).values(user_id=pk, law=law, operation=operation,
                                                    factor=factor, cap=cap, reason=reason))
