"""Tables of the exchange reports (exchange.md §7–§8): partners' ST.37 authority files
(every import kept as history, the entries of the current one only), the operators' text
for a partner's current state, and the status table's history."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, one_of, sha256_check

AUTHORITY_FORMATS = ("csv", "xml", "json")

# One row per import of a partner's authority file; the current one has no replaced_at.
authority_imports = sa.Table(
    "authority_imports", metadata,
    id_column(),
    sa.Column("partner", sa.Text, nullable=False),
    sa.Column("format", sa.Text, nullable=False),
    text("file_name"),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("entries", sa.Integer, nullable=False),
    sa.Column("exceptions", sa.Integer, nullable=False),
    text("offices"),                       # the office codes listed, space-separated
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Column("replaced_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("format", AUTHORITY_FORMATS), name="format_known"),
    sa.CheckConstraint(sha256_check("sha256"), name="sha256_hex"),
    sa.CheckConstraint("length(partner) > 0", name="partner_given"),
    sa.Index("ix_authority_imports_partner_replaced_at", "partner", "replaced_at"),
)

# The entries of each partner's current authority file (a replaced import's are deleted).
authority_entries = sa.Table(
    "authority_entries", metadata,
    id_column(),
    sa.Column("import_id", sa.Integer,
              sa.ForeignKey("authority_imports.id", ondelete="CASCADE"), nullable=False),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    text("exception_code"),
    sa.UniqueConstraint("import_id", "country", "number", "kind"),
)

# What an operator says of a partner's current state (the seed's last column).
exchange_status_notes = sa.Table(
    "exchange_status_notes", metadata,
    sa.Column("partner", sa.Text, primary_key=True),
    text("note"),
    text("updated_by"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The status table as computed, one row per partner each time it is recorded.
exchange_status_history = sa.Table(
    "exchange_status_history", metadata,
    id_column(),
    sa.Column("partner", sa.Text, nullable=False),
    sa.Column("computed_at", UTCDateTime, nullable=False),
    sa.Column("exchange", sa.Text, nullable=False),
    sa.Column("row", sa.Text, nullable=False),          # the row's JSON
    sa.CheckConstraint(one_of("exchange", ("○", "△", "×")), name="exchange_symbol"),
    sa.Index("ix_exchange_status_history_partner_computed_at", "partner", "computed_at"),
)
