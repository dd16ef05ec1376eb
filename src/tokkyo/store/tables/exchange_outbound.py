"""Tables of the deliveries tokkyo sends to partners (exchange.md §12): one row per
delivery built for a sending agreement row, its files with their SHA-256 (what a
partner's `ACK` is checked against) and the JP publications it carried, by the stored
source blob, so that a delivery can be built again byte for byte and a publication is
sent once per agreement (a new version of it is sent again)."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.model.exchange import PLACEMENTS, SENT_STATES
from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, now_utc, one_of, sha256_check

exchange_sent = sa.Table(
    "exchange_sent", metadata,
    id_column(),
    sa.Column("partner_id", sa.Integer,
              sa.ForeignKey("exchange_partners.id", ondelete="CASCADE"), nullable=False),
    sa.Column("agreement_id", sa.Integer,
              sa.ForeignKey("exchange_agreements.id", ondelete="SET NULL"), nullable=True,
              index=True),
    sa.Column("delivery_key", sa.Text, nullable=False),   # the delivery id (§4)
    sa.Column("sequence", sa.Integer, nullable=False),    # per agreement, from 1
    sa.Column("produced_on", sa.Date, nullable=False),    # the date the delivery states
    sa.Column("placement", sa.Text, nullable=False),
    text("destination"),              # the partner's URL, or the outbox folder
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("sums_sha256", sa.Text, nullable=False),    # of its SHA256SUMS: its bytes
    sa.Column("documents", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("placed_at", UTCDateTime, nullable=True),
    sa.Column("removed_at", UTCDateTime, nullable=True),
    sa.Column("ack_at", UTCDateTime, nullable=True),
    text("ack_sha256"),               # of the last ACK file recorded
    sa.UniqueConstraint("partner_id", "delivery_key"),
    sa.CheckConstraint(one_of("placement", PLACEMENTS), name="placement_known"),
    sa.CheckConstraint(one_of("state", SENT_STATES), name="state_known"),
    sa.CheckConstraint(sha256_check("sums_sha256"), name="sums_sha256_hex"),
    sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
)

exchange_sent_files = sa.Table(
    "exchange_sent_files", metadata,
    id_column(),
    sa.Column("sent_id", sa.Integer,
              sa.ForeignKey("exchange_sent.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("acked_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("sent_id", "name"),
    sa.CheckConstraint(sha256_check("sha256"), name="sha256_hex"),
)

exchange_sent_documents = sa.Table(
    "exchange_sent_documents", metadata,
    id_column(),
    sa.Column("sent_id", sa.Integer,
              sa.ForeignKey("exchange_sent.id", ondelete="CASCADE"), nullable=False,
              index=True),
    # no foreign keys to the publication and its source: what was sent stays recorded
    # when the store's copy is replaced
    sa.Column("publication_id", sa.Integer, nullable=False),
    sa.Column("source_id", sa.Integer, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),           # JPO kind: A, B, U, Y
    sa.Column("st16_kind", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    sa.Column("blob_sha256", sa.Text, nullable=False),
    sa.Column("entry", sa.Text, nullable=False),          # where in the delivery: file/path
    sa.CheckConstraint(sha256_check("blob_sha256"), name="blob_sha256_hex"),
)
