"""search: classification codes with their case in one index

Revision ID: 0007
Revises: 0006

- ix_classifications_scheme_code_application_id replaces ix_classifications_scheme_code:
  (scheme, code, application_id), so that a classification atom (an FI, IPC or F-term
  code or prefix) finds the cases of the matching codes in the index alone, instead of
  reading one wide classifications row per matching code (at 1 M documents, ten million
  rows that no longer stay cached). Every search the old index served, this one serves.
  PostgreSQL keeps ix_classifications_scheme_code_c (migration 0005) for prefix ranges.
"""

from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.create_index('ix_classifications_scheme_code_application_id',
                              ['scheme', 'code', 'application_id'], unique=False)
        batch_op.drop_index('ix_classifications_scheme_code')
    if op.get_bind().dialect.name == "sqlite":
        # statistics for the new index, bounded as after an ingest run (store/engine.py)
        op.execute("PRAGMA analysis_limit = 1000")
        op.execute("ANALYZE ix_classifications_scheme_code_application_id")


def downgrade() -> None:
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.create_index('ix_classifications_scheme_code', ['scheme', 'code'],
                              unique=False)
        batch_op.drop_index('ix_classifications_scheme_code_application_id')
