"""document bodies: their place in the ZIP they came in, and which ZIPs brought them

Revision ID: 0016
Revises: 0015

- document_bodies.position: the file's place among its document's files in the ZIP it
  came in (NULL for loose files and for the rows a store already holds, which keep the
  order they were served in before: main file first, then by name).
- document_bodies.received_in: the `app_doc_cont_*` operations whose ZIPs brought the
  file (space-separated). A design or trademark HTM names no document code, so the ZIP
  it came in is what tells the API which document ZIPs it belongs to (issue 19, item 1).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document_bodies') as batch:
        batch.add_column(sa.Column('position', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('received_in', sa.Text(), server_default='',
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('document_bodies') as batch:
        batch.drop_column('received_in')
        batch.drop_column('position')
