"""Blobs, source versions (replacement history) and quarantine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.tables import blobs, publications, quarantine, sources
from tokkyo.store.types import now_utc


@dataclass(frozen=True, slots=True)
class SourceVersion:
    id: int
    key: str
    version: int
    format: str
    name: str
    blob_sha256: str
    fingerprint: str
    ingested_at: dt.datetime
    superseded_at: dt.datetime | None


def record_blob(conn: sa.Connection, sha256: str, size: int, media_type: str = "") -> None:
    exists = conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256 == sha256)).first()
    if not exists:
        conn.execute(sa.insert(blobs).values(sha256=sha256, size=size, media_type=media_type))


def current(conn: sa.Connection, key: str) -> SourceVersion | None:
    row = conn.execute(sa.select(sources).where(sources.c.key == key,
                                                sources.c.superseded_at.is_(None))).first()
    return _version(row) if row else None


def add_version(conn: sa.Connection, *, key: str, format: str, name: str, blob_sha256: str,
                fingerprint: str, batch_id: int | None, problems: str = "",
                previous: SourceVersion | None = None) -> SourceVersion:
    """Record a new version of `key`, superseding `previous`, the current one (kept as
    history); the caller passes the current version it has already read, or None."""
    now = now_utc()
    if previous is not None:
        conn.execute(sa.update(sources).where(sources.c.id == previous.id)
                     .values(superseded_at=now))
    version = previous.version + 1 if previous else 1
    new_id = conn.execute(sa.insert(sources).values(
        key=key, version=version, format=format, name=name, blob_sha256=blob_sha256,
        fingerprint=fingerprint, batch_id=batch_id, ingested_at=now, problems=problems)
        .returning(sources.c.id)).scalar_one()
    return SourceVersion(new_id, key, version, format, name, blob_sha256, fingerprint, now, None)


def history(conn: sa.Connection, key: str) -> list[SourceVersion]:
    rows = conn.execute(sa.select(sources).where(sources.c.key == key)
                        .order_by(sources.c.version)).all()
    return [_version(r) for r in rows]


def by_id(conn: sa.Connection, source_id: int) -> SourceVersion:
    return _version(conn.execute(sa.select(sources).where(sources.c.id == source_id)).one())


def _version(row: sa.Row) -> SourceVersion:
    return SourceVersion(row.id, row.key, row.version, row.format, row.name, row.blob_sha256,
                         row.fingerprint, row.ingested_at, row.superseded_at)


def add_quarantine(conn: sa.Connection, *, batch_id: int | None, name: str, format: str,
                   reason: str, blob_sha256: str | None) -> None:
    conn.execute(sa.insert(quarantine).values(batch_id=batch_id, name=name, format=format,
                                              reason=reason, blob_sha256=blob_sha256))


def quarantined(conn: sa.Connection, batch_id: int | None = None) -> list[sa.Row]:
    stmt = sa.select(quarantine).order_by(quarantine.c.id)
    if batch_id is not None:
        stmt = stmt.where(quarantine.c.batch_id == batch_id)
    return list(conn.execute(stmt).all())


_LATEST = sa.select(sa.func.max(sources.c.id))


def latest_id(conn: sa.Connection) -> int:
    """The newest source version's id, 0 for an empty store: the store's data version
    (answers change only when ingest adds a source version). One indexed lookup, built
    once: the API asks it on every cached answer."""
    return conn.execute(_LATEST).scalar_one_or_none() or 0


def counts(conn: sa.Connection) -> dict[str, int]:
    return {
        "sources": conn.execute(sa.select(sa.func.count()).select_from(sources)
                                .where(sources.c.superseded_at.is_(None))).scalar_one(),
        "superseded": conn.execute(sa.select(sa.func.count()).select_from(sources)
                                   .where(sources.c.superseded_at.is_not(None))).scalar_one(),
        "quarantined": conn.execute(sa.select(sa.func.count()).select_from(quarantine))
        .scalar_one(),
    }


@dataclass(frozen=True, slots=True)
class FormatFreshness:
    format: str
    loaded_at: dt.datetime          # the last time a file of this format was loaded
    latest_publication: dt.date | None   # the newest publication date it brought


def freshness(conn: sa.Connection) -> list[FormatFreshness]:
    """Per source format: when data of it was last loaded, and the newest publication
    date among the documents it holds (what "data as of" is read from)."""
    loaded = conn.execute(sa.select(sources.c.format, sa.func.max(sources.c.ingested_at))
                          .group_by(sources.c.format)).all()
    newest = dict(conn.execute(
        sa.select(sources.c.format, sa.func.max(publications.c.date))
        .join(publications, publications.c.source_id == sources.c.id)
        .group_by(sources.c.format)).all())
    return [FormatFreshness(fmt, at, newest.get(fmt)) for fmt, at in sorted(loaded)]
