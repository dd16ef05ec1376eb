"""documents: one stored summary per case for result lists and CSV

Revision ID: 0012
Revises: 0011

- case_summaries (application_id primary key, body JSON text, and the facts its status
  is read from as columns): what a result list and a CSV show of a case in one row read
  by its key; a status condition (the ST field) is SQL on the columns, for the hits of a
  query only (it computed the status of every case of the store in Python: 47 s for
  電池*"pending"/ST at 1 M documents).
  A 3000-row CSV at 1 M documents read four B-trees per case (the case's row and the
  covering indexes of migration 0011): about 14,600 random page reads, 0.95–1.2 s with
  the pages on disk. Created empty: `Database.upgrade` summarises the cases already
  stored (store/repositories/case_summaries.py), since the summary is built by the
  repository's code, which a migration must not freeze.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_summaries',
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('registration_number', sa.Text(), server_default='', nullable=False),
        sa.Column('disappearance_date', sa.Date(), nullable=True),
        sa.Column('expire_date', sa.Date(), nullable=True),
        sa.Column('next_annuity_date', sa.Date(), nullable=True),
        sa.Column('grace_end', sa.Date(), nullable=True),
        sa.Column('last_paid_year', sa.Integer(), nullable=True),
        sa.Column('erasure_identifier', sa.Text(), server_default='', nullable=False),
        sa.Column('refused', sa.Boolean(), nullable=False),
        sa.Column('withdrawn', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_case_summaries_application_id_applications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('application_id', name=op.f('pk_case_summaries')),
    )
    op.create_index(op.f('ix_case_summaries_version'), 'case_summaries', ['version'],
                    unique=False)
    op.create_index(op.f('ix_case_summaries_registration_number'), 'case_summaries',
                    ['registration_number'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_case_summaries_registration_number'), table_name='case_summaries')
    op.drop_index(op.f('ix_case_summaries_version'), table_name='case_summaries')
    op.drop_table('case_summaries')
