"""translation cache and rate-limit calls, shared by every server process

Revision ID: 0023
Revises: 0022

Issue 17, item 3: real-time translations (English pages of Japanese documents) are cached
in the store rather than in each process, under `(engine, version, source, target, kind,
sha256(segment))` with an expiry, so several server processes translate a segment once;
and the served LibreTranslate-compatible endpoints count their calls in the store, so the
rate limit holds across processes.

- translation_cache: one engine output per segment, under the SHA-256 of its key (one
  indexed column: a page's segments are looked up in one `IN`), with the engine and
  version beside it; `expires_at` indexed for pruning.
- translate_calls: one row per admitted call (caller = login ID, at), counted over a
  rolling window.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'translation_cache',
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('engine', sa.Text(), nullable=False),
        sa.Column('version', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('spans', sa.Text(), server_default='', nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("length(key) = 64 AND ltrim(key, '0123456789abcdef') = ''",
                           name=op.f('ck_translation_cache_key_hex')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_translation_cache')),
    )
    op.create_index(op.f('ix_translation_cache_expires_at'), 'translation_cache',
                    ['expires_at'], unique=False)
    op.create_table(
        'translate_calls',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('caller', sa.Text(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translate_calls')),
    )
    op.create_index('ix_translate_calls_caller_at', 'translate_calls', ['caller', 'at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_translate_calls_caller_at', table_name='translate_calls')
    op.drop_table('translate_calls')
    op.drop_index(op.f('ix_translation_cache_expires_at'), table_name='translation_cache')
    op.drop_table('translation_cache')
