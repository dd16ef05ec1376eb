"""exchange: partners, agreements, deliveries, their files and documents, leases

Revision ID: 0021
Revises: 0020

Issue 16, items 1, 3 and 4 (exchange.md §1–§6): partner offices and their agreements (one
row per exchanged product, credentials sealed with the server secret), each delivery
received with its revision, manifest kind, state and report, each file's state and error,
one row per document a delivery carried (what the quality report computes from), and the
lease rows that keep two `tokkyo exchange run-due` processes off one partner at a time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_leases',
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('holder', sa.Text(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_exchange_leases'))
    )
    op.create_table('exchange_partners',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('code', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('contacts', sa.Text(), server_default='', nullable=False),
        sa.Column('status', sa.Text(), server_default='none', nullable=False),
        sa.Column('public_provision', sa.Boolean(), nullable=False),
        sa.Column('terms', sa.Text(), server_default='', nullable=False),
        sa.Column('notes', sa.Text(), server_default='', nullable=False),
        sa.Column('current_state', sa.Text(), server_default='', nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('none', 'negotiating', 'signed', 'renewing', 'expired')", name=op.f('ck_exchange_partners_status_known')),
        sa.CheckConstraint('length(code) = 2', name=op.f('ck_exchange_partners_code_two_letters')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_partners')),
        sa.UniqueConstraint('code', name=op.f('uq_exchange_partners_code'))
    )
    op.create_table('exchange_agreements',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('direction', sa.Text(), nullable=False),
        sa.Column('ip_right', sa.Text(), nullable=False),
        sa.Column('product', sa.Text(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('format', sa.Text(), nullable=False),
        sa.Column('schema_version', sa.Text(), server_default='', nullable=False),
        sa.Column('kind_codes', sa.Text(), server_default='', nullable=False),
        sa.Column('coverage_from', sa.Date(), nullable=True),
        sa.Column('coverage_to', sa.Date(), nullable=True),
        sa.Column('frequency', sa.Text(), nullable=False),
        sa.Column('transport', sa.Text(), nullable=False),
        sa.Column('endpoint_url', sa.Text(), server_default='', nullable=False),
        sa.Column('username', sa.Text(), server_default='', nullable=False),
        sa.Column('password_sealed', sa.Text(), server_default='', nullable=False),
        sa.Column('private_key_sealed', sa.Text(), server_default='', nullable=False),
        sa.Column('host_key', sa.Text(), server_default='', nullable=False),
        sa.Column('allow_plain_ftp', sa.Boolean(), nullable=False),
        sa.Column('required_sections', sa.Text(), server_default='', nullable=False),
        sa.Column('legal_status', sa.Boolean(), nullable=False),
        sa.Column('max_delay_days', sa.Integer(), nullable=True),
        sa.Column('all_or_nothing', sa.Boolean(), nullable=False),
        sa.Column('tolerant', sa.Boolean(), nullable=False),
        sa.Column('extra', sa.Text(), server_default='{}', nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('last_success_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("content IN ('image', 'text', 'bibliographic')", name=op.f('ck_exchange_agreements_content_known')),
        sa.CheckConstraint("direction IN ('send', 'receive')", name=op.f('ck_exchange_agreements_direction_known')),
        sa.CheckConstraint("frequency IN ('daily', 'weekly', 'biweekly', 'monthly', 'quarterly')", name=op.f('ck_exchange_agreements_frequency_known')),
        sa.CheckConstraint("ip_right IN ('patent', 'design', 'trademark')", name=op.f('ck_exchange_agreements_ip_right_known')),
        sa.CheckConstraint("transport IN ('inbox', 'folder', 'ftp', 'ftps', 'sftp', 'https')", name=op.f('ck_exchange_agreements_transport_known')),
        sa.CheckConstraint('max_delay_days IS NULL OR max_delay_days >= 0', name=op.f('ck_exchange_agreements_max_delay_days_not_negative')),
        sa.ForeignKeyConstraint(['partner_id'], ['exchange_partners.id'], name=op.f('fk_exchange_agreements_partner_id_exchange_partners'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_agreements'))
    )
    op.create_index(op.f('ix_exchange_agreements_partner_id'), 'exchange_agreements', ['partner_id'], unique=False)
    op.create_table('exchange_deliveries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.Column('delivery_key', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('origin', sa.Text(), nullable=False),
        sa.Column('source', sa.Text(), server_default='', nullable=False),
        sa.Column('manifest', sa.Text(), nullable=False),
        sa.Column('content_sha256', sa.Text(), nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('report', sa.Text(), server_default='{}', nullable=False),
        sa.Column('received_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint("manifest IN ('manifest-json', 'manifest-csv', 'docdb-statistics', 'no-manifest')", name=op.f('ck_exchange_deliveries_manifest_known')),
        sa.CheckConstraint("origin IN ('inbox', 'pull', 'import')", name=op.f('ck_exchange_deliveries_origin_known')),
        sa.CheckConstraint("state IN ('received', 'loaded', 'partially-loaded', 'quarantined', 'rejected', 'already-loaded')", name=op.f('ck_exchange_deliveries_state_known')),
        sa.CheckConstraint('revision >= 1', name=op.f('ck_exchange_deliveries_revision_positive')),
        sa.ForeignKeyConstraint(['agreement_id'], ['exchange_agreements.id'], name=op.f('fk_exchange_deliveries_agreement_id_exchange_agreements'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partner_id'], ['exchange_partners.id'], name=op.f('fk_exchange_deliveries_partner_id_exchange_partners'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_deliveries'))
    )
    op.create_index(op.f('ix_exchange_deliveries_agreement_id'), 'exchange_deliveries', ['agreement_id'], unique=False)
    op.create_index(op.f('ix_exchange_deliveries_partner_id_delivery_key'), 'exchange_deliveries', ['partner_id', 'delivery_key'], unique=False)
    op.create_table('exchange_files',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.Text(), nullable=False),
        sa.Column('format', sa.Text(), server_default='', nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('records', sa.Integer(), nullable=True),
        sa.Column('expected_records', sa.Integer(), nullable=True),
        sa.Column('error_code', sa.Text(), server_default='', nullable=False),
        sa.Column('error_line', sa.Integer(), nullable=True),
        sa.Column('error_column', sa.Integer(), nullable=True),
        sa.Column('error_message', sa.Text(), server_default='', nullable=False),
        sa.CheckConstraint("state IN ('received', 'verified', 'parsed', 'loaded', 'quarantined', 'duplicate', 'held-back')", name=op.f('ck_exchange_files_state_known')),
        sa.CheckConstraint('bytes >= 0', name=op.f('ck_exchange_files_bytes_not_negative')),
        sa.ForeignKeyConstraint(['delivery_id'], ['exchange_deliveries.id'], name=op.f('fk_exchange_files_delivery_id_exchange_deliveries'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_files'))
    )
    op.create_index(op.f('ix_exchange_files_delivery_id'), 'exchange_files', ['delivery_id'], unique=False)
    op.create_index(op.f('ix_exchange_files_sha256'), 'exchange_files', ['sha256'], unique=False)
    op.create_table('exchange_documents',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('country', sa.Text(), nullable=False),
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('number', sa.Text(), nullable=False),
        sa.Column('publication_date', sa.Date(), nullable=True),
        sa.Column('filing_date', sa.Date(), nullable=True),
        sa.Column('sections_present', sa.Text(), server_default='', nullable=False),
        sa.Column('legal_status', sa.Boolean(), nullable=False),
        sa.Column('bibliographic_only', sa.Boolean(), nullable=False),
        sa.Column('problems', sa.Text(), server_default='[]', nullable=False),
        sa.Column('repaired', sa.Boolean(), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.CheckConstraint("outcome IN ('loaded', 'unchanged', 'deleted', 'held-back')", name=op.f('ck_exchange_documents_outcome_known')),
        sa.ForeignKeyConstraint(['delivery_id'], ['exchange_deliveries.id'], name=op.f('fk_exchange_documents_delivery_id_exchange_deliveries'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['file_id'], ['exchange_files.id'], name=op.f('fk_exchange_documents_file_id_exchange_files'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_documents'))
    )
    op.create_index(op.f('ix_exchange_documents_delivery_id'), 'exchange_documents', ['delivery_id'], unique=False)
    op.create_index(op.f('ix_exchange_documents_file_id'), 'exchange_documents', ['file_id'], unique=False)


def downgrade() -> None:
    for table in ('exchange_documents', 'exchange_files', 'exchange_deliveries',
                  'exchange_agreements', 'exchange_partners', 'exchange_leases'):
        op.drop_table(table)
