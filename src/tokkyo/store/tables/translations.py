"""Tables of machine translation (translation.md §2): the real-time cache shared by every
server process, and the calls counted by the served `/translate` endpoint's rate limit."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata, publication_fk
from tokkyo.store.types import UTCDateTime, sha256_check

#: One engine output for one segment as the engine saw it (placeholders in), under
#: `key` = sha256 of `(engine, version, source, target, kind, sha256(segment))` (one
#: indexed column, so a whole text's keys are looked up in one `IN`), until `expires_at`.
#: A cached result is never searchable (accumulated translations are another table).
translation_cache = sa.Table(
    "translation_cache", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("engine", sa.Text, nullable=False),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    # the untranslated spans, "start-end" joined by commas ("" for none)
    sa.Column("spans", sa.Text, nullable=False, server_default=""),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
    sa.CheckConstraint(sha256_check("key"), name="key_hex"),
)

#: One admitted call of the served endpoints per row, by the caller's login ID: the
#: rolling window counts the rows younger than it, whichever process served them.
translate_calls = sa.Table(
    "translate_calls", metadata,
    id_column(),
    sa.Column("caller", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_translate_calls_caller_at", "caller", "at"),
)

#: Accumulated translations (translation.md §4): one row per publication, section
#: (title, abstract, claims, description) and target language, with the engine and
#: version that made it, when, and the SHA-256 of the source text it translates (a
#: changed source or engine version is translated again). `text` holds the section's
#: units (each claim, each paragraph) one per line, aligned with the original's order.
#: The originals are never written here or changed: this table only ever holds copies.
stored_translations = sa.Table(
    "stored_translations", metadata,
    id_column(),
    publication_fk(),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("source_language", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("units", sa.Integer, nullable=False),
    sa.Column("engine", sa.Text, nullable=False),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("translated_at", UTCDateTime, nullable=False),
    sa.Column("source_sha256", sa.Text, nullable=False),
    sa.UniqueConstraint("publication_id", "section", "target"),
    sa.CheckConstraint("section IN ('title', 'abstract', 'claims', 'description')",
                       name="section_known"),
    sa.CheckConstraint(sha256_check("source_sha256"), name="source_sha256_hex"),
)

#: Publications due for accumulated translation into `target`: filled at ingest for the
#: foreign languages set to accumulate, and when an engine version changes; taken off
#: once their translations are stored. Served most viewed publication first
#: (`publication_views`), then newest (`published`).
translation_queue = sa.Table(
    "translation_queue", metadata,
    id_column(),
    publication_fk(),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("published", sa.Date, nullable=True),
    sa.Column("queued_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("publication_id", "target"),
    sa.Index("ix_translation_queue_published_id", "published", "id"),
)

#: How often each publication's page was read (translation.md §4: re-translation takes
#: the most viewed documents first). Each server process counts its page views in memory
#: and adds them here in batches (`documents.views`), one row per publication ever viewed,
#: so the count is approximate: a process that dies loses its last seconds of views.
publication_views = sa.Table(
    "publication_views", metadata,
    sa.Column("publication_id", sa.Integer,
              sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("views", sa.Integer, nullable=False),
)
