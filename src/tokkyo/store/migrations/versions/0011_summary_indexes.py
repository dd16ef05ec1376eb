"""result lists: each case's summary columns read from covering indexes

Revision ID: 0011
Revises: 0010

A result page (50 cases) and a CSV (up to 3000) read, per case, its publications, its
applicants and its FI codes. Each read went through an index on application_id to the
table row; on a store larger than the page cache every case cost a random read in the
index and another in the table, per table. Three indexes now hold what those reads ask
for, so the table rows are not read:

- ix_publications_application_id_summary (application_id, date, id, kind, number,
  filing_date, registration_number, title) replaces ix_publications_application_id;
- ix_parties_application_id_role (application_id, role, publication_id, position, name)
  replaces ix_parties_application_id;
- ix_classifications_application_id_scheme (application_id, scheme, position, code)
  replaces ix_classifications_application_id. The FI codes were read with every other
  code and kept in Python: with `scheme = 'fi'` in SQL, SQLite's planner walked every
  FI code of the store in the (scheme, code, application_id) index, statistics or not.
  The condition is now in SQL, and this index answers it in order.

On PostgreSQL the first two leave out the texts (title, name): it refuses an index row
over about 2.7 kB (a title of some 900 CJK characters), where SQLite takes any length.
There the texts still come from the table rows.

Each replaced index is a prefix of its replacement, which serves its lookups. CSV of
3000 rows at 130 k documents on SQLite, page cache dropped: 1762 → 593 ms (publications
363 → 33, applicants 396 → 175, codes 474 → 158; the new indexes freshly built, so
compact); read again at once 272 → 131 ms.
"""

from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: table → (new index, its columns, the texts it holds on SQLite only, the index replaced)
INDEXES = {
    "publications": ("ix_publications_application_id_summary",
                     ["application_id", "date", "id", "kind", "number", "filing_date",
                      "registration_number"], ["title"], "ix_publications_application_id"),
    "parties": ("ix_parties_application_id_role",
                ["application_id", "role", "publication_id", "position"], ["name"],
                "ix_parties_application_id"),
    "classifications": ("ix_classifications_application_id_scheme",
                        ["application_id", "scheme", "position", "code"], [],
                        "ix_classifications_application_id"),
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (name, columns, texts, replaced) in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns + texts if sqlite else columns, unique=False)
            batch_op.drop_index(replaced)


def downgrade() -> None:
    for table, (name, _, _, replaced) in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(replaced, ['application_id'], unique=False)
            batch_op.drop_index(name)
