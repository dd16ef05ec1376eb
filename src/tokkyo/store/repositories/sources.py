"""Blobs, source versions (replacement history) and quarantine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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


# Statements ingest runs for every file, built once (a built statement keeps its cache
# key; see repositories/publications.py).
_BLOB_HELD = sa.select(blobs.c.sha256).where(blobs.c.sha256 == sa.bindparam("b_sha"))
_NEW_BLOB = sa.insert(blobs)
_CURRENT = sa.select(sources).where(sources.c.key == sa.bindparam("b_key"),
                                    sources.c.superseded_at.is_(None))
_SUPERSEDE = sa.update(sources).where(sources.c.id == sa.bindparam("b_id"))
_NEW_VERSION = sa.insert(sources).returning(sources.c.id)


def record_blob(conn: sa.Connection, sha256: str, size: int, media_type: str = "") -> None:
    exists = conn.execute(_BLOB_HELD, {"b_sha": sha256}).first()
    if not exists:
        conn.execute(_NEW_BLOB, {"sha256": sha256, "size": size, "media_type": media_type})


def current(conn: sa.Connection, key: str) -> SourceVersion | None:
    row = conn.execute(_CURRENT, {"b_key": key}).first()
    return _version(row) if row else None


def add_version(conn: sa.Connection, *, key: str, format: str, name: str, blob_sha256: str,
                fingerprint: str, batch_id: int | None, problems: str = "",
                previous: SourceVersion | None = None) -> SourceVersion:
    """Record a new version of `key`, superseding `previous`, the current one (kept as
    history); the caller passes the current version it has already read, or None."""
    now = now_utc()
    if previous is not None:
        conn.execute(_SUPERSEDE, {"b_id": previous.id, "superseded_at": now})
    version = previous.version + 1 if previous else 1
    new_id = conn.execute(_NEW_VERSION, {
        "key": key, "version": version, "format": format, "name": name,
        "blob_sha256": blob_sha256, "fingerprint": fingerprint, "batch_id": batch_id,
        "ingested_at": now, "problems": problems}).scalar_one()
    return SourceVersion(new_id, key, version, format, name, blob_sha256, fingerprint, now, None)


def current_of_formats(conn: sa.Connection, formats: Sequence[str]) -> list[SourceVersion]:
    """The current version of every stored file of the given formats, oldest first."""
    rows = conn.execute(sa.select(sources).where(sources.c.format.in_(list(formats)),
                                                 sources.c.superseded_at.is_(None))
                        .order_by(sources.c.id)).all()
    return [_version(r) for r in rows]


def set_problems(conn: sa.Connection, version_id: int, problems: str) -> None:
    """What a new reading of a version's unchanged bytes says of them."""
    conn.execute(sa.update(sources).where(sources.c.id == version_id)
                 .values(problems=problems))


def history(conn: sa.Connection, key: str) -> list[SourceVersion]:
    rows = conn.execute(sa.select(sources).where(sources.c.key == key)
                        .order_by(sources.c.version)).all()
    return [_version(r) for r in rows]


def by_id(conn: sa.Connection, source_id: int) -> SourceVersion:
    return _version(conn.execute(sa.select(sources).where(sources.c.id == source_id)).one())


def _version(row: sa.Row) -> SourceVersion:
    return SourceVersion(row.id, row.key, row.version, row.format, row.name, row.blob_sha256,
                         row.fingerprint, row.ingested_at, row.superseded_at)


def _quarantine_upsert(insert: Callable[[sa.Table], Any], *, by_bytes: bool) -> sa.Insert:
    """Insert a refused file's row, or update the one it already has: one row per
    distinct content (SHA-256), or per name for an item without bytes."""
    q = quarantine.c
    statement = insert(quarantine)
    latest = {c: getattr(statement.excluded, c)
              for c in ("batch_id", "name", "format", "reason", "last_seen_at")}
    if by_bytes:
        return statement.on_conflict_do_update(
            index_elements=[q.blob_sha256],
            set_={**latest, "times_seen": q.times_seen + 1})
    return statement.on_conflict_do_update(
        index_elements=[q.name], index_where=q.blob_sha256.is_(None),
        set_={**latest, "times_seen": q.times_seen + 1})


_QUARANTINE = {(dialect, by_bytes): _quarantine_upsert(insert, by_bytes=by_bytes)
               for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
               for by_bytes in (True, False)}


def add_quarantine(conn: sa.Connection, *, batch_id: int | None, name: str, format: str,
                   reason: str, blob_sha256: str | None) -> None:
    """Note a refused file: a file refused before (the same bytes, or the same name when
    it has none) keeps its one row, which takes the latest name, batch, format and
    reason, the time and one more sighting."""
    now = now_utc()
    statement = _QUARANTINE[conn.dialect.name, blob_sha256 is not None]
    conn.execute(statement, {"batch_id": batch_id, "name": name, "format": format,
                             "reason": reason, "blob_sha256": blob_sha256,
                             "created_at": now, "last_seen_at": now, "times_seen": 1})


def quarantined(conn: sa.Connection, batch_id: int | None = None) -> list[sa.Row]:
    stmt = sa.select(quarantine).order_by(quarantine.c.last_seen_at, quarantine.c.id)
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
