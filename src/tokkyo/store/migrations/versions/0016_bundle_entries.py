"""document bodies: their place in the ZIP they came in, and which ZIPs brought them

Revision ID: 0016
Revises: 0015

- document_bodies.position: the file's place among its document's files in the ZIP it
  came in (NULL for loose files and for the rows a store already holds, which keep the
  order they were served in before: main file first, then by name).
- document_bodies.received_in: the `app_doc_cont_*` operations whose ZIPs brought the
  file (space-separated). A design or trademark HTM names no document code, so the ZIP
  it came in is what tells the API which document ZIPs it belongs to (issue 19, item 1).
- Data: a row a document ZIP wrote (its source key is that ZIP's request,
  `api:LAW/v1/app_doc_cont_…/NUMBER`) takes that operation as `received_in`, and a file
  of a refusal_reason ZIP that named no code becomes the A131 notice it is; re-importing
  the same ZIPs would not do it (an unchanged file is not applied again).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_BUNDLE_KEY = re.compile(r"^api:(?:patent|design|trademark)/v1/(app_doc_cont_[a-z_]+)/")
_bodies = sa.table('document_bodies', sa.column('id', sa.Integer),
                   sa.column('document_code', sa.Text), sa.column('source_id', sa.Integer),
                   sa.column('received_in', sa.Text))
_sources = sa.table('sources', sa.column('id', sa.Integer), sa.column('key', sa.Text))


def upgrade() -> None:
    with op.batch_alter_table('document_bodies') as batch:
        batch.add_column(sa.Column('position', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('received_in', sa.Text(), server_default='',
                                   nullable=False))
    _fill_received_in(op.get_bind())


def _fill_received_in(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(_bodies.c.id, _bodies.c.document_code, _sources.c.key)
                        .join(_sources, _sources.c.id == _bodies.c.source_id)
                        .where(_sources.c.key.like('api:%'))).all()
    for row_id, code, key in rows:
        match = _BUNDLE_KEY.match(key)
        if match is None:
            continue
        operation = match.group(1)
        if not code and operation == 'app_doc_cont_refusal_reason':
            code = 'A131'
        conn.execute(sa.update(_bodies).where(_bodies.c.id == row_id)
                     .values(received_in=operation, document_code=code))


def downgrade() -> None:
    with op.batch_alter_table('document_bodies') as batch:
        batch.drop_column('received_in')
        batch.drop_column('position')
