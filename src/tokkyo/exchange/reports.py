"""The exchange reports as the CLI and the operators' pages ask for them: a delivery's
quality report, a partner's completeness against its authority file, the status table
with its alerts and history, the operators' state text.

The deliveries themselves are recorded by the delivery pipeline; these functions read
them through a `DeliverySource` (exchange/inputs.py) passed as `records`: the store's
(`records.STORE`) unless the caller gives another. `MemorySource` holds them in memory:
the form a delivery checked before it is stored, and a test's, take.

A delivery's quality report is computed when the pipeline has recorded it and stored in
its JSON report under `quality` (`store_quality`); the JSON answers read that stored
report, and the page and the document-level CSV are computed from the same recorded rows
as of the same day (the delivery's arrival)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from tokkyo.errors import TerminalError
from tokkyo.exchange import authority, completeness, quality, status
from tokkyo.exchange.inputs import (
    AgreementRow,
    DeliveredDocument,
    Delivery,
    DeliverySource,
    PartnerInfo,
)
from tokkyo.exchange.records import STORE
from tokkyo.store.repositories import exchange as pipeline
from tokkyo.store.repositories import exchange_reports as repository
from tokkyo.store.types import now_utc


class ReportError(TerminalError):
    status = 400


class DeliveryNotFound(ReportError):
    status = 404


@dataclass
class MemorySource:
    """Delivery records held in memory (implements DeliverySource)."""

    partner_list: list[PartnerInfo] = field(default_factory=list)
    agreements: list[AgreementRow] = field(default_factory=list)
    delivery_list: list[Delivery] = field(default_factory=list)
    document_list: list[DeliveredDocument] = field(default_factory=list)

    def partners(self, conn: sa.Connection) -> Sequence[PartnerInfo]:
        return sorted(self.partner_list, key=lambda p: p.code)

    def agreement_rows(self, conn: sa.Connection, partner: str) -> Sequence[AgreementRow]:
        return [r for r in self.agreements if r.partner == partner]

    def deliveries(self, conn: sa.Connection, partner: str) -> Sequence[Delivery]:
        latest: dict[str, Delivery] = {}
        for d in self.delivery_list:
            if d.partner == partner and (d.delivery_id not in latest
                                         or d.revision > latest[d.delivery_id].revision):
                latest[d.delivery_id] = d
        return sorted(latest.values(), key=lambda d: d.received_at)

    def delivery(self, conn: sa.Connection, delivery_id: str) -> Delivery | None:
        found = [d for d in self.delivery_list if d.delivery_id == delivery_id]
        return max(found, key=lambda d: d.revision) if found else None

    def documents(self, conn: sa.Connection, delivery_id: str
                  ) -> Sequence[DeliveredDocument]:
        return [d for d in self.document_list if d.delivery_id == delivery_id]

    def documents_of(self, conn: sa.Connection, delivery_ids: Sequence[str]
                     ) -> Sequence[DeliveredDocument]:
        return [d for delivery_id in delivery_ids for d in self.documents(conn, delivery_id)]

    def holding(self, conn: sa.Connection, partner: str) -> Sequence[DeliveredDocument]:
        ids = {d.delivery_id for d in self.deliveries(conn, partner)}
        latest: dict[tuple[str, str, str], DeliveredDocument] = {}
        for d in sorted((d for d in self.document_list if d.delivery_id in ids),
                        key=lambda d: d.received_at):
            latest[completeness.document_key(d.country, d.number, d.kind)] = d
        return [d for d in latest.values() if d.outcome != "deleted"]


def delivery_report(conn: sa.Connection, delivery_id: str, *,
                    today: dt.date | None = None, records: DeliverySource = STORE
                    ) -> quality.QualityReport:
    """The quality report of one delivery, as of `today` (default: the day it
    arrived, so that the report reads the same whenever it is asked for)."""
    delivery = records.delivery(conn, delivery_id)
    if delivery is None:
        raise DeliveryNotFound(f"no delivery {delivery_id!r}")
    return _report(conn, records, delivery, today=today or delivery.received_at.date())


def place_for_partner(conn: sa.Connection, delivery_row_id: int, folder: Path) -> Path:
    """Write the quality report of one delivery where its partner fetches it (exchange.md
    §7: "partners receive it where the agreement says so"): `{folder}/{delivery}.{id}/`
    with `quality.json` and the document-level `documents.csv`, written under a temporary
    name and renamed whole, so a partner never fetches half a report."""
    row = pipeline.delivery(conn, delivery_row_id)
    if row is None:
        raise DeliveryNotFound(f"no delivery {delivery_row_id!r}")
    target = folder / f"{row.delivery_key}.{row.id}"
    scratch = folder / f".{row.delivery_key}.{row.id}.partial"
    if target.exists():
        return target
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    report = delivery_report_json(conn, str(row.id))
    (scratch / "quality.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    (scratch / "documents.csv").write_text(
        quality.document_csv(delivery_report(conn, str(row.id))), "utf-8")
    scratch.rename(target)
    return target


def delivery_report_json(conn: sa.Connection, delivery_id: str, *,
                         records: DeliverySource = STORE) -> dict[str, object]:
    """The delivery's quality report as JSON: the one stored with the delivery when it
    was processed, or computed now for a delivery recorded without one."""
    if delivery_id.isdigit():
        row = pipeline.delivery(conn, int(delivery_id))
        if row is not None:
            stored = json.loads(row.report or "{}").get("quality")
            if stored is not None:
                return dict(stored)
    return delivery_report(conn, delivery_id, records=records).as_json()


def store_quality(conn: sa.Connection, delivery_row_id: int,
                  records: DeliverySource = STORE) -> dict[str, object] | None:
    """Compute the quality report of a delivery the pipeline has just recorded and store
    it inside the delivery's JSON report (under `quality`); returns it, or None when the
    delivery is not one the reports count (a re-delivery of what is loaded)."""
    delivery = records.delivery(conn, str(delivery_row_id))
    row = pipeline.delivery(conn, delivery_row_id)
    if delivery is None or row is None:
        return None
    report = _report(conn, records, delivery, today=delivery.received_at.date()).as_json()
    whole = json.loads(row.report or "{}")
    whole["quality"] = report
    pipeline.set_report(conn, delivery_row_id,
                        json.dumps(whole, ensure_ascii=False, sort_keys=True))
    return report


def _report(conn: sa.Connection, records: DeliverySource, delivery: Delivery, *,
            today: dt.date | None = None) -> quality.QualityReport:
    entries = authority.entries(conn, delivery.partner)
    has_file = repository.current_import(conn, delivery.partner) is not None
    return quality.report(delivery, records.documents(conn, delivery.delivery_id),
                          records.agreement_rows(conn, delivery.partner),
                          entries if has_file else None,
                          records.deliveries(conn, delivery.partner), today=today)


def holding_completeness(conn: sa.Connection, partner: str, *,
                         records: DeliverySource = STORE) -> completeness.Completeness:
    """The partner's whole holding against its whole current authority file."""
    rows = [r for r in records.agreement_rows(conn, partner) if r.direction == "receive"]
    has_file = repository.current_import(conn, partner) is not None
    return completeness.compute(
        records.holding(conn, partner),
        authority.entries(conn, partner) if has_file else None,
        required=frozenset().union(*(r.required_sections for r in rows)),
        legal_status_expected=any(r.legal_status_expected for r in rows))


def status_table(conn: sa.Connection, now: dt.datetime | None = None, *,
                 records: DeliverySource = STORE, only: str | None = None
                 ) -> list[status.StatusRow]:
    """One row per partner (or the one partner `only`), computed now from its
    deliveries and agreement."""
    now = now or now_utc()
    notes = repository.notes(conn)
    out = []
    for partner in records.partners(conn):
        if only is not None and partner.code != only:
            continue
        rows = records.agreement_rows(conn, partner.code)
        # as of `now`: a table computed for an earlier moment ignores what came later
        deliveries = [d for d in records.deliveries(conn, partner.code)
                      if d.received_at <= now]
        recent = records.documents_of(conn, [d.delivery_id for d in deliveries
                                             if now - d.received_at <= status.YEAR])
        latest = _report(conn, records, deliveries[-1], today=now.date()) \
            if deliveries else None
        note = notes.get(partner.code)
        out.append(status.row(partner.code, partner.name, partner.agreement_status, rows,
                              deliveries, recent, latest, note.note if note else "", now,
                              name_ja=partner.name_ja))
    return out


def alerts(conn: sa.Connection, now: dt.datetime | None = None, *,
           records: DeliverySource = STORE, only: str | None = None) -> list[status.Alert]:
    """The partners (or the one partner `only`) late against their frequency: what the
    admin pages announce and `run-due` prints, exiting 3. The one rule of lateness
    (`status.late`)."""
    now = now or now_utc()
    out = []
    for partner in records.partners(conn):
        if only is not None and partner.code != only:
            continue
        deliveries = [d for d in records.deliveries(conn, partner.code)
                      if d.received_at <= now]
        alert = status.late(partner.code, deliveries,
                            records.agreement_rows(conn, partner.code), now)
        if alert is not None:
            out.append(alert)
    return out


def record(conn: sa.Connection, rows: Sequence[status.StatusRow],
           now: dt.datetime | None = None) -> int:
    """Keep the computed rows in the partners' history."""
    return repository.record_status(
        conn, ((r.partner, r.exchange, json.dumps(r.as_json(), ensure_ascii=False))
               for r in rows), now or now_utc())


def history(conn: sa.Connection, partner: str) -> list[dict[str, object]]:
    """The partner's recorded rows, the latest first."""
    return [{"computed_at": at.isoformat(), **json.loads(text)}
            for at, _symbol, text in repository.status_history(conn, partner)]


def set_state(conn: sa.Connection, partner: str, note: str, by: str) -> None:
    """The operators' text for the partner's current state (empty clears it)."""
    if len(note) > 2000:
        raise ReportError("the current state is at most 2000 characters")
    if not partner.strip():
        raise ReportError("a partner code is needed")
    repository.set_note(conn, partner.strip(), note.strip(), by)
