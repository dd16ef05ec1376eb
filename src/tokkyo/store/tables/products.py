"""Tables of the bulk data download site (bulk.md §3–§7): products, their releases and
files (with replacement history), announcements, the download log, revoked links and
archived-data orders."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, now_utc, one_of, sha256_check

RELEASE_TYPES = ("backfile", "delta", "replacement")
FILE_STATES = ("current", "superseded", "withdrawn")
ANNOUNCEMENT_CATEGORIES = ("new-data", "replacement", "outage", "recovery", "maintenance",
                           "format-change", "end-of-provision")
ORDER_STATES = ("requested", "verifying", "approved", "sized", "preparing", "ready",
                "delivered", "closed", "rejected", "cancelled")

products = sa.Table(
    "bulk_products", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("builder", sa.Text, nullable=False),
    sa.Column("title_ja", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    text("description_ja"),
    text("description_en"),
    text("laws"),
    sa.Column("format", sa.Text, nullable=False),
    text("schema"),
    sa.Column("frequency", sa.Text, nullable=False),
    text("schedule"),
    text("archive_unit"),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    # the last completed `tokkyo bulk publish` run, whether or not it found anything new
    sa.Column("last_run_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("length(id) BETWEEN 1 AND 60", name="id_length"),
)

releases = sa.Table(
    "bulk_releases", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("product_id", sa.Text, sa.ForeignKey("bulk_products.id"), nullable=False,
              index=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("period_from", sa.Date, nullable=True),
    sa.Column("period_to", sa.Date, nullable=True),
    sa.Column("published_at", UTCDateTime, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False, default=1),
    sa.CheckConstraint(one_of("type", RELEASE_TYPES), name="type_known"),
    sa.CheckConstraint("revision >= 1", name="revision_positive"),
)

files = sa.Table(
    "bulk_files", metadata,
    id_column(),
    sa.Column("release_id", sa.Text, sa.ForeignKey("bulk_releases.id"), nullable=False,
              index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("records_total", sa.Integer, nullable=False, default=0),
    sa.Column("records_new", sa.Integer, nullable=False, default=0),
    sa.Column("records_changed", sa.Integer, nullable=False, default=0),
    sa.Column("records_deleted", sa.Integer, nullable=False, default=0),
    sa.Column("coverage_from", sa.Date, nullable=True),
    sa.Column("coverage_to", sa.Date, nullable=True),
    sa.Column("status", sa.Text, nullable=False, default="current"),
    sa.Column("supersedes", sa.Integer, sa.ForeignKey("bulk_files.id"), nullable=True),
    sa.Column("superseded_by", sa.Integer, sa.ForeignKey("bulk_files.id"), nullable=True),
    sa.Column("superseded_at", UTCDateTime, nullable=True),
    text("reason"),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.CheckConstraint(one_of("status", FILE_STATES), name="status_known"),
    sa.CheckConstraint(sha256_check("sha256"), name="sha256_hex"),
    sa.CheckConstraint("bytes >= 0", name="bytes_not_negative"),
    sa.CheckConstraint("name NOT LIKE '%/%' AND name NOT LIKE '.%'", name="plain_name"),
    # one current file of a name per release; superseded ones stay beside it
    sa.Index("ix_bulk_files_current_name", "release_id", "name", unique=True,
             sqlite_where=sa.text("status = 'current'"),
             postgresql_where=sa.text("status = 'current'")),
)

announcements = sa.Table(
    "bulk_announcements", metadata,
    id_column(),
    sa.Column("published_at", UTCDateTime, nullable=False, index=True),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("title_ja", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    text("body_ja"),
    text("body_en"),
    sa.Column("product_id", sa.Text, sa.ForeignKey("bulk_products.id"), nullable=True),
    sa.Column("release_id", sa.Text, sa.ForeignKey("bulk_releases.id"), nullable=True),
    sa.Column("file_id", sa.Integer, sa.ForeignKey("bulk_files.id"), nullable=True),
    # maintenance windows: downloads answer 503 between these instants
    sa.Column("starts_at", UTCDateTime, nullable=True),
    sa.Column("ends_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("category", ANNOUNCEMENT_CATEGORIES), name="category_known"),
    sa.CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at",
                       name="window_forward"),
)

downloads = sa.Table(
    "bulk_downloads", metadata,
    id_column(),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("login_id", sa.Text, nullable=False),
    sa.Column("file_id", sa.Integer, sa.ForeignKey("bulk_files.id"), nullable=False,
              index=True),
    sa.Column("link_id", sa.Text, nullable=False),
    text("ip"),
    text("byte_range"),
    sa.Column("http_status", sa.Integer, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False, default=0),
    text("request_id"),
)

revoked_links = sa.Table(
    "bulk_revoked_links", metadata,
    sa.Column("link_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=False),
)

archive_orders = sa.Table(
    "bulk_archive_orders", metadata,
    id_column(),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("units", sa.Text, nullable=False),          # unit names, one per line
    sa.Column("status", sa.Text, nullable=False, default="requested"),
    text("purpose"),
    text("delivery"),                                      # online | media
    sa.Column("snapshot_at", UTCDateTime, nullable=True),
    sa.Column("size_bytes", sa.BigInteger, nullable=True),
    sa.Column("file_count", sa.Integer, nullable=True),
    text("operator_note"),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc),
    sa.CheckConstraint(one_of("status", ORDER_STATES), name="status_known"),
    sa.CheckConstraint("length(units) > 0", name="units_given"),
)
