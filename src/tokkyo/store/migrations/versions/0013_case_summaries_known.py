"""documents: whether a case's status facts are known at all

Revision ID: 0013
Revises: 0012

- case_summaries.known: False when the store holds neither progress nor registration data
  for the case (a gazette publication alone); its status is then `unknown`, never a status
  computed from empty facts (issue 19, item 8). The summaries' build version is raised
  with it, so `Database.upgrade` summarises every case again and fills the column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_summaries') as batch:
        batch.add_column(sa.Column('known', sa.Boolean(), server_default=sa.true(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('case_summaries') as batch:
        batch.drop_column('known')
