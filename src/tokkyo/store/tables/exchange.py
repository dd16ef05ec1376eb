"""Data exchange with partner offices (exchange.md §1–§6): partners, their agreements (one
row per exchanged product), the deliveries received from them with each file's and each
document's fate, and the leases that keep two `tokkyo exchange run-due` processes from
working on one partner at once.

`exchange_documents` is what the quality report and the status table compute from
(completeness by section, legal status, bibliographic-only documents, problems, repairs):
one row per document a delivery carried, whatever became of it.
"""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.model.exchange import (
    CONTENTS,
    DELIVERY_STATES,
    DIRECTIONS,
    DOCUMENT_OUTCOMES,
    FILE_STATES,
    FREQUENCIES,
    MANIFEST_KINDS,
    ORIGINS,
    PARTNER_STATUSES,
    RIGHTS,
    TRANSPORTS,
)
from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, now_utc, one_of

exchange_partners = sa.Table(
    "exchange_partners", metadata,
    id_column(),
    sa.Column("code", sa.Text, nullable=False, unique=True),      # WIPO ST.3
    sa.Column("name", sa.Text, nullable=False),
    text("contacts"),                 # one person a line, each side's person in charge
    sa.Column("status", sa.Text, nullable=False, server_default="none"),
    sa.Column("public_provision", sa.Boolean, nullable=False, default=False),
    text("terms"),                    # third-party use and redistribution
    text("notes"),
    text("current_state"),            # the status table's operator text
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc),
    sa.CheckConstraint(one_of("status", PARTNER_STATUSES), name="status_known"),
    sa.CheckConstraint("length(code) = 2", name="code_two_letters"),
)

exchange_agreements = sa.Table(
    "exchange_agreements", metadata,
    id_column(),
    sa.Column("partner_id", sa.Integer,
              sa.ForeignKey("exchange_partners.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("direction", sa.Text, nullable=False),
    sa.Column("ip_right", sa.Text, nullable=False),
    sa.Column("product", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("format", sa.Text, nullable=False),
    text("schema_version"),
    text("kind_codes"),               # comma-separated (JP: A, B, U, Y)
    sa.Column("coverage_from", sa.Date, nullable=True),
    sa.Column("coverage_to", sa.Date, nullable=True),
    sa.Column("frequency", sa.Text, nullable=False),
    sa.Column("transport", sa.Text, nullable=False),
    text("endpoint_url"),
    text("username"),
    text("password_sealed"),          # exchange.credentials.seal, never the plain text
    text("private_key_sealed"),
    text("host_key"),
    sa.Column("allow_plain_ftp", sa.Boolean, nullable=False, default=False),
    text("required_sections"),        # comma-separated: claims, description, abstract, …
    sa.Column("legal_status", sa.Boolean, nullable=False, default=False),
    sa.Column("max_delay_days", sa.Integer, nullable=True),
    sa.Column("all_or_nothing", sa.Boolean, nullable=False, default=False),
    sa.Column("tolerant", sa.Boolean, nullable=False, default=False),
    sa.Column("extra", sa.Text, nullable=False, server_default="{}"),    # JSON object
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("last_success_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc),
    sa.CheckConstraint(one_of("direction", DIRECTIONS), name="direction_known"),
    sa.CheckConstraint(one_of("ip_right", RIGHTS), name="ip_right_known"),
    sa.CheckConstraint(one_of("content", CONTENTS), name="content_known"),
    sa.CheckConstraint(one_of("frequency", FREQUENCIES), name="frequency_known"),
    sa.CheckConstraint(one_of("transport", TRANSPORTS), name="transport_known"),
    sa.CheckConstraint("max_delay_days IS NULL OR max_delay_days >= 0",
                       name="max_delay_days_not_negative"),
)

exchange_deliveries = sa.Table(
    "exchange_deliveries", metadata,
    id_column(),
    sa.Column("partner_id", sa.Integer,
              sa.ForeignKey("exchange_partners.id", ondelete="CASCADE"), nullable=False),
    sa.Column("agreement_id", sa.Integer,
              sa.ForeignKey("exchange_agreements.id", ondelete="SET NULL"), nullable=True,
              index=True),
    sa.Column("delivery_key", sa.Text, nullable=False),    # the delivery id (§4)
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    text("source"),                   # where it came from: a folder, a URL
    sa.Column("manifest", sa.Text, nullable=False),
    sa.Column("content_sha256", sa.Text, nullable=False),  # of the sorted file hashes
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("report", sa.Text, nullable=False, server_default="{}"),   # JSON
    sa.Column("received_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("origin", ORIGINS), name="origin_known"),
    sa.CheckConstraint(one_of("manifest", MANIFEST_KINDS), name="manifest_known"),
    sa.CheckConstraint(one_of("state", DELIVERY_STATES), name="state_known"),
    sa.CheckConstraint("revision >= 1", name="revision_positive"),
    sa.Index(None, "partner_id", "delivery_key"),
)

exchange_files = sa.Table(
    "exchange_files", metadata,
    id_column(),
    sa.Column("delivery_id", sa.Integer,
              sa.ForeignKey("exchange_deliveries.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False, index=True),
    text("format"),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("records", sa.Integer, nullable=True),
    sa.Column("expected_records", sa.Integer, nullable=True),
    text("error_code"),
    sa.Column("error_line", sa.Integer, nullable=True),
    sa.Column("error_column", sa.Integer, nullable=True),
    text("error_message"),
    sa.CheckConstraint(one_of("state", FILE_STATES), name="state_known"),
    sa.CheckConstraint("bytes >= 0", name="bytes_not_negative"),
)

exchange_documents = sa.Table(
    "exchange_documents", metadata,
    id_column(),
    sa.Column("delivery_id", sa.Integer,
              sa.ForeignKey("exchange_deliveries.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("file_id", sa.Integer,
              sa.ForeignKey("exchange_files.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("publication_date", sa.Date, nullable=True),
    sa.Column("filing_date", sa.Date, nullable=True),
    text("sections_present"),         # comma-separated: bibliography, abstract, claims, …
    sa.Column("legal_status", sa.Boolean, nullable=False, default=False),
    sa.Column("bibliographic_only", sa.Boolean, nullable=False, default=False),
    sa.Column("problems", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Column("repaired", sa.Boolean, nullable=False, default=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.CheckConstraint(one_of("outcome", DOCUMENT_OUTCOMES), name="outcome_known"),
)

# One row per lock name (`partner:XX`): taken by an UPDATE or INSERT that succeeds only
# when no other holder's lease is current, so two processes never hold it together.
exchange_leases = sa.Table(
    "exchange_leases", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)
