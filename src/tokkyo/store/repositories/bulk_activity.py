"""What happens on the bulk site: announcements, the download log, revoked links and
archived-data orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from tokkyo.store.tables import (
    announcements,
    archive_orders,
    downloads,
    files,
    releases,
    revoked_links,
    users,
)
from tokkyo.store.tables.products import (
    ANNOUNCEMENT_CATEGORIES as ANNOUNCEMENT_CATEGORIES,  # the categories a post may have
)


def announce(conn: sa.Connection, **fields: Any) -> int:
    return conn.execute(sa.insert(announcements).values(**fields)
                        .returning(announcements.c.id)).scalar_one()


def announcements_until(conn: sa.Connection, now: dt.datetime, limit: int = 50
                        ) -> list[sa.Row]:
    return list(conn.execute(sa.select(announcements)
                             .where(announcements.c.published_at <= now)
                             .order_by(announcements.c.published_at.desc(),
                                       announcements.c.id.desc()).limit(limit)))


def incidents_since(conn: sa.Connection, since: dt.datetime, now: dt.datetime
                    ) -> list[sa.Row]:
    """Outages, recoveries and maintenance announced between `since` and `now`, newest
    first (the status page)."""
    return list(conn.execute(sa.select(announcements).where(
        announcements.c.category.in_(("outage", "recovery", "maintenance")),
        announcements.c.published_at > since, announcements.c.published_at <= now)
        .order_by(announcements.c.published_at.desc(), announcements.c.id.desc())))


def maintenance_windows(conn: sa.Connection, now: dt.datetime) -> list[sa.Row]:
    """Maintenance windows announced and not yet over, soonest first."""
    return list(conn.execute(sa.select(announcements).where(
        announcements.c.category == "maintenance", announcements.c.published_at <= now,
        announcements.c.ends_at > now).order_by(announcements.c.starts_at)))


def log_download(conn: sa.Connection, **fields: Any) -> None:
    conn.execute(sa.insert(downloads).values(**fields))


def downloads_of(conn: sa.Connection, user_pk: int, limit: int = 200) -> list[sa.Row]:
    """A user's downloads, newest first, with the file's state (superseded files the
    user holds are how the user is told of a replacement)."""
    return list(conn.execute(
        sa.select(downloads.c.at, downloads.c.byte_range, downloads.c.http_status,
                  downloads.c.bytes, files.c.id.label("file_id"), files.c.name,
                  files.c.sha256, files.c.status, files.c.superseded_by,
                  releases.c.id.label("release_id"), releases.c.product_id)
        .select_from(downloads.join(files).join(releases))
        .where(downloads.c.user_id == user_pk)
        .order_by(downloads.c.at.desc(), downloads.c.id.desc()).limit(limit)))


def revoke_link(conn: sa.Connection, link_id: str, user_pk: int, at: dt.datetime) -> None:
    if not is_revoked(conn, link_id):
        conn.execute(sa.insert(revoked_links).values(link_id=link_id, user_id=user_pk,
                                                     revoked_at=at))


def user_of_link(conn: sa.Connection, link_id: str) -> int | None:
    return conn.execute(sa.select(downloads.c.user_id)
                        .where(downloads.c.link_id == link_id).limit(1)).scalar()


def is_revoked(conn: sa.Connection, link_id: str) -> bool:
    return conn.execute(sa.select(revoked_links.c.link_id)
                        .where(revoked_links.c.link_id == link_id)).first() is not None


def insert_order(conn: sa.Connection, **fields: Any) -> int:
    return conn.execute(sa.insert(archive_orders).values(**fields)
                        .returning(archive_orders.c.id)).scalar_one()


def order(conn: sa.Connection, order_id: int) -> sa.Row | None:
    return conn.execute(sa.select(archive_orders, users.c.login_id).join(users)
                        .where(archive_orders.c.id == order_id)).first()


def orders(conn: sa.Connection, user_pk: int | None = None) -> list[sa.Row]:
    query = (sa.select(archive_orders, users.c.login_id).join(users)
             .order_by(archive_orders.c.created_at.desc(), archive_orders.c.id.desc()))
    if user_pk is not None:
        query = query.where(archive_orders.c.user_id == user_pk)
    return list(conn.execute(query))


def update_order(conn: sa.Connection, order_id: int, **fields: Any) -> None:
    conn.execute(sa.update(archive_orders).where(archive_orders.c.id == order_id)
                 .values(**fields))
