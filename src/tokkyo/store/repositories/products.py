"""Products, releases and files of the bulk site, with the replacement history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from tokkyo.store.tables import files, products, releases


def save_product(conn: sa.Connection, product_id: str, **fields: Any) -> None:
    """Insert the product, or update its descriptive fields when it exists."""
    exists = conn.execute(sa.select(products.c.id).where(products.c.id == product_id)).first()
    if exists:
        conn.execute(sa.update(products).where(products.c.id == product_id).values(**fields))
    else:
        conn.execute(sa.insert(products).values(id=product_id, **fields))


def record_run(conn: sa.Connection, product_id: str, at: dt.datetime) -> None:
    conn.execute(sa.update(products).where(products.c.id == product_id)
                 .values(last_run_at=at))


def product(conn: sa.Connection, product_id: str) -> sa.Row | None:
    return conn.execute(sa.select(products).where(products.c.id == product_id)).first()


def product_listing(conn: sa.Connection) -> list[sa.Row]:
    return list(conn.execute(sa.select(products).order_by(products.c.position,
                                                          products.c.id)))


def release(conn: sa.Connection, release_id: str) -> sa.Row | None:
    return conn.execute(sa.select(releases).where(releases.c.id == release_id)).first()


def releases_of(conn: sa.Connection, product_id: str, since: dt.date | None = None,
                limit: int | None = None) -> list[sa.Row]:
    query = (sa.select(releases).where(releases.c.product_id == product_id)
             .order_by(releases.c.published_at.desc(), releases.c.id.desc()))
    if since is not None:
        query = query.where(sa.or_(releases.c.period_to >= since,
                                   releases.c.period_to.is_(None)))
    if limit:
        query = query.limit(limit)
    return list(conn.execute(query))


def release_ids_of_day(conn: sa.Connection, product_id: str, day: str) -> list[str]:
    prefix = f"{product_id}-{day}-"
    return list(conn.execute(sa.select(releases.c.id).where(
        releases.c.product_id == product_id,
        sa.func.substr(releases.c.id, 1, len(prefix)) == prefix)).scalars())


def insert_release(conn: sa.Connection, **fields: Any) -> None:
    conn.execute(sa.insert(releases).values(**fields))


def bump_revision(conn: sa.Connection, release_id: str) -> int:
    conn.execute(sa.update(releases).where(releases.c.id == release_id)
                 .values(revision=releases.c.revision + 1))
    return conn.execute(sa.select(releases.c.revision)
                        .where(releases.c.id == release_id)).scalar_one()


def insert_file(conn: sa.Connection, **fields: Any) -> int:
    return conn.execute(sa.insert(files).values(**fields).returning(files.c.id)).scalar_one()


def file(conn: sa.Connection, file_id: int) -> sa.Row | None:
    query = (sa.select(files, releases.c.product_id).join(releases)
             .where(files.c.id == file_id))
    return conn.execute(query).first()


def files_of(conn: sa.Connection, release_id: str, status: str | None = "current"
             ) -> list[sa.Row]:
    query = sa.select(files).where(files.c.release_id == release_id)
    if status is not None:
        query = query.where(files.c.status == status)
    return list(conn.execute(query.order_by(files.c.name, files.c.id)))


def current_file(conn: sa.Connection, release_id: str, name: str) -> sa.Row | None:
    return conn.execute(sa.select(files).where(
        files.c.release_id == release_id, files.c.name == name,
        files.c.status == "current")).first()


def history_of(conn: sa.Connection, file_id: int) -> list[sa.Row]:
    """Every version of the file's name in its release, oldest first."""
    row = conn.execute(sa.select(files.c.release_id, files.c.name)
                       .where(files.c.id == file_id)).first()
    if row is None:
        return []
    return list(conn.execute(sa.select(files).where(
        files.c.release_id == row.release_id, files.c.name == row.name)
        .order_by(files.c.created_at, files.c.id)))


def current_files_of_product(conn: sa.Connection, product_id: str) -> list[sa.Row]:
    return list(conn.execute(
        sa.select(files, releases.c.product_id).join(releases)
        .where(releases.c.product_id == product_id, files.c.status == "current")
        .order_by(releases.c.published_at, files.c.name)))


def sha_published(conn: sa.Connection, product_id: str, name: str) -> str | None:
    """The SHA-256 of the current file of that name in any release of the product."""
    return conn.execute(
        sa.select(files.c.sha256).join(releases)
        .where(releases.c.product_id == product_id, files.c.name == name,
               files.c.status == "current")
        .order_by(files.c.id.desc()).limit(1)).scalar()


def supersede(conn: sa.Connection, old_id: int, new_id: int | None, at: dt.datetime,
              reason: str) -> None:
    conn.execute(sa.update(files).where(files.c.id == old_id).values(
        status="superseded", superseded_by=new_id, superseded_at=at, reason=reason))


def withdraw_superseded_before(conn: sa.Connection, before: dt.datetime) -> int:
    """Superseded files past their grace period become withdrawn (410); their records
    and checksums stay."""
    result = conn.execute(sa.update(files).where(
        files.c.status == "superseded", files.c.superseded_at < before)
        .values(status="withdrawn"))
    return result.rowcount or 0


def units_of(conn: sa.Connection) -> dict[str, list[str]]:
    """Archive units: unit name -> the products it holds (whole units only)."""
    units: dict[str, list[str]] = {}
    for row in conn.execute(sa.select(products.c.archive_unit, products.c.id)
                            .where(products.c.archive_unit != "")
                            .order_by(products.c.position, products.c.id)):
        units.setdefault(row.archive_unit, []).append(row.id)
    return units


def unit_size(conn: sa.Connection, product_ids: list[str]) -> tuple[int, int]:
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(files.c.bytes), 0))
        .select_from(files.join(releases))
        .where(releases.c.product_id.in_(product_ids), files.c.status == "current")).one()
    return int(row[1]), int(row[0])
