"""exchange reports: partners' ST.37 authority files, status notes and history

Revision ID: 0022
Revises: 0021

Issue 16, items 5–7 (exchange.md §7–§8):

- authority_imports: one row per import of a partner's WIPO ST.37 authority file (form,
  file name, SHA-256, counts); re-importing replaces the current file (replaced_at set on
  the old row), so the rows are the history of imports.
- authority_entries: the entries of each partner's current authority file (office,
  normalised number, kind, date, exception code); a replaced import's are deleted.
- exchange_status_notes: the operators' text for a partner's current state.
- exchange_status_history: the computed status table, one row per partner each time it
  is recorded (the row as JSON), so a partner's history can be shown.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'authority_imports',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('partner', sa.Text(), nullable=False),
        sa.Column('format', sa.Text(), nullable=False),
        sa.Column('file_name', sa.Text(), server_default='', nullable=False),
        sa.Column('sha256', sa.Text(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('exceptions', sa.Integer(), nullable=False),
        sa.Column('offices', sa.Text(), server_default='', nullable=False),
        sa.Column('imported_at', UTCDateTime(), nullable=False),
        sa.Column('replaced_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint("format IN ('csv', 'xml', 'json')",
                           name=op.f('ck_authority_imports_format_known')),
        sa.CheckConstraint("length(sha256) = 64 AND ltrim(sha256, '0123456789abcdef') = ''",
                           name=op.f('ck_authority_imports_sha256_hex')),
        sa.CheckConstraint('length(partner) > 0',
                           name=op.f('ck_authority_imports_partner_given')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_imports')))
    op.create_index('ix_authority_imports_partner_replaced_at', 'authority_imports',
                    ['partner', 'replaced_at'], unique=False)
    op.create_table(
        'authority_entries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('country', sa.Text(), nullable=False),
        sa.Column('number', sa.Text(), nullable=False),
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('date', sa.Date(), nullable=True),
        sa.Column('exception_code', sa.Text(), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['authority_imports.id'],
                                name=op.f('fk_authority_entries_import_id_authority_imports'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_authority_entries')),
        sa.UniqueConstraint('import_id', 'country', 'number', 'kind',
                            name=op.f('uq_authority_entries_import_id_country_number_kind')))
    op.create_table(
        'exchange_status_notes',
        sa.Column('partner', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('updated_by', sa.Text(), server_default='', nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('partner', name=op.f('pk_exchange_status_notes')))
    op.create_table(
        'exchange_status_history',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('partner', sa.Text(), nullable=False),
        sa.Column('computed_at', UTCDateTime(), nullable=False),
        sa.Column('exchange', sa.Text(), nullable=False),
        sa.Column('row', sa.Text(), nullable=False),
        sa.CheckConstraint("exchange IN ('○', '△', '×')",
                           name=op.f('ck_exchange_status_history_exchange_symbol')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_status_history')))
    op.create_index('ix_exchange_status_history_partner_computed_at',
                    'exchange_status_history', ['partner', 'computed_at'], unique=False)


def downgrade() -> None:
    op.drop_table('exchange_status_history')
    op.drop_table('exchange_status_notes')
    op.drop_table('authority_entries')
    op.drop_table('authority_imports')
