"""search: a narrow index from a publication to its case

Revision ID: 0006
Revises: 0005

- ix_publications_id_application_id: (id, application_id), so that finding the case of
  each matched text unit reads this narrow index instead of the wide publications rows.
  On SQLite the planner prefers the rowid (the primary key) for `id = ?`, so search asks
  for this index by name (`INDEXED BY`, search/criteria.py); at 1 M documents it halved
  that lookup for a common term. PostgreSQL may use it for index-only scans.
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index('ix_publications_id_application_id',
                              ['id', 'application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('ix_publications_id_application_id')
