"""saved formulas

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_formulas',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('law', sa.Text(), nullable=False),
    sa.Column('expression', sa.Text(), nullable=False),
    sa.Column('options', sa.Text(), server_default='{}', nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("law IN ('all', 'patent', 'design', 'trademark')", name=op.f('ck_saved_formulas_law_known')),
    sa.CheckConstraint('length(expression) BETWEEN 1 AND 2000', name=op.f('ck_saved_formulas_expression_length')),
    sa.CheckConstraint('length(name) BETWEEN 1 AND 100', name=op.f('ck_saved_formulas_name_length')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_formulas_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_formulas')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_formulas_user_id_name'))
    )
    with op.batch_alter_table('saved_formulas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_formulas_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('saved_formulas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_formulas_user_id'))

    op.drop_table('saved_formulas')
