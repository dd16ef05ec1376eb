"""bulk: when each product's publishing last ran (the status page)

Revision ID: 0008
Revises: 0007

- bulk_products.last_run_at: the last completed `tokkyo bulk publish` run of the
  product, whether or not it found anything new; the status page compares it with the
  product's schedule to show lateness (bulk.md §8).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bulk_products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_run_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bulk_products', schema=None) as batch_op:
        batch_op.drop_column('last_run_at')
