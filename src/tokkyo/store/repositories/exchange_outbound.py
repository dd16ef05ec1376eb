"""The deliveries tokkyo sends to partners (exchange.md §12): every query on the sent
deliveries, their files and documents, and the JP publications a sending agreement row
still has to send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.store.tables import (
    exchange_sent,
    exchange_sent_documents,
    exchange_sent_files,
    publications,
    sources,
)


@dataclass(frozen=True, slots=True)
class Sendable:
    """A JP publication a delivery can carry: its stored source as received."""

    publication_id: int
    source_id: int
    kind: str
    st16_kind: str
    number: str
    date: dt.date
    blob_sha256: str
    source_name: str


@dataclass(frozen=True, slots=True)
class SentRow:
    id: int
    partner_id: int
    agreement_id: int | None
    delivery_key: str
    sequence: int
    produced_on: dt.date
    placement: str
    destination: str
    state: str
    sums_sha256: str
    documents: int
    created_at: dt.datetime
    placed_at: dt.datetime | None
    removed_at: dt.datetime | None
    ack_at: dt.datetime | None
    ack_sha256: str


@dataclass(frozen=True, slots=True)
class SentFileRow:
    id: int
    sent_id: int
    name: str
    bytes: int
    sha256: str
    acked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class SentDocumentRow:
    publication_id: int
    source_id: int
    kind: str
    st16_kind: str
    number: str
    date: dt.date | None
    blob_sha256: str
    entry: str


def _of(cls: Any, row: sa.Row[Any]) -> Any:
    return cls(**{name: row._mapping[name] for name in cls.__slots__})


def sendable(conn: sa.Connection, agreement_id: int, kinds: tuple[str, ...],
             source_formats: tuple[str, ...], *, since: dt.date | None,
             until: dt.date | None) -> list[Sendable]:
    """The JP publications of `kinds` dated within [since, until], whose current source
    is of `source_formats`, that no delivery of the agreement carried in that version
    (a publication whose source was replaced is sendable again), by kind, date, number."""
    already = (sa.select(exchange_sent_documents.c.id)
               .join(exchange_sent, exchange_sent.c.id == exchange_sent_documents.c.sent_id)
               .where(exchange_sent.c.agreement_id == agreement_id,
                      exchange_sent_documents.c.publication_id == publications.c.id,
                      exchange_sent_documents.c.source_id == publications.c.source_id))
    query = (sa.select(publications.c.id, publications.c.source_id, publications.c.kind,
                       publications.c.st16_kind, publications.c.number, publications.c.date,
                       sources.c.blob_sha256, sources.c.name)
             .join(sources, sources.c.id == publications.c.source_id)
             .where(publications.c.country == "JP", publications.c.kind.in_(kinds),
                    publications.c.date.is_not(None), sources.c.superseded_at.is_(None),
                    sources.c.format.in_(source_formats), ~sa.exists(already))
             .order_by(publications.c.kind, publications.c.date, publications.c.number))
    if since is not None:
        query = query.where(publications.c.date >= since)
    if until is not None:
        query = query.where(publications.c.date <= until)
    return [Sendable(*row) for row in conn.execute(query)]


def next_sequence(conn: sa.Connection, agreement_id: int) -> int:
    last = conn.execute(sa.select(sa.func.max(exchange_sent.c.sequence))
                        .where(exchange_sent.c.agreement_id == agreement_id)).scalar()
    return int(last or 0) + 1


def add_sent(conn: sa.Connection, values: Mapping[str, Any],
             files: Iterable[tuple[str, int, str]],
             documents: Iterable[Mapping[str, Any]]) -> int:
    """Record a built delivery with its files (name, bytes, SHA-256) and documents."""
    sent_id = int(conn.execute(sa.insert(exchange_sent).values(**values)
                               .returning(exchange_sent.c.id)).scalar_one())
    file_rows = [{"sent_id": sent_id, "name": n, "bytes": b, "sha256": s}
                 for n, b, s in files]
    if file_rows:
        conn.execute(sa.insert(exchange_sent_files), file_rows)
    document_rows = [{"sent_id": sent_id, **d} for d in documents]
    if document_rows:
        conn.execute(sa.insert(exchange_sent_documents), document_rows)
    return sent_id


def sent(conn: sa.Connection, sent_id: int) -> SentRow | None:
    row = conn.execute(sa.select(exchange_sent).where(exchange_sent.c.id == sent_id)).first()
    return _of(SentRow, row) if row is not None else None


def sent_by_key(conn: sa.Connection, partner_id: int, key: str) -> SentRow | None:
    row = conn.execute(sa.select(exchange_sent).where(
        exchange_sent.c.partner_id == partner_id, exchange_sent.c.delivery_key == key)).first()
    return _of(SentRow, row) if row is not None else None


def sent_of(conn: sa.Connection, partner_id: int | None = None, *,
            state: str | None = None, agreement_id: int | None = None) -> list[SentRow]:
    """Sent deliveries, oldest first, of a partner, in a state, of an agreement."""
    query = sa.select(exchange_sent).order_by(exchange_sent.c.id)
    if partner_id is not None:
        query = query.where(exchange_sent.c.partner_id == partner_id)
    if state is not None:
        query = query.where(exchange_sent.c.state == state)
    if agreement_id is not None:
        query = query.where(exchange_sent.c.agreement_id == agreement_id)
    return [_of(SentRow, r) for r in conn.execute(query)]


def sent_files(conn: sa.Connection, sent_id: int) -> list[SentFileRow]:
    return [_of(SentFileRow, r) for r in conn.execute(
        sa.select(exchange_sent_files).where(exchange_sent_files.c.sent_id == sent_id)
        .order_by(exchange_sent_files.c.name))]


def sent_documents(conn: sa.Connection, sent_id: int) -> list[SentDocumentRow]:
    return [_of(SentDocumentRow, r) for r in conn.execute(
        sa.select(exchange_sent_documents).where(exchange_sent_documents.c.sent_id == sent_id)
        .order_by(exchange_sent_documents.c.id))]


def mark_placed(conn: sa.Connection, sent_id: int, destination: str, at: dt.datetime
                ) -> None:
    conn.execute(sa.update(exchange_sent).where(exchange_sent.c.id == sent_id)
                 .values(state="placed", destination=destination, placed_at=at))


def placed_before(conn: sa.Connection, placement: str, before: dt.datetime) -> list[SentRow]:
    """Deliveries of `placement` placed before an instant and still there."""
    return [_of(SentRow, r) for r in conn.execute(
        sa.select(exchange_sent).where(exchange_sent.c.placement == placement,
                                       exchange_sent.c.state == "placed",
                                       exchange_sent.c.placed_at < before)
        .order_by(exchange_sent.c.id))]


def mark_removed(conn: sa.Connection, sent_id: int, at: dt.datetime) -> None:
    conn.execute(sa.update(exchange_sent).where(exchange_sent.c.id == sent_id)
                 .values(state="removed", removed_at=at))


def record_ack(conn: sa.Connection, sent_id: int, hashes: Iterable[str], ack_sha256: str,
               at: dt.datetime) -> None:
    """Mark the delivery's files whose SHA-256 the partner listed as acknowledged (the
    first time only) and keep which ACK file was read."""
    listed = sorted(set(hashes))
    if listed:
        conn.execute(sa.update(exchange_sent_files).where(
            exchange_sent_files.c.sent_id == sent_id, exchange_sent_files.c.sha256.in_(listed),
            exchange_sent_files.c.acked_at.is_(None)).values(acked_at=at))
    conn.execute(sa.update(exchange_sent).where(exchange_sent.c.id == sent_id)
                 .values(ack_at=at, ack_sha256=ack_sha256))
