"""search outbox: index work for search engines, recorded with the change

Revision ID: 0017
Revises: 0016

- search_outbox (id, application_id): the cases whose search documents must be written
  again or deleted; ingest records them in the transaction that changed them, and the
  index worker takes them off once the engine holds them (issue 18).
- Data: every stored case is recorded, so that the engine the store is used with next
  (tantivy by default) is filled from the store by the worker: upgrading a store is its
  reindex.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'search_outbox',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')))
    op.execute("INSERT INTO search_outbox (application_id) SELECT id FROM applications "
               "ORDER BY id")


def downgrade() -> None:
    op.drop_table('search_outbox')
