"""What readiness probes and the metrics read of the store: cheap queries only."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables import batches, blobs


def ping(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT 1")).scalar_one()


def some_blob(conn: sa.Connection) -> str | None:
    """The SHA-256 of one blob the blob store must hold (the first by key: an index
    seek, whatever the size of the table), or None when the store has none."""
    found: str | None = conn.execute(
        sa.select(blobs.c.sha256).order_by(blobs.c.sha256).limit(1)).scalar_one_or_none()
    return found


def ingest_totals(conn: sa.Connection) -> dict[str, int]:
    """Documents loaded, replaced and left unchanged, and files quarantined, over every
    finished ingest batch."""
    row = conn.execute(sa.select(
        sa.func.coalesce(sa.func.sum(batches.c.loaded), 0),
        sa.func.coalesce(sa.func.sum(batches.c.replaced), 0),
        sa.func.coalesce(sa.func.sum(batches.c.unchanged), 0),
        sa.func.coalesce(sa.func.sum(batches.c.quarantined), 0),
    ).where(batches.c.status == "done")).one()
    return {"loaded": int(row[0]), "replaced": int(row[1]), "unchanged": int(row[2]),
            "quarantined": int(row[3])}
