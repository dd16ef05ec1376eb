"""search at 1 M documents: the case of each indexed publication, and classification
codes with their case in one index

Revision ID: 0007
Revises: 0006

- search_owners (publication_id primary key, application_id): the case of each indexed
  publication, kept by the search indexer with the publication's index entries. Search
  finds the case of every matched text unit here: a narrow row under SQLite's rowid, where
  ix_publications_id_application_id (0006, dropped here) took an index seek per unit.
  Filled from publications.
- ix_classifications_scheme_code_application_id replaces ix_classifications_scheme_code:
  (scheme, code, application_id), so that a classification atom (an FI, IPC or F-term
  code or prefix) finds the cases of the matching codes in the index alone, instead of
  reading one wide classifications row per matching code (at 1 M documents, ten million
  rows that no longer stay cached). Every search the old index served, this one serves.
  PostgreSQL keeps ix_classifications_scheme_code_c (migration 0005) for prefix ranges.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'search_owners',
        sa.Column('publication_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_search_owners_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('publication_id', name=op.f('pk_search_owners')))
    op.execute("INSERT INTO search_owners (publication_id, application_id) "
               "SELECT id, application_id FROM publications")
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('ix_publications_id_application_id')
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.create_index('ix_classifications_scheme_code_application_id',
                              ['scheme', 'code', 'application_id'], unique=False)
        batch_op.drop_index('ix_classifications_scheme_code')
    if op.get_bind().dialect.name == "sqlite":
        # statistics for the new table and index, bounded as after an ingest run
        # (store/engine.py)
        op.execute("PRAGMA analysis_limit = 1000")
        op.execute("ANALYZE search_owners")
        op.execute("ANALYZE ix_classifications_scheme_code_application_id")


def downgrade() -> None:
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.create_index('ix_classifications_scheme_code', ['scheme', 'code'],
                              unique=False)
        batch_op.drop_index('ix_classifications_scheme_code_application_id')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index('ix_publications_id_application_id',
                              ['id', 'application_id'], unique=False)
    op.drop_table('search_owners')
