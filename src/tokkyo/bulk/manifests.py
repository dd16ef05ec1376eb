"""Release manifests (`manifest.json`) and `SHA256SUMS` (bulk.md §3.3), made from the
records every time they are asked for, so a replacement shows at once.

A release of foreign publications also names its country, and each of its files the
versions of the same document (or delivery) received before it (`replaces`) and after
it (`replaced_by`), each with the releases that hold it: a document replaced by a later
delivery shows in both releases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from tokkyo.bulk.errors import NotFound
from tokkyo.model import manifests as tokkyo_manifest
from tokkyo.model.jst import japan_time
from tokkyo.store.repositories import bulk_sources
from tokkyo.store.repositories import products as rows

FOREIGN_BUILDER = "foreign"


def _jst(value: dt.datetime | None) -> str:
    return japan_time(value).isoformat(timespec="seconds") if value else ""


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def file_entry(row: Any) -> dict[str, Any]:
    return tokkyo_manifest.file_entry(
        file_id=row.id, name=row.name, size=row.bytes, sha256=row.sha256,
        media_type=row.media_type, records=row.records_total, new=row.records_new,
        changed=row.records_changed, deleted=row.records_deleted,
        coverage_from=_day(row.coverage_from), coverage_to=_day(row.coverage_to),
        status=row.status)


def manifest(conn: sa.Connection, release_id: str) -> dict[str, Any]:
    release = rows.release(conn, release_id)
    if release is None:
        raise NotFound(f"no release {release_id!r}")
    product = rows.product(conn, release.product_id)
    everything = rows.files_of(conn, release_id, status=None)
    by_id = {f.id: f for f in everything}
    current = [f for f in everything if f.status == "current"]
    superseded = [f for f in everything if f.status != "current"]
    names = {f.name for f in current}
    result: dict[str, Any] = {
        "format": tokkyo_manifest.FORMAT, "version": tokkyo_manifest.VERSION,
        "product": release.product_id,
        "release": release.id, "revision": release.revision, "type": release.type,
        "period": {"from": _day(release.period_from), "to": _day(release.period_to)},
        "published_at": _jst(release.published_at),
        "schema": product.schema if product else "",
        "files": [file_entry(f) for f in current],
        "superseded": [{
            "id": f.id, "name": f.name, "bytes": f.bytes, "sha256": f.sha256,
            "status": f.status, "superseded_at": _jst(f.superseded_at),
            "superseded_by": by_id[f.superseded_by].sha256 if f.superseded_by in by_id
            else "", "reason": f.reason} for f in superseded],
        "completeness": "completeness.csv" if "completeness.csv" in names else "",
    }
    if product is not None and product.builder == FOREIGN_BUILDER:
        _add_history(conn, release.product_id, result)
    return result


def _add_history(conn: sa.Connection, product_id: str, result: dict[str, Any]) -> None:
    """The country of a foreign-publications release and, per file, the versions of
    what it holds received before and after it."""
    result["country"] = part_of_release(product_id, result["release"])
    files = result["files"]
    history = bulk_sources.foreign_history(conn, product_id, [f["sha256"] for f in files])
    for entry in files:
        rows_of_file = [h for h in history if h.file_sha256 == entry["sha256"]]
        own = max((h.file_version for h in rows_of_file), default=0)
        versions: dict[tuple[str, int], dict[str, Any]] = {}
        for h in rows_of_file:
            if h.file_version != own or h.version == own:
                continue
            version = versions.setdefault((h.key, h.version), {
                "version": h.version, "name": h.name.rsplit("/", 1)[-1],
                "sha256": h.blob_sha256, "bytes": h.bytes,
                "received_at": _jst(h.ingested_at), "superseded_at": _jst(h.superseded_at),
                "releases": []})
            if h.release_id is not None:
                version["releases"].append({"release": h.release_id, "file": h.file_id,
                                            "name": h.file_name})
        earlier = [v for (_, n), v in versions.items() if n < own]
        entry["version"] = own
        entry["replaces"] = sorted(earlier, key=lambda v: -v["version"])
        entry["replaced_by"] = [v for (_, n), v in versions.items() if n > own]


def part_of_release(product_id: str, release_id: str) -> str:
    """The part a release id names (`EP` of `foreign-publications-ep-20261121-1`), ""
    for a release of a whole product (`{product}-{YYYYMMDD}-{n}`)."""
    middle = release_id.removeprefix(f"{product_id}-").split("-")
    return middle[0].upper() if len(middle) == 3 else ""


def sha256sums(conn: sa.Connection, release_id: str) -> str:
    """`<64 hex>  <name>` per current file, as `sha256sum -c` reads it."""
    if rows.release(conn, release_id) is None:
        raise NotFound(f"no release {release_id!r}")
    return tokkyo_manifest.sha256sums((f.name, f.sha256)
                                      for f in rows.files_of(conn, release_id))
