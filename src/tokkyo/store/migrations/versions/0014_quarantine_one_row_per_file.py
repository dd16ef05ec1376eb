"""ingest: one quarantine row per refused file

Revision ID: 0014
Revises: 0013

- quarantine.last_seen_at and quarantine.times_seen: a file refused again updates its row
  (latest name, batch, format and reason) instead of adding one (issue 19, item 18).
- A unique index on blob_sha256 (one row per distinct content), and one on name for the
  rows without bytes (an empty or unreadable file).
- Data: the rows a store already holds for the same file are merged into its latest row
  (the highest id), which keeps the first sighting's created_at, the latest as
  last_seen_at and the number of rows as times_seen.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_quarantine = sa.table(
    'quarantine', sa.column('id', sa.Integer), sa.column('name', sa.Text),
    sa.column('blob_sha256', sa.Text), sa.column('created_at', UTCDateTime),
    sa.column('last_seen_at', UTCDateTime), sa.column('times_seen', sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table('quarantine') as batch:
        batch.add_column(sa.Column('last_seen_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('times_seen', sa.Integer(), server_default='1',
                                   nullable=False))
    _merge_duplicates(op.get_bind())
    with op.batch_alter_table('quarantine') as batch:
        batch.alter_column('last_seen_at', existing_type=UTCDateTime(), nullable=False)
        batch.create_index('ix_quarantine_blob_sha256', ['blob_sha256'], unique=True)
        batch.create_index('ix_quarantine_name_without_bytes', ['name'], unique=True,
                           sqlite_where=sa.text('blob_sha256 IS NULL'),
                           postgresql_where=sa.text('blob_sha256 IS NULL'))


def _merge_duplicates(conn: sa.Connection) -> None:
    q = _quarantine.c
    conn.execute(sa.update(_quarantine).values(last_seen_at=q.created_at))
    groups: dict[tuple[str, str], list[sa.Row]] = defaultdict(list)
    for row in conn.execute(sa.select(q.id, q.name, q.blob_sha256, q.created_at)
                            .order_by(q.id)):
        key = ('sha256', row.blob_sha256) if row.blob_sha256 else ('name', row.name)
        groups[key].append(row)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        latest = rows[-1]
        conn.execute(sa.update(_quarantine).where(q.id == latest.id).values(
            created_at=min(r.created_at for r in rows),
            last_seen_at=max(r.created_at for r in rows), times_seen=len(rows)))
        conn.execute(sa.delete(_quarantine).where(q.id.in_([r.id for r in rows[:-1]])))


def downgrade() -> None:
    with op.batch_alter_table('quarantine') as batch:
        batch.drop_index('ix_quarantine_name_without_bytes')
        batch.drop_index('ix_quarantine_blob_sha256')
        batch.drop_column('times_seen')
        batch.drop_column('last_seen_at')
