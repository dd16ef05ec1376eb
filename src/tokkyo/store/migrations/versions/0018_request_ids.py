"""request ids in the access log and the download log

Revision ID: 0018
Revises: 0017

- access_log.request_id, bulk_downloads.request_id: the id of the HTTP request that wrote
  the row (the `X-Request-ID` the client sent when well-formed, else one tokkyo made), the
  same id the response header and the JSON request log carry, so that an operator can
  follow one call from the proxy's log to the store. `''` for rows written before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TABLES = ('access_log', 'bulk_downloads')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('request_id', sa.Text(), server_default='',
                                       nullable=False))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('request_id')
