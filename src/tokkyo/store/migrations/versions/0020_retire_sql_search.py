"""search: the store's own n-gram index is retired

Revision ID: 0020
Revises: 0019

Issue 18, item 4. Search runs on search engines (tantivy embedded, a SphinxQL cluster)
fed from the store through the outbox (migration 0017); the store's own n-gram index,
which ingest kept writing for the SQL engine, is gone with that engine:

- search_fts (SQLite: the contentless FTS5 table of text-unit bigrams, and with it its
  shadow tables search_fts_data, _idx, _docsize, _config);
- search_grams (PostgreSQL: the tsvector table of text-unit bigrams and its GIN index);
- search_owners (the case of each indexed publication, which only that index read).

What search reads stays in SQL: the stored facts the case documents are built from
(search/documents.py), including the case summaries the status filter reads.

Downgrade recreates the three tables EMPTY (search_owners filled from the publications,
as 0007 did): the SQL index is gone for good, and nothing rebuilds it. A tokkyo of
revision 0019 runs on the downgraded store with tantivy or sphinx (its default was
tantivy), which the outbox and `tokkyo search reindex` fill from the store; its
`TOKKYO_SEARCH_ENGINE=sql` would search the empty index and find only what is ingested
after the downgrade. The downgrade does not refuse, so that a store can still be taken
back through the earlier migrations (the upgrade tests do).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")      # drops its shadow tables too
    elif dialect == "postgresql":
        op.execute("DROP TABLE IF EXISTS search_grams")
    op.drop_table('search_owners')


def downgrade() -> None:
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
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
                   "grams, content='', columnsize=0, tokenize='ascii')")
    elif dialect == "postgresql":
        # as 0001 created it and 0010 stored it (tsvectors kept in their rows)
        op.execute("CREATE TABLE search_grams ("
                   " unit_key BIGINT PRIMARY KEY,"
                   " publication_id INTEGER NOT NULL"
                   " CONSTRAINT fk_search_grams_publication_id_publications"
                   " REFERENCES publications(id) ON DELETE CASCADE,"
                   " grams tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_search_grams_publication_id ON search_grams (publication_id)")
        op.execute("CREATE INDEX ix_search_grams_grams ON search_grams USING gin (grams)")
        op.execute("ALTER TABLE search_grams SET (toast_tuple_target = 8160)")
        op.execute("ALTER TABLE search_grams ALTER COLUMN grams SET STORAGE MAIN")
