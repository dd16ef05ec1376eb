"""Write delivery records held in memory (`reports.MemorySource`, the seed's situations
with their dates in the past) into the delivery pipeline's tables, as the pipeline would
have recorded them, so that the reports read them from the store (`records.STORE`).

The pipeline stamps a delivery with the time it arrives; the seed's situations need
deliveries received years ago, so the rows are written here with those times."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from tokkyo.exchange.reports import MemorySource
from tokkyo.store.tables import (
    exchange_agreements,
    exchange_deliveries,
    exchange_documents,
    exchange_files,
    exchange_partners,
)

MANIFESTS = {"json": "manifest-json", "csv": "manifest-csv",
             "docdb-statistics": "docdb-statistics", "none": "no-manifest"}


def store_records(engine: sa.Engine, source: MemorySource) -> dict[str, str]:
    """Write every partner, agreement row, delivery and document of `source`; returns
    the store's delivery id (its row id, as text) of each delivery id of `source`."""
    ids: dict[str, str] = {}
    with engine.begin() as conn:
        for partner in source.partner_list:
            rows = [r for r in source.agreements if r.partner == partner.code]
            deliveries = [d for d in source.delivery_list if d.partner == partner.code]
            start = min((d.received_at for d in deliveries), default=None)
            partner_id = conn.execute(sa.insert(exchange_partners).values(
                code=partner.code, name=partner.name, status=partner.agreement_status,
                public_provision=any(r.public_provision for r in rows),
                created_at=start, updated_at=start).returning(exchange_partners.c.id)
            ).scalar_one()
            for row in rows:
                conn.execute(sa.insert(exchange_agreements).values(
                    partner_id=partner_id, direction=row.direction, ip_right=row.right,
                    product=row.product, content=row.content, format=row.format,
                    kind_codes=",".join(row.kind_codes), frequency=row.frequency,
                    transport="inbox", allow_plain_ftp=False,
                    required_sections=",".join(sorted(row.required_sections)),
                    legal_status=row.legal_status_expected,
                    max_delay_days=row.max_delay_days, all_or_nothing=False,
                    tolerant=False, active=True, created_at=start, updated_at=start))
            for d in deliveries:
                delivery_id = conn.execute(sa.insert(exchange_deliveries).values(
                    partner_id=partner_id, delivery_key=d.delivery_id, revision=d.revision,
                    origin="inbox", manifest=MANIFESTS[d.manifest_kind],
                    content_sha256=hashlib.sha256(d.delivery_id.encode()).hexdigest(),
                    state=d.state, received_at=d.received_at, finished_at=d.received_at)
                    .returning(exchange_deliveries.c.id)).scalar_one()
                ids[d.delivery_id] = str(delivery_id)
                documents = [doc for doc in source.document_list
                             if doc.delivery_id == d.delivery_id]
                files: dict[str, int] = {}
                for doc in documents:
                    if doc.file not in files:
                        files[doc.file] = conn.execute(sa.insert(exchange_files).values(
                            delivery_id=delivery_id, name=doc.file, bytes=1,
                            sha256=hashlib.sha256(f"{d.delivery_id}/{doc.file}".encode())
                            .hexdigest(), state="loaded")
                            .returning(exchange_files.c.id)).scalar_one()
                for doc in documents:
                    conn.execute(sa.insert(exchange_documents).values(
                        delivery_id=delivery_id, file_id=files[doc.file],
                        country=doc.country, kind=doc.kind, number=doc.number,
                        publication_date=doc.publication_date, filing_date=doc.filing_date,
                        sections_present=",".join(sorted(doc.sections_present)),
                        legal_status=doc.legal_status,
                        bibliographic_only=doc.bibliographic_only,
                        problems=json.dumps(list(doc.problems), ensure_ascii=False),
                        repaired=doc.repaired,
                        outcome=doc.outcome))
    return ids

