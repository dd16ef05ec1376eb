"""accumulated translations and their queue

Revision ID: 0025
Revises: 0024

Issue 17, item 4 (translation.md §4): translations of foreign documents stored per
publication, section and target language, searchable beside the originals.

- stored_translations: the section's translated units (one per line), the engine and
  version that made them, when, and the SHA-256 of the source text; one row per
  (publication, section, target), replaced in one statement when re-translated.
- translation_queue: publications due for translation into a target, newest first;
  filled at ingest and when an engine version changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stored_translations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('section', sa.Text(), nullable=False),
        sa.Column('source_language', sa.Text(), nullable=False),
        sa.Column('target', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.Column('engine', sa.Text(), nullable=False),
        sa.Column('version', sa.Text(), nullable=False),
        sa.Column('translated_at', UTCDateTime(), nullable=False),
        sa.Column('source_sha256', sa.Text(), nullable=False),
        sa.CheckConstraint("section IN ('title', 'abstract', 'claims', 'description')",
                           name=op.f('ck_stored_translations_section_known')),
        sa.CheckConstraint("length(source_sha256) = 64 AND "
                           "ltrim(source_sha256, '0123456789abcdef') = ''",
                           name=op.f('ck_stored_translations_source_sha256_hex')),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_stored_translations_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_translations')),
        sa.UniqueConstraint('publication_id', 'section', 'target',
                            name=op.f('uq_stored_translations_publication_id_section_target')),
    )
    op.create_index(op.f('ix_stored_translations_publication_id'), 'stored_translations',
                    ['publication_id'], unique=False)
    op.create_table(
        'translation_queue',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('published', sa.Date(), nullable=True),
        sa.Column('queued_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_translation_queue_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_queue')),
        sa.UniqueConstraint('publication_id', 'target',
                            name=op.f('uq_translation_queue_publication_id_target')),
    )
    op.create_index(op.f('ix_translation_queue_publication_id'), 'translation_queue',
                    ['publication_id'], unique=False)
    op.create_index('ix_translation_queue_published_id', 'translation_queue',
                    ['published', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_translation_queue_published_id', table_name='translation_queue')
    op.drop_index(op.f('ix_translation_queue_publication_id'), table_name='translation_queue')
    op.drop_table('translation_queue')
    op.drop_index(op.f('ix_stored_translations_publication_id'),
                  table_name='stored_translations')
    op.drop_table('stored_translations')
