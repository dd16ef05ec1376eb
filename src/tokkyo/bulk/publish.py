"""Publishing releases and replacing files (bulk.md §3, §6).

`publish` builds a product's files from the store and records them as a release: a
file whose bytes equal the current file of that name is not published again, so running
it twice publishes nothing new. `replace` puts a corrected file beside the old one: the
old record is marked superseded (never overwritten), the release's revision goes up and
an announcement names both checksums. Callers commit.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from tokkyo.bulk.builders import BUILDERS, BuildRequest, BuiltFile
from tokkyo.bulk.errors import BulkError, NotFound
from tokkyo.model.jst import japan_day, midnight
from tokkyo.store.blobs import BlobStore
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows

RELEASE_TYPES = ("backfile", "delta")
COMPLETENESS = "completeness.csv"
SUPERSEDED_GRACE = dt.timedelta(days=90)


@dataclass(slots=True)
class Published:
    product_id: str
    release_id: str | None = None
    files: list[tuple[str, str, int]] = field(default_factory=list)   # name, sha256, bytes
    unchanged: list[str] = field(default_factory=list)


def _release_id(conn: sa.Connection, product_id: str, day: dt.date) -> str:
    stamp = f"{day:%Y%m%d}"
    taken = rows.release_ids_of_day(conn, product_id, stamp)
    serials = [int(r.rsplit("-", 1)[1]) for r in taken if r.rsplit("-", 1)[1].isdigit()]
    return f"{product_id}-{stamp}-{max(serials, default=0) + 1}"


def publish(conn: sa.Connection, blobs: BlobStore, product_id: str, *,
            release_type: str = "delta", since: dt.date | dt.datetime | None = None,
            now: dt.datetime, workdir: Path) -> Published:
    """A release of what was loaded since `since` (a day: from 00:00 JST; default for a
    delta: since the product's last release), or of everything (backfile)."""
    product = rows.product(conn, product_id)
    if product is None:
        raise NotFound(f"no product {product_id!r}")
    if release_type not in RELEASE_TYPES:
        raise BulkError(f"release type {release_type!r} is not backfile or delta")
    if release_type == "backfile" and since is not None:
        raise BulkError("a backfile covers everything; --since is for deltas")
    today = japan_day(now)
    # a day: from 00:00 JST
    start = since if since is None or isinstance(since, dt.datetime) else midnight(since)
    if release_type == "delta" and start is None:
        last = rows.releases_of(conn, product_id, limit=1)
        if last:
            start = last[0].published_at
    result = Published(product_id)
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="publish-") as tmp:
        built = BUILDERS[product.builder](conn, BuildRequest(product_id, start, today,
                                                               Path(tmp), blobs))
        stored: list[tuple[BuiltFile, str, int]] = []
        for item in built.files:
            sha, size = blobs.put_file(item.path)
            if item.name != COMPLETENESS and rows.sha_published(conn, product_id,
                                                                item.name) == sha:
                result.unchanged.append(item.name)
                continue
            stored.append((item, sha, size))
    rows.record_run(conn, product_id, now)
    if not any(item.name != COMPLETENESS for item, _, _ in stored):
        return result
    release_id = _release_id(conn, product_id, today)
    rows.insert_release(conn, id=release_id, product_id=product_id, type=release_type,
                        period_from=built.period_from, period_to=built.period_to,
                        published_at=now, revision=1)
    for item, sha, size in stored:
        rows.insert_file(conn, release_id=release_id, name=item.name, bytes=size, sha256=sha,
                         media_type=item.media_type, records_total=item.total,
                         records_new=item.new, records_changed=item.changed,
                         records_deleted=item.deleted, coverage_from=item.coverage_from,
                         coverage_to=item.coverage_to, status="current", created_at=now)
        result.files.append((item.name, sha, size))
    count = len([f for f in result.files if f[0] != COMPLETENESS])
    bulk_activity.announce(
        conn, published_at=now, category="new-data", product_id=product_id,
        release_id=release_id,
        title_ja=f"{product.title_ja}：{release_id} を公開しました（{count} ファイル）",
        title_en=f"{product.title_en}: release {release_id} published ({count} files)",
        body_ja=_period_ja(built.period_from, built.period_to),
        body_en=_period_en(built.period_from, built.period_to))
    rows.withdraw_superseded_before(conn, now - SUPERSEDED_GRACE)
    result.release_id = release_id
    return result


def _period_ja(first: dt.date | None, last: dt.date | None) -> str:
    return f"収録期間 {first or '—'} ～ {last or '—'}"


def _period_en(first: dt.date | None, last: dt.date | None) -> str:
    return f"Period covered: {first or '—'} to {last or '—'}"


def replace(conn: sa.Connection, blobs: BlobStore, release_id: str, name: str,
            source: Path, *, reason: str, now: dt.datetime,
            records: int | None = None) -> int:
    """Put `source` in place of the current file `name` of the release; returns the new
    file's id."""
    release = rows.release(conn, release_id)
    if release is None:
        raise NotFound(f"no release {release_id!r}")
    old = rows.current_file(conn, release_id, name)
    if old is None:
        raise NotFound(f"release {release_id} has no current file {name!r}")
    if not reason.strip():
        raise BulkError("a replacement needs a reason (it is shown to users)")
    if not source.is_file():
        raise BulkError(f"{source} is not a file")
    sha, size = blobs.put_file(source)
    if sha == old.sha256:
        raise BulkError(f"{source} has the same SHA-256 as the current {name}; nothing to "
                        "replace")
    # the old record leaves the "one current file per name" index before the new one
    # enters it; both happen in the caller's transaction
    rows.supersede(conn, old.id, None, now, reason)
    new_id = rows.insert_file(
        conn, release_id=release_id, name=name, bytes=size, sha256=sha,
        media_type=old.media_type,
        records_total=old.records_total if records is None else records,
        records_new=old.records_new if records is None else 0,
        records_changed=old.records_changed if records is None else records,
        records_deleted=old.records_deleted, coverage_from=old.coverage_from,
        coverage_to=old.coverage_to, status="current", supersedes=old.id, reason=reason,
        created_at=now)
    rows.supersede(conn, old.id, new_id, now, reason)
    revision = rows.bump_revision(conn, release_id)
    bulk_activity.announce(
        conn, published_at=now, category="replacement", product_id=release.product_id,
        release_id=release_id, file_id=new_id,
        title_ja=f"{name}（{release_id}）を差し替えました（改訂 {revision}）",
        title_en=f"{name} of {release_id} replaced (revision {revision})",
        body_ja=f"理由：{reason}\n旧 SHA-256：{old.sha256}\n新 SHA-256：{sha}\n"
                f"旧ファイルは {SUPERSEDED_GRACE.days} 日間ダウンロードできます。",
        body_en=f"Reason: {reason}\nOld SHA-256: {old.sha256}\nNew SHA-256: {sha}\n"
                f"The old file stays downloadable for {SUPERSEDED_GRACE.days} days.")
    return new_id
