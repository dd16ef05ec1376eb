"""Release manifests (`manifest.json`) and `SHA256SUMS` (bulk.md §3.3), made from the
records every time they are asked for, so a replacement shows at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from tokkyo.bulk.errors import NotFound
from tokkyo.model.jst import japan_time
from tokkyo.store.repositories import products as rows


def _jst(value: dt.datetime | None) -> str:
    return japan_time(value).isoformat(timespec="seconds") if value else ""


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def file_entry(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "bytes": row.bytes, "sha256": row.sha256,
            "media_type": row.media_type,
            "records": {"total": row.records_total, "new": row.records_new,
                        "changed": row.records_changed, "deleted": row.records_deleted},
            "coverage": {"from": _day(row.coverage_from), "to": _day(row.coverage_to)},
            "status": row.status}


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
    return {
        "format": "tokkyo-manifest", "version": 1, "product": release.product_id,
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


def sha256sums(conn: sa.Connection, release_id: str) -> str:
    """`<64 hex>  <name>` per current file, as `sha256sum -c` reads it."""
    if rows.release(conn, release_id) is None:
        raise NotFound(f"no release {release_id!r}")
    return "".join(f"{f.sha256}  {f.name}\n" for f in rows.files_of(conn, release_id))
