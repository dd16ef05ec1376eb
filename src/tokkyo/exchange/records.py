"""The delivery pipeline's records as the reports read them (`DeliverySource` over the
store's exchange tables): partners, their receiving agreement rows, their finished
deliveries and the documents each carried.

A delivery is named by its row id (the number `tokkyo exchange deliveries` lists and
`/exchange/deliveries/{id}` shows), since a partner's delivery id repeats across
revisions and partners. A re-delivery of what is loaded (`already-loaded`) is not a
delivery of its own here: it carries no documents, and counting it would hide the one
that did."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa

from tokkyo.exchange.completeness import document_key
from tokkyo.exchange.inputs import (
    AgreementRow,
    DeliveredDocument,
    Delivery,
    DeliveryState,
    Frequency,
    ManifestKind,
    Outcome,
    PartnerInfo,
)
from tokkyo.store.repositories import exchange as pipeline
from tokkyo.store.repositories import exchange_records as repository
from tokkyo.store.repositories.exchange_records import FinishedDelivery

MANIFEST_KINDS: dict[str, ManifestKind] = {
    "manifest-json": "json", "manifest-csv": "csv", "docdb-statistics": "docdb-statistics",
    "no-manifest": "none"}


class StoreRecords:
    """The recorded deliveries of the store (implements `inputs.DeliverySource`)."""

    def partners(self, conn: sa.Connection) -> Sequence[PartnerInfo]:
        return [PartnerInfo(p.code, p.name, p.status) for p in pipeline.partners(conn)]

    def agreement_rows(self, conn: sa.Connection, partner: str) -> Sequence[AgreementRow]:
        row = pipeline.partner_by_code(conn, partner)
        if row is None:
            return []
        return [AgreementRow(
            partner=row.code, direction=cast(Any, a.direction), right=a.ip_right,
            product=a.product, content=a.content, format=a.format,
            kind_codes=tuple(k for k in a.kind_codes.split(",") if k),
            frequency=cast(Frequency, a.frequency), max_delay_days=a.max_delay_days,
            required_sections=frozenset(s for s in a.required_sections.split(",") if s),
            legal_status_expected=a.legal_status, public_provision=row.public_provision,
            since=a.created_at)
            for a in pipeline.agreements(conn, row.id) if a.active]

    def deliveries(self, conn: sa.Connection, partner: str) -> Sequence[Delivery]:
        row = pipeline.partner_by_code(conn, partner)
        if row is None:
            return []
        found = repository.finished_deliveries(conn, partner_id=row.id)
        latest: dict[str, FinishedDelivery] = {}
        for d in found:                       # oldest first: a later revision replaces
            if d.delivery_key not in latest or d.revision >= latest[d.delivery_key].revision:
                latest[d.delivery_key] = d
        return sorted((_delivery(row.code, d) for d in latest.values()),
                      key=lambda d: (d.received_at, int(d.delivery_id)))

    def delivery(self, conn: sa.Connection, delivery_id: str) -> Delivery | None:
        if not delivery_id.isdigit():
            return None
        found = repository.finished_deliveries(conn, delivery_id=int(delivery_id))
        if not found:
            return None
        partner = pipeline.partner(conn, found[0].partner_id)
        return _delivery(partner.code if partner else "", found[0])

    def documents(self, conn: sa.Connection, delivery_id: str
                  ) -> Sequence[DeliveredDocument]:
        if not delivery_id.isdigit():
            return []
        return self.documents_of(conn, [delivery_id])

    def documents_of(self, conn: sa.Connection, delivery_ids: Sequence[str]
                     ) -> Sequence[DeliveredDocument]:
        order = {int(d): i for i, d in enumerate(delivery_ids) if d.isdigit()}
        rows = repository.delivery_documents(conn, list(order))
        return [_document(d) for d in sorted(rows, key=lambda r: order[r["delivery_id"]])]

    def holding(self, conn: sa.Connection, partner: str) -> Sequence[DeliveredDocument]:
        row = pipeline.partner_by_code(conn, partner)
        if row is None:
            return []
        latest: dict[tuple[str, str, str], DeliveredDocument] = {}
        for d in repository.held_documents(conn, row.id):
            doc = _document(d)
            latest[document_key(doc.country, doc.number, doc.kind)] = doc
        return [d for d in latest.values() if d.outcome != "deleted"]


def _delivery(partner: str, d: FinishedDelivery) -> Delivery:
    return Delivery(partner, str(d.id), d.revision, d.received_at,
                    cast(DeliveryState, d.state), d.files, d.files_quarantined,
                    MANIFEST_KINDS.get(d.manifest, "none"),
                    {"documents": d.expected_records} if d.expected_records is not None
                    else {})


def _document(row: dict[str, Any]) -> DeliveredDocument:
    """A document row; one held back (never loaded) shows as `unchanged` for the
    reports: it was delivered, and the store holds what it held before."""
    outcome = row["outcome"] if row["outcome"] != "held-back" else "unchanged"
    received: dt.datetime = row["received_at"]
    return DeliveredDocument(
        delivery_id=str(row["delivery_id"]), file=row["file"], country=row["country"],
        kind=row["kind"], number=row["number"], publication_date=row["publication_date"],
        filing_date=row["filing_date"], received_at=received,
        sections_present=frozenset(s for s in row["sections_present"].split(",") if s),
        legal_status=bool(row["legal_status"]),
        bibliographic_only=bool(row["bibliographic_only"]),
        problems=tuple(json.loads(row["problems"] or "[]")), repaired=bool(row["repaired"]),
        outcome=cast(Outcome, outcome))


#: The store's records, what the CLI and the pages read unless given others.
STORE = StoreRecords()
