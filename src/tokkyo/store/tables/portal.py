"""Tables of the search portal: saved search formulas of signed-in users."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata
from tokkyo.store.types import UTCDateTime, now_utc, one_of

FORMULA_LAWS = ("all", "patent", "design", "trademark")

saved_formulas = sa.Table(
    "saved_formulas", metadata,
    id_column(),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("law", sa.Text, nullable=False),
    sa.Column("expression", sa.Text, nullable=False),
    sa.Column("options", sa.Text, nullable=False, server_default="{}"),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc, onupdate=now_utc),
    sa.UniqueConstraint("user_id", "name"),
    sa.CheckConstraint(one_of("law", FORMULA_LAWS), name="law_known"),
    sa.CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
    sa.CheckConstraint("length(expression) BETWEEN 1 AND 2000", name="expression_length"),
)
