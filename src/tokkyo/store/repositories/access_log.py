"""The access log (ID, time, IP, operation, status) and its aggregate statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.model.jst import UTC_OFFSET_HOURS, ZONE_NAME
from tokkyo.store.tables import access_log


@dataclass(frozen=True, slots=True)
class Entry:
    at: dt.datetime
    login_id: str
    ip: str
    service: str
    law: str
    operation: str
    status_code: str
    http_status: int
    bytes: int = 0
    request_id: str = ""


_INSERT = sa.insert(access_log)          # built once: every API call writes an entry


def write(conn: sa.Connection, entry: Entry) -> None:
    conn.execute(_INSERT, {
        "at": entry.at, "login_id": entry.login_id, "ip": entry.ip, "service": entry.service,
        "law": entry.law, "operation": entry.operation, "status_code": entry.status_code,
        "http_status": entry.http_status, "bytes": entry.bytes,
        "request_id": entry.request_id})


def of_user(conn: sa.Connection, login_id: str, limit: int = 100) -> list[Entry]:
    rows = conn.execute(sa.select(access_log).where(access_log.c.login_id == login_id)
                        .order_by(access_log.c.at.desc()).limit(limit)).all()
    return [Entry(r.at, r.login_id, r.ip, r.service, r.law, r.operation, r.status_code,
                  r.http_status, r.bytes, r.request_id) for r in rows]


def prune(conn: sa.Connection, before: dt.datetime) -> int:
    return conn.execute(sa.delete(access_log).where(access_log.c.at < before)).rowcount


def _jst_day(conn: sa.Connection) -> sa.ColumnElement:
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.func.timezone(ZONE_NAME, access_log.c.at), sa.Date)
    return sa.func.date(access_log.c.at, f"+{UTC_OFFSET_HOURS} hours")   # SQLite stores UTC


def statistics(conn: sa.Connection, since: dt.datetime, until: dt.datetime
               ) -> list[tuple[str, str, str, str, str, int]]:
    """Calls per JST day, service, law, operation and status code. No ID, no IP: nothing
    that identifies a user (bulk.md §1.5)."""
    a = access_log.c
    day = _jst_day(conn).label("day")
    rows = conn.execute(
        sa.select(day, a.service, a.law, a.operation, a.status_code, sa.func.count())
        .where(a.at >= since, a.at < until)
        .group_by(day, a.service, a.law, a.operation, a.status_code)
        .order_by(day, a.service, a.law, a.operation, a.status_code)).all()
    return [(str(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]
