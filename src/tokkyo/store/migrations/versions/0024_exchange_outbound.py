"""exchange outbound: the deliveries tokkyo sends to partners, their files and documents

Revision ID: 0024
Revises: 0023

Issue 16, item 8 (exchange.md §12): one row per delivery built for a sending agreement
row (its id, sequence, the date it states, where it was placed, the SHA-256 of its
SHA256SUMS, whether it was removed from the outbox, the partner's ACK), its files with
their SHA-256 and when the partner acknowledged each, and the JP publications it carried
by their stored source blob (what makes a re-sent delivery the same bytes, and a
publication sent once per agreement).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None



def _sha256(column: str) -> str:
    return f"length({column}) = 64 AND ltrim({column}, '0123456789abcdef') = ''"


def upgrade() -> None:
    op.create_table('exchange_sent',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.Column('delivery_key', sa.Text(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('produced_on', sa.Date(), nullable=False),
        sa.Column('placement', sa.Text(), nullable=False),
        sa.Column('destination', sa.Text(), server_default='', nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('sums_sha256', sa.Text(), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('placed_at', UTCDateTime(), nullable=True),
        sa.Column('removed_at', UTCDateTime(), nullable=True),
        sa.Column('ack_at', UTCDateTime(), nullable=True),
        sa.Column('ack_sha256', sa.Text(), server_default='', nullable=False),
        sa.CheckConstraint("placement IN ('push', 'outbox')", name=op.f('ck_exchange_sent_placement_known')),
        sa.CheckConstraint("state IN ('built', 'placed', 'removed')", name=op.f('ck_exchange_sent_state_known')),
        sa.CheckConstraint(_sha256('sums_sha256'), name=op.f('ck_exchange_sent_sums_sha256_hex')),
        sa.CheckConstraint('sequence >= 1', name=op.f('ck_exchange_sent_sequence_positive')),
        sa.ForeignKeyConstraint(['agreement_id'], ['exchange_agreements.id'], name=op.f('fk_exchange_sent_agreement_id_exchange_agreements'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partner_id'], ['exchange_partners.id'], name=op.f('fk_exchange_sent_partner_id_exchange_partners'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_sent')),
        sa.UniqueConstraint('partner_id', 'delivery_key', name=op.f('uq_exchange_sent_partner_id_delivery_key'))
    )
    op.create_index(op.f('ix_exchange_sent_agreement_id'), 'exchange_sent', ['agreement_id'], unique=False)
    op.create_table('exchange_sent_files',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('sent_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.Text(), nullable=False),
        sa.Column('acked_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint(_sha256('sha256'), name=op.f('ck_exchange_sent_files_sha256_hex')),
        sa.ForeignKeyConstraint(['sent_id'], ['exchange_sent.id'], name=op.f('fk_exchange_sent_files_sent_id_exchange_sent'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_sent_files')),
        sa.UniqueConstraint('sent_id', 'name', name=op.f('uq_exchange_sent_files_sent_id_name'))
    )
    op.create_index(op.f('ix_exchange_sent_files_sent_id'), 'exchange_sent_files', ['sent_id'], unique=False)
    op.create_table('exchange_sent_documents',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('sent_id', sa.Integer(), nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('st16_kind', sa.Text(), nullable=False),
        sa.Column('number', sa.Text(), nullable=False),
        sa.Column('date', sa.Date(), nullable=True),
        sa.Column('blob_sha256', sa.Text(), nullable=False),
        sa.Column('entry', sa.Text(), nullable=False),
        sa.CheckConstraint(_sha256('blob_sha256'), name=op.f('ck_exchange_sent_documents_blob_sha256_hex')),
        sa.ForeignKeyConstraint(['sent_id'], ['exchange_sent.id'], name=op.f('fk_exchange_sent_documents_sent_id_exchange_sent'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_sent_documents'))
    )
    op.create_index(op.f('ix_exchange_sent_documents_sent_id'), 'exchange_sent_documents', ['sent_id'], unique=False)
    op.create_index(op.f('ix_exchange_sent_documents_source_id'), 'exchange_sent_documents', ['source_id'], unique=False)


def downgrade() -> None:
    for table in ('exchange_sent_documents', 'exchange_sent_files', 'exchange_sent'):
        op.drop_table(table)
