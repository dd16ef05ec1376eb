"""search: indexes for sorting hits by date, scanning titled cases and code prefixes

Revision ID: 0005
Revises: 0004

- ix_publications_application_id_date: the latest publication date (and earliest filing
  date) of a case in one index seek, for sorting hits by date.
- ix_applications_titled (partial, title != ''): the cases with a title of their own
  (loaded from the API mirror), which TX/TI/AR searches scan; gazette-only cases have none.
- PostgreSQL only, ix_classifications_scheme_code_c: (scheme, code COLLATE "C"), so that
  code prefixes searched as ranges in code point order use an index whatever the
  database's default collation (search/criteria.py, `starts_with`). SQLite compares in
  code point order (BINARY) and uses ix_classifications_scheme_code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index('ix_publications_application_id_date',
                              ['application_id', 'date', 'filing_date'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_titled', ['id'], unique=False,
                              sqlite_where=sa.text("title != ''"),
                              postgresql_where=sa.text("title != ''"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute('CREATE INDEX ix_classifications_scheme_code_c '
                   'ON classifications (scheme, code COLLATE "C")')


def downgrade() -> None:
    op.execute('DROP INDEX IF EXISTS ix_classifications_scheme_code_c')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_titled')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('ix_publications_application_id_date')
