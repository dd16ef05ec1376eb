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
from tokkyo.bulk.manifests import part_of_release
from tokkyo.model.jst import japan_day, midnight
from tokkyo.model.printed_numbers import slash_date
from tokkyo.store.blobs import BlobStore
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows

RELEASE_TYPES = ("backfile", "delta")
COMPLETENESS = "completeness.csv"
SUPERSEDED_GRACE = dt.timedelta(days=90)


@dataclass(slots=True)
class Published:
    product_id: str
    release_id: str | None = None      # the first release made
    # every release made: one, or for a product released in parts one per part
    release_ids: list[str] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)   # name, sha256, bytes
    unchanged: list[str] = field(default_factory=list)


def _release_id(conn: sa.Connection, product_id: str, day: dt.date, part: str = "") -> str:
    """`{product}-{YYYYMMDD}-{n}`, or for a part of a product released in parts
    `{product}-{part}-{YYYYMMDD}-{n}` (`foreign-publications-ep-20261121-1`)."""
    stamp = f"{day:%Y%m%d}"
    base = f"{part.lower()}-{stamp}" if part else stamp
    taken = rows.release_ids_of_day(conn, product_id, base)
    serials = [int(r.rsplit("-", 1)[1]) for r in taken if r.rsplit("-", 1)[1].isdigit()]
    return f"{product_id}-{base}-{max(serials, default=0) + 1}"


def publish(conn: sa.Connection, blobs: BlobStore, product_id: str, *,
            release_type: str = "delta", since: dt.date | dt.datetime | None = None,
            now: dt.datetime, workdir: Path) -> Published:
    """A release of what was loaded since `since` (a day: from 00:00 JST; default for a
    delta: since the product's last release), or of everything (backfile). A product
    released in parts (its files say which, `BuiltFile.part`) gets one release per part
    that has something new."""
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
    parts: dict[str, list[tuple[BuiltFile, str, int]]] = {}
    with tempfile.TemporaryDirectory(dir=workdir, prefix="publish-") as tmp:
        built = BUILDERS[product.builder](conn, BuildRequest(product_id, start, today,
                                                               Path(tmp), blobs))
        in_parts = _published_in_parts(conn, product_id, built.files)
        for item in built.files:
            sha, size = blobs.put_file(item.path)
            if item.name != COMPLETENESS and (
                    (item.name, sha) in in_parts.get(item.part, set()) if item.part
                    else rows.sha_published(conn, product_id, item.name) == sha):
                result.unchanged.append(item.name)
                continue
            parts.setdefault(item.part, []).append((item, sha, size))
    rows.record_run(conn, product_id, now)
    for part in sorted(parts):
        stored = parts[part]
        if not any(item.name != COMPLETENESS for item, _, _ in stored):
            continue
        period = ((built.period_from, built.period_to) if not part else
                  _coverage([item for item, _, _ in stored]))
        release_id = _release(conn, product, release_type, part, stored, period, now,
                              today, result)
        result.release_ids.append(release_id)
    if result.release_ids:
        rows.withdraw_superseded_before(conn, now - SUPERSEDED_GRACE)
        result.release_id = result.release_ids[0]
    return result


def _published_in_parts(conn: sa.Connection, product_id: str, built: list[BuiltFile]
                        ) -> dict[str, set[tuple[str, str]]]:
    """(name, SHA-256) of the current files of each part's releases: a file of a part
    is new unless that part already holds the same bytes under the same name."""
    if not any(item.part for item in built):
        return {}
    held: dict[str, set[tuple[str, str]]] = {}
    for row in rows.current_files_of_product(conn, product_id):
        part = part_of_release(product_id, row.release_id)
        held.setdefault(part, set()).add((row.name, row.sha256))
    return held


def _coverage(items: list[BuiltFile]) -> tuple[dt.date | None, dt.date | None]:
    starts = [i.coverage_from for i in items if i.coverage_from]
    ends = [i.coverage_to for i in items if i.coverage_to]
    return min(starts, default=None), max(ends, default=None)


def _release(conn: sa.Connection, product: sa.Row, release_type: str, part: str,
             stored: list[tuple[BuiltFile, str, int]],
             period: tuple[dt.date | None, dt.date | None], now: dt.datetime,
             today: dt.date, result: Published) -> str:
    """Record one release with its files and announce it."""
    release_id = _release_id(conn, product.id, today, part)
    rows.insert_release(conn, id=release_id, product_id=product.id, type=release_type,
                        period_from=period[0], period_to=period[1],
                        published_at=now, revision=1)
    for item, sha, size in stored:
        rows.insert_file(conn, release_id=release_id, name=item.name, bytes=size, sha256=sha,
                         media_type=item.media_type, records_total=item.total,
                         records_new=item.new, records_changed=item.changed,
                         records_deleted=item.deleted, coverage_from=item.coverage_from,
                         coverage_to=item.coverage_to, status="current", created_at=now)
        result.files.append((item.name, sha, size))
    count = len([item for item, _, _ in stored if item.name != COMPLETENESS])
    label_ja = f"{product.title_ja}（{part}）" if part else product.title_ja
    label_en = f"{product.title_en} ({part})" if part else product.title_en
    bulk_activity.announce(
        conn, published_at=now, category="new-data", product_id=product.id,
        release_id=release_id,
        title_ja=f"{label_ja}：{release_id} を公開しました（{count} ファイル）",
        title_en=f"{label_en}: release {release_id} published ({count} file"
                 f"{'' if count == 1 else 's'})",
        body_ja=_period_ja(*period), body_en=_period_en(*period))
    return release_id


def _period_ja(first: dt.date | None, last: dt.date | None) -> str:
    """The period a release covers, in words for the end a release does not know
    (issue 19, item 10: it printed "— to 2026-12-06"); dates as every page shows them."""
    a, b = slash_date(first), slash_date(last)
    if a and b:
        return f"収録期間 {a} ～ {b}"
    if b:
        return f"{b}までの収録分"
    return f"{a}以降の収録分" if a else "収録期間は不明です"


def _period_en(first: dt.date | None, last: dt.date | None) -> str:
    a, b = slash_date(first), slash_date(last)
    if a and b:
        return f"Period covered: {a} to {b}"
    if b:
        return f"Covers everything up to {b}"
    return f"Covers {a} onwards" if a else "Period covered: not known"


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
