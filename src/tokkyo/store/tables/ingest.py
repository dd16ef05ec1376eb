"""Tables of the ingest pipeline: blobs, batches, source versions, quarantine."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, now_utc, one_of, sha256_check

BATCH_STATES = ("new", "started", "done", "failed")

blobs = sa.Table(
    "blobs", metadata,
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    text("media_type"),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.CheckConstraint(sha256_check("sha256"), name="sha256_hex"),
    sa.CheckConstraint("size >= 0", name="size_not_negative"),
)

batches = sa.Table(
    "batches", metadata,
    id_column(),
    sa.Column("status", sa.Text, nullable=False, default="new"),
    text("label"),
    text("worker"),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("loaded", sa.Integer, nullable=False, default=0),
    sa.Column("unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("replaced", sa.Integer, nullable=False, default=0),
    sa.Column("quarantined", sa.Integer, nullable=False, default=0),
    text("error"),
    sa.CheckConstraint(one_of("status", BATCH_STATES), name="status_known"),
)

sources = sa.Table(
    "sources", metadata,
    id_column(),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("format", sa.Text, nullable=False),
    text("name"),
    sa.Column("blob_sha256", sa.Text, sa.ForeignKey("blobs.sha256"), nullable=False,
              index=True),
    # What "the same content" means: the raw SHA-256, or for JSON answers the SHA-256 of
    # the answer without its remainAccessCount, so a daily re-fetch is not a new version.
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=True, index=True),
    sa.Column("ingested_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("superseded_at", UTCDateTime, nullable=True),
    text("problems"),          # validation problems found reading it, one per line
    sa.UniqueConstraint("key", "version"),
    sa.CheckConstraint("version >= 1", name="version_positive"),
    sa.CheckConstraint(sha256_check("fingerprint"), name="fingerprint_hex"),
    sa.Index("ix_sources_current_key", "key", unique=True,
             sqlite_where=sa.text("superseded_at IS NULL"),
             postgresql_where=sa.text("superseded_at IS NULL")),
)

# One row per refused file: per distinct content (the SHA-256 of its bytes), or, for an
# item without bytes (an empty or unreadable file), per name. Refusing it again updates
# the row: the latest name, batch, format and reason, when it was last seen, how often.
quarantine = sa.Table(
    "quarantine", metadata,
    id_column(),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=True, index=True),
    text("name"),
    text("format"),           # what detection named it (`ingest.detect`), or "unknown"
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("blob_sha256", sa.Text, sa.ForeignKey("blobs.sha256"), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),   # first seen
    sa.Column("last_seen_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("times_seen", sa.Integer, nullable=False, default=1, server_default="1"),
    sa.Index("ix_quarantine_blob_sha256", "blob_sha256", unique=True),
    sa.Index("ix_quarantine_name_without_bytes", "name", unique=True,
             sqlite_where=sa.text("blob_sha256 IS NULL"),
             postgresql_where=sa.text("blob_sha256 IS NULL")),
)
