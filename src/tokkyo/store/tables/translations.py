"""Tables of machine translation (translation.md §2): the real-time cache shared by every
server process, and the calls counted by the served `/translate` endpoint's rate limit."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata
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
