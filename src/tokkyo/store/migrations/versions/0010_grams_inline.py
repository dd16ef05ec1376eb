"""search: PostgreSQL keeps each text unit's tsvector in its row, not in TOAST

Revision ID: 0010
Revises: 0009

A phrase query (a term of three or more characters) is answered by GIN with a recheck of
the positions in every candidate's tsvector. Most units' tsvectors are over 2 kB and
barely compress (random bigram tokens), so PostgreSQL stored them out of line in the
TOAST table, and each recheck fetched them from there. `toast_tuple_target = 8160` with
`STORAGE MAIN` keeps every one that fits a page in its row. At 100 k documents, the
same rows in both layouts, lookups alternated: phrases ウェーハ 43.9 → 34.0 ms and
リサイクル 18.0 → 12.8 ms; a 2-character term, which needs no recheck and only reads the
(now larger) heap for visibility, 電池 14.6 → 16.9 ms, 加工 7.0 → 7.8 ms. Heap and TOAST
together are about the same size (999 + 517 MB before, 1605 MB after).

Rows written from now on are stored so. Rows already there keep their storage until the
table is rewritten: `VACUUM FULL search_grams` (it locks the table while it runs; on a
large store, run it in a quiet hour). Nothing on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_grams SET (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE search_grams ALTER COLUMN grams SET STORAGE MAIN")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_grams RESET (toast_tuple_target)")
    op.execute("ALTER TABLE search_grams ALTER COLUMN grams SET STORAGE EXTENDED")
