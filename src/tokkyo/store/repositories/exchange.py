"""Data exchange with partner offices: every query on the exchange tables (partners,
agreements, deliveries, their files and documents, the run-due leases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tokkyo.store.tables import (
    exchange_agreements,
    exchange_deliveries,
    exchange_documents,
    exchange_files,
    exchange_leases,
    exchange_partners,
)
from tokkyo.store.types import now_utc


@dataclass(frozen=True, slots=True)
class PartnerRow:
    id: int
    code: str
    name: str
    contacts: str
    status: str
    public_provision: bool
    terms: str
    notes: str
    current_state: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AgreementRow:
    id: int
    partner_id: int
    direction: str
    ip_right: str
    product: str
    content: str
    format: str
    schema_version: str
    kind_codes: str
    coverage_from: dt.date | None
    coverage_to: dt.date | None
    frequency: str
    transport: str
    endpoint_url: str
    username: str
    password_sealed: str
    private_key_sealed: str
    host_key: str
    allow_plain_ftp: bool
    required_sections: str
    legal_status: bool
    max_delay_days: int | None
    all_or_nothing: bool
    tolerant: bool
    extra: str
    active: bool
    last_success_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    partner_id: int
    agreement_id: int | None
    delivery_key: str
    revision: int
    origin: str
    source: str
    manifest: str
    content_sha256: str
    state: str
    report: str
    received_at: dt.datetime
    finished_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class FileRow:
    id: int
    delivery_id: int
    name: str
    bytes: int
    sha256: str
    format: str
    state: str
    records: int | None
    expected_records: int | None
    error_code: str
    error_line: int | None
    error_column: int | None
    error_message: str


def _of(cls: Any, row: sa.Row[Any]) -> Any:
    return cls(**{name: row._mapping[name] for name in cls.__slots__})


# --- partners ---------------------------------------------------------------------------

def add_partner(conn: sa.Connection, values: Mapping[str, Any]) -> int:
    now = now_utc()
    return int(conn.execute(sa.insert(exchange_partners).values(
        created_at=now, updated_at=now, **values).returning(exchange_partners.c.id)
    ).scalar_one())


def update_partner(conn: sa.Connection, partner_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(sa.update(exchange_partners).where(exchange_partners.c.id == partner_id)
                 .values(updated_at=now_utc(), **values))


def partner_by_code(conn: sa.Connection, code: str) -> PartnerRow | None:
    row = conn.execute(sa.select(exchange_partners)
                       .where(exchange_partners.c.code == code)).first()
    return _of(PartnerRow, row) if row else None


def partner(conn: sa.Connection, partner_id: int) -> PartnerRow | None:
    row = conn.execute(sa.select(exchange_partners)
                       .where(exchange_partners.c.id == partner_id)).first()
    return _of(PartnerRow, row) if row else None


def partners(conn: sa.Connection) -> list[PartnerRow]:
    rows = conn.execute(sa.select(exchange_partners).order_by(exchange_partners.c.code)).all()
    return [_of(PartnerRow, r) for r in rows]


# --- agreements -------------------------------------------------------------------------

def add_agreement(conn: sa.Connection, values: Mapping[str, Any]) -> int:
    now = now_utc()
    return int(conn.execute(sa.insert(exchange_agreements).values(
        created_at=now, updated_at=now, **values).returning(exchange_agreements.c.id)
    ).scalar_one())


def update_agreement(conn: sa.Connection, agreement_id: int, values: Mapping[str, Any]
                     ) -> None:
    conn.execute(sa.update(exchange_agreements)
                 .where(exchange_agreements.c.id == agreement_id)
                 .values(updated_at=now_utc(), **values))


def agreement(conn: sa.Connection, agreement_id: int) -> AgreementRow | None:
    row = conn.execute(sa.select(exchange_agreements)
                       .where(exchange_agreements.c.id == agreement_id)).first()
    return _of(AgreementRow, row) if row else None


def agreements(conn: sa.Connection, partner_id: int | None = None) -> list[AgreementRow]:
    query = sa.select(exchange_agreements).order_by(exchange_agreements.c.partner_id,
                                                    exchange_agreements.c.id)
    if partner_id is not None:
        query = query.where(exchange_agreements.c.partner_id == partner_id)
    return [_of(AgreementRow, r) for r in conn.execute(query).all()]


def set_last_success(conn: sa.Connection, agreement_id: int, at: dt.datetime) -> None:
    conn.execute(sa.update(exchange_agreements)
                 .where(exchange_agreements.c.id == agreement_id)
                 .values(last_success_at=at))


# --- deliveries -------------------------------------------------------------------------

def latest_delivery(conn: sa.Connection, partner_id: int, key: str) -> DeliveryRow | None:
    """The last delivery of that id from the partner that was not a no-op, if any."""
    row = conn.execute(sa.select(exchange_deliveries)
                       .where(exchange_deliveries.c.partner_id == partner_id,
                              exchange_deliveries.c.delivery_key == key)
                       .order_by(exchange_deliveries.c.revision.desc(),
                                 exchange_deliveries.c.id.desc()).limit(1)).first()
    return _of(DeliveryRow, row) if row else None


def start_delivery(conn: sa.Connection, values: Mapping[str, Any]) -> int:
    return int(conn.execute(sa.insert(exchange_deliveries).values(
        received_at=now_utc(), state="received", **values)
        .returning(exchange_deliveries.c.id)).scalar_one())


def finish_delivery(conn: sa.Connection, delivery_id: int, state: str, report: str) -> None:
    conn.execute(sa.update(exchange_deliveries).where(exchange_deliveries.c.id == delivery_id)
                 .values(state=state, report=report, finished_at=now_utc()))


def set_report(conn: sa.Connection, delivery_id: int, report: str) -> None:
    """Replace the delivery's JSON report (the quality report is added to it)."""
    conn.execute(sa.update(exchange_deliveries).where(exchange_deliveries.c.id == delivery_id)
                 .values(report=report))


def delivery(conn: sa.Connection, delivery_id: int) -> DeliveryRow | None:
    row = conn.execute(sa.select(exchange_deliveries)
                       .where(exchange_deliveries.c.id == delivery_id)).first()
    return _of(DeliveryRow, row) if row else None


def deliveries(conn: sa.Connection, partner_id: int | None = None, *, limit: int = 200
               ) -> list[DeliveryRow]:
    query = sa.select(exchange_deliveries).order_by(exchange_deliveries.c.id.desc()
                                                    ).limit(limit)
    if partner_id is not None:
        query = query.where(exchange_deliveries.c.partner_id == partner_id)
    return [_of(DeliveryRow, r) for r in conn.execute(query).all()]


def last_delivery_at(conn: sa.Connection, agreement_id: int) -> dt.datetime | None:
    """When the agreement's last delivery that loaded anything (or was a re-delivery of
    what is loaded) was received."""
    return conn.execute(
        sa.select(sa.func.max(exchange_deliveries.c.received_at))
        .where(exchange_deliveries.c.agreement_id == agreement_id,
               exchange_deliveries.c.state.in_(("loaded", "partially-loaded",
                                                "already-loaded")))).scalar_one()


def recorded_sizes(conn: sa.Connection, partner_id: int, key: str) -> dict[str, int] | None:
    """The files (name → bytes) of the latest delivery of that id, None when none."""
    latest = latest_delivery(conn, partner_id, key)
    if latest is None or latest.state == "received":
        return None
    rows = conn.execute(sa.select(exchange_files.c.name, exchange_files.c.bytes)
                        .where(exchange_files.c.delivery_id == latest.id)).all()
    return {r.name: int(r.bytes) for r in rows}


# --- files and documents ----------------------------------------------------------------

def add_file(conn: sa.Connection, values: Mapping[str, Any]) -> int:
    return int(conn.execute(sa.insert(exchange_files).values(**values)
                            .returning(exchange_files.c.id)).scalar_one())


def files(conn: sa.Connection, delivery_id: int) -> list[FileRow]:
    rows = conn.execute(sa.select(exchange_files)
                        .where(exchange_files.c.delivery_id == delivery_id)
                        .order_by(exchange_files.c.name, exchange_files.c.id)).all()
    return [_of(FileRow, r) for r in rows]


def loaded_hashes(conn: sa.Connection, hashes: Iterable[str]) -> set[str]:
    """Those of `hashes` that are the SHA-256 of a file some delivery loaded."""
    wanted = sorted(set(hashes))
    if not wanted:
        return set()
    rows = conn.execute(sa.select(exchange_files.c.sha256).distinct()
                        .where(exchange_files.c.sha256.in_(wanted),
                               exchange_files.c.state == "loaded")).all()
    return {r.sha256 for r in rows}


def add_documents(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(exchange_documents), rows)


def documents(conn: sa.Connection, delivery_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(exchange_documents)
                        .where(exchange_documents.c.delivery_id == delivery_id)
                        .order_by(exchange_documents.c.id)).all()
    return [dict(r._mapping) for r in rows]


def state_counts(conn: sa.Connection, partner_id: int | None = None) -> dict[str, int]:
    query = (sa.select(exchange_deliveries.c.state, sa.func.count())
             .group_by(exchange_deliveries.c.state))
    if partner_id is not None:
        query = query.where(exchange_deliveries.c.partner_id == partner_id)
    return {r[0]: int(r[1]) for r in conn.execute(query).all()}


# --- leases -----------------------------------------------------------------------------

def take_lease(conn: sa.Connection, name: str, holder: str, until: dt.datetime) -> bool:
    """Take (or renew) the lease `name` for `holder` until `until`: one statement that
    succeeds only when the lease is free, expired or already `holder`'s, so that of two
    processes racing for it exactly one gets it (on SQLite the write transaction is
    serialised; on PostgreSQL the UPDATE locks the row and the INSERT's conflict clause
    settles a race for a lease never taken before)."""
    now = now_utc()
    taken = conn.execute(sa.update(exchange_leases).where(
        exchange_leases.c.name == name,
        sa.or_(exchange_leases.c.expires_at < now, exchange_leases.c.holder == holder))
        .values(holder=holder, expires_at=until)).rowcount
    if taken:
        return True
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: psycopg reports -1 rows for an INSERT … ON CONFLICT
    inserted = conn.execute(dialect.insert(exchange_leases)
                            .values(name=name, holder=holder, expires_at=until)
                            .on_conflict_do_nothing(index_elements=["name"])
                            .returning(exchange_leases.c.name)).first()
    return inserted is not None


def release_lease(conn: sa.Connection, name: str, holder: str) -> None:
    conn.execute(sa.delete(exchange_leases).where(exchange_leases.c.name == name,
                                                  exchange_leases.c.holder == holder))
