"""What the exchange reports read of the delivery pipeline's tables: the finished
deliveries of a partner with their file counts, the documents of one delivery (with the
name of the file that carried each), and the documents a partner's deliveries loaded,
oldest first (exchange/records.py turns these rows into the reports' values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.store.tables import exchange_deliveries, exchange_documents, exchange_files

#: States of a delivery that is not one of its own: still being received, or a
#: re-delivery of what was loaded (its revision is the loaded one's, and it has no
#: documents of its own).
NOT_A_DELIVERY = ("received", "already-loaded")
#: Outcomes of a document that changed (or confirmed) what the store holds.
HELD_OUTCOMES = ("loaded", "unchanged", "deleted")


@dataclass(frozen=True, slots=True)
class FinishedDelivery:
    id: int
    partner_id: int
    delivery_key: str
    revision: int
    state: str
    manifest: str
    received_at: dt.datetime
    files: int
    files_quarantined: int
    expected_records: int | None


def finished_deliveries(conn: sa.Connection, *, partner_id: int | None = None,
                        delivery_id: int | None = None) -> list[FinishedDelivery]:
    """The partner's deliveries (or the one delivery) that finished, oldest first, with
    their file counts and the records their manifest announced (None when it gave
    none)."""
    counts = (sa.select(exchange_files.c.delivery_id,
                        sa.func.count().label("files"),
                        sa.func.sum(sa.case((exchange_files.c.state == "quarantined", 1),
                                            else_=0)).label("quarantined"),
                        sa.func.sum(exchange_files.c.expected_records).label("expected"))
              .group_by(exchange_files.c.delivery_id).subquery())
    d = exchange_deliveries.c
    query = (sa.select(d.id, d.partner_id, d.delivery_key, d.revision, d.state, d.manifest,
                       d.received_at, counts.c.files, counts.c.quarantined,
                       counts.c.expected)
             .select_from(exchange_deliveries.outerjoin(counts, counts.c.delivery_id == d.id))
             .where(d.state.not_in(NOT_A_DELIVERY))
             .order_by(d.received_at, d.id))
    if partner_id is not None:
        query = query.where(d.partner_id == partner_id)
    if delivery_id is not None:
        query = query.where(d.id == delivery_id)
    return [FinishedDelivery(r.id, r.partner_id, r.delivery_key, r.revision, r.state,
                             r.manifest, r.received_at, int(r.files or 0),
                             int(r.quarantined or 0),
                             None if r.expected is None else int(r.expected))
            for r in conn.execute(query)]


def _documents(where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    return (sa.select(exchange_documents, exchange_files.c.name.label("file"),
                      exchange_deliveries.c.received_at)
            .join(exchange_files, exchange_files.c.id == exchange_documents.c.file_id)
            .join(exchange_deliveries,
                  exchange_deliveries.c.id == exchange_documents.c.delivery_id)
            .where(where)
            .order_by(exchange_documents.c.delivery_id, exchange_documents.c.id))


def delivery_documents(conn: sa.Connection, delivery_ids: Sequence[int]
                       ) -> list[dict[str, Any]]:
    """Every document row of the deliveries, with its file's name and its delivery's
    arrival time, ordered by delivery: one query for any number of deliveries (the status
    table reads a year of them per partner)."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(delivery_ids), 500):       # bound the IN list
        rows.extend(dict(r._mapping) for r in conn.execute(_documents(
            exchange_documents.c.delivery_id.in_(delivery_ids[start:start + 500]))))
    return rows


def held_documents(conn: sa.Connection, partner_id: int) -> list[dict[str, Any]]:
    """Every document row of the partner's deliveries that loaded, confirmed or deleted
    a document, in the order they were received."""
    return [dict(r._mapping) for r in conn.execute(_documents(sa.and_(
        exchange_deliveries.c.partner_id == partner_id,
        exchange_documents.c.outcome.in_(HELD_OUTCOMES))))]
