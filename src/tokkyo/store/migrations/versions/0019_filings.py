"""filings: applications received as converted e-filing packages, unpublished

Revision ID: 0019
Revises: 0018

Issue 20, item 3: `tokkyo ingest` reads the XML package `tokkyo efile convert` writes
(JPOXMLDOC01-jpbibl.xml, JPOXMLDOC01-appb.xml, images) as an application filed with the
office, not yet published.

- filings: one row per filing (its key is the source key: law, first applicant and the
  applicant's reference number 整理番号), with what the operators' list shows (title,
  parties, submission date, the documents present), the package's blob and current
  source version, and, once the office has given it, the application number; the gazette
  publication of that number links the filing to its case (application_id,
  publication_number, published_on).
- The table is deliberately not `applications`: search, the API, the portal's documents
  and bulk read only `applications` and `publications`, so an unpublished filing cannot
  be shown by any of them; only the operators' pages read `filings`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'filings',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('law', sa.Text(), nullable=False),
        sa.Column('reference', sa.Text(), nullable=False),
        sa.Column('submission_date', sa.Date(), nullable=True),
        sa.Column('title', sa.Text(), server_default='', nullable=False),
        sa.Column('applicants', sa.Text(), server_default='', nullable=False),
        sa.Column('inventors', sa.Text(), server_default='', nullable=False),
        sa.Column('agents', sa.Text(), server_default='', nullable=False),
        sa.Column('documents', sa.Text(), server_default='', nullable=False),
        sa.Column('blob_sha256', sa.Text(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('source_version', sa.Integer(), nullable=False),
        sa.Column('application_number', sa.Text(), nullable=True),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('publication_number', sa.Text(), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("law IN ('patent', 'utility')", name=op.f('ck_filings_law_known')),
        sa.CheckConstraint('length(reference) > 0', name=op.f('ck_filings_reference_given')),
        sa.CheckConstraint("length(blob_sha256) = 64 AND ltrim(blob_sha256, "
                           "'0123456789abcdef') = ''",
                           name=op.f('ck_filings_blob_sha256_hex')),
        sa.CheckConstraint("application_number IS NULL OR (length(application_number) = 10 "
                           "AND ltrim(application_number, '0123456789') = '')",
                           name=op.f('ck_filings_application_number_digits')),
        sa.CheckConstraint('source_version >= 1',
                           name=op.f('ck_filings_source_version_positive')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_filings_application_id_applications'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'],
                                name=op.f('fk_filings_blob_sha256_blobs')),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'],
                                name=op.f('fk_filings_source_id_sources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_filings')),
        sa.UniqueConstraint('key', name=op.f('uq_filings_key')),
        sa.UniqueConstraint('application_number', name=op.f('uq_filings_application_number')))
    with op.batch_alter_table('filings') as batch:
        batch.create_index(batch.f('ix_filings_source_id'), ['source_id'], unique=False)
        batch.create_index(batch.f('ix_filings_application_id'), ['application_id'],
                           unique=False)


def downgrade() -> None:
    op.drop_table('filings')
