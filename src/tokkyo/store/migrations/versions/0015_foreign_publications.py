"""foreign: publications and cases of every office, not only the JPO's

Revision ID: 0015
Revises: 0014

Issue 15 (foreign formats): EP, US, CN, WO ... documents are stored as JP ones are, in
the same tables, searched by the same engine.

- applications.country (ST.3, 'JP' for every case stored so far); a case is unique by
  (country, law, application_number); only JP numbers must be 10 digits.
- publications: the kind and digit checks hold for JP only ('TM' joins the JP kinds:
  trademark registration gazettes, whose defensive registrations carry a suffix);
  family_id (DOCDB simple family, indexed where given), repaired (read from a file that
  tolerant recovery changed), trademark (a mark's particulars as JSON).
- claims.language: claims in several languages (EP grants: de, en, fr).
- classifications: the scheme 'national' (another office's own scheme, USPC ...).
- publication_texts: titles and abstracts in other languages; publication_files: files
  that arrive with a publication (a trademark gazette's mark image); publication_events:
  legal events other offices report for a publication (INPADOC, from EPO OPS).

On SQLite a changed UNIQUE or CHECK constraint needs the table rebuilt (SQLite's
documented procedure: create the new table, copy, drop, rename, recreate the indexes);
`store.migrate.upgrade` runs SQLite migrations with foreign-key enforcement off, as that
procedure requires (dropping the old table would otherwise cascade to every child row),
and checks the foreign keys before it commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_JP_KINDS = "('A', 'T', 'B', 'U', 'Y', 'S', 'TM')"
_SCHEMES = ("('ipc', 'fi', 'f-term', 'theme', 'cpc', 'locarno', 'jp-design', 'd-term', "
            "'nice', 'similar-group', 'vienna', 'national')")
_OLD_SCHEMES = ("('ipc', 'fi', 'f-term', 'theme', 'cpc', 'locarno', 'jp-design', 'd-term', "
                "'nice', 'similar-group', 'vienna')")
_APP_DIGITS = ("country <> 'JP' OR (length(application_number) = 10 AND "
               "ltrim(application_number, '0123456789') = '')")
_PUB_DIGITS = ("country <> 'JP' OR kind = 'TM' OR (length(number) IN (7, 10) AND "
               "ltrim(number, '0123456789') = '')")

_APPLICATIONS = f"""CREATE TABLE applications__new (
    id INTEGER NOT NULL,
    country TEXT DEFAULT 'JP' NOT NULL,
    law TEXT NOT NULL,
    application_number TEXT NOT NULL,
    title TEXT DEFAULT '' NOT NULL,
    filing_date DATE,
    publication_number TEXT DEFAULT '' NOT NULL,
    ad_publication_number TEXT DEFAULT '' NOT NULL,
    national_publication_number TEXT DEFAULT '' NOT NULL,
    ad_national_publication_number TEXT DEFAULT '' NOT NULL,
    publication_date DATE,
    registration_number TEXT DEFAULT '' NOT NULL,
    registration_date DATE,
    international_application_number TEXT DEFAULT '' NOT NULL,
    international_publication_number TEXT DEFAULT '' NOT NULL,
    international_publication_date DATE,
    international_registration_number TEXT DEFAULT '' NOT NULL,
    design_number TEXT DEFAULT '' NOT NULL,
    erasure_identifier TEXT DEFAULT '' NOT NULL,
    expire_date DATE,
    disappearance_date DATE,
    design_class TEXT DEFAULT '' NOT NULL,
    principal_design_application_number TEXT DEFAULT '' NOT NULL,
    fixed_address_url TEXT DEFAULT '' NOT NULL,
    updated_at DATETIME NOT NULL,
    CONSTRAINT pk_applications PRIMARY KEY (id),
    CONSTRAINT uq_applications_country_law_application_number
        UNIQUE (country, law, application_number),
    CONSTRAINT ck_applications_law_known
        CHECK (law IN ('patent', 'utility', 'design', 'trademark')),
    CONSTRAINT ck_applications_application_number_digits CHECK ({_APP_DIGITS}),
    CONSTRAINT ck_applications_application_number_given CHECK (length(application_number) > 0),
    CONSTRAINT ck_applications_publication_number_form CHECK (publication_number = '' OR
        (length(publication_number) = 9 AND ltrim(publication_number, '0123456789') = '')),
    CONSTRAINT ck_applications_ad_publication_number_form CHECK (ad_publication_number = ''
        OR (length(ad_publication_number) = 10
            AND ltrim(ad_publication_number, '0123456789') = '')),
    CONSTRAINT ck_applications_registration_number_form CHECK (registration_number = '' OR
        (length(registration_number) = 7 AND ltrim(registration_number, '0123456789') = ''))
)"""

_PUBLICATIONS = f"""CREATE TABLE publications__new (
    id INTEGER NOT NULL,
    application_id INTEGER NOT NULL,
    country TEXT NOT NULL,
    kind TEXT NOT NULL,
    st16_kind TEXT NOT NULL,
    law TEXT NOT NULL,
    number TEXT NOT NULL,
    date DATE,
    filing_date DATE,
    title TEXT DEFAULT '' NOT NULL,
    abstract TEXT DEFAULT '' NOT NULL,
    language TEXT NOT NULL,
    registration_number TEXT DEFAULT '' NOT NULL,
    registration_date DATE,
    number_of_claims INTEGER,
    examination_requested BOOLEAN,
    filing_form TEXT DEFAULT '' NOT NULL,
    total_pages INTEGER,
    representative_figure TEXT DEFAULT '' NOT NULL,
    source_id INTEGER NOT NULL,
    family_id TEXT DEFAULT '' NOT NULL,
    repaired BOOLEAN DEFAULT 0 NOT NULL,
    trademark TEXT,
    CONSTRAINT pk_publications PRIMARY KEY (id),
    CONSTRAINT uq_publications_country_kind_number UNIQUE (country, kind, number),
    CONSTRAINT ck_publications_kind_known CHECK (country <> 'JP' OR kind IN {_JP_KINDS}),
    CONSTRAINT ck_publications_identity_given CHECK (length(kind) > 0 AND length(number) > 0),
    CONSTRAINT ck_publications_number_digits CHECK ({_PUB_DIGITS}),
    CONSTRAINT fk_publications_application_id_applications FOREIGN KEY(application_id)
        REFERENCES applications (id) ON DELETE CASCADE,
    CONSTRAINT fk_publications_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)"""

_CLASSIFICATIONS = f"""CREATE TABLE classifications__new (
    id INTEGER NOT NULL,
    application_id INTEGER NOT NULL,
    publication_id INTEGER,
    scheme TEXT NOT NULL,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    raw TEXT DEFAULT '' NOT NULL,
    main BOOLEAN NOT NULL,
    facet TEXT DEFAULT '' NOT NULL,
    CONSTRAINT pk_classifications PRIMARY KEY (id),
    CONSTRAINT ck_classifications_scheme_known CHECK (scheme IN {_SCHEMES}),
    CONSTRAINT fk_classifications_application_id_applications FOREIGN KEY(application_id)
        REFERENCES applications (id) ON DELETE CASCADE,
    CONSTRAINT fk_classifications_publication_id_publications FOREIGN KEY(publication_id)
        REFERENCES publications (id) ON DELETE CASCADE
)"""


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _rebuild(conn, "applications", _APPLICATIONS)
        _rebuild(conn, "publications", _PUBLICATIONS)
        _rebuild(conn, "classifications", _CLASSIFICATIONS)
    else:
        _postgresql()
    op.create_index('ix_publications_family_id', 'publications', ['family_id'],
                    unique=False, sqlite_where=sa.text("family_id != ''"),
                    postgresql_where=sa.text("family_id != ''"))
    op.add_column('claims', sa.Column('language', sa.Text(), server_default='',
                                      nullable=False))
    op.create_table(
        'publication_texts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('part', sa.Text(), nullable=False),
        sa.Column('language', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.CheckConstraint("part IN ('title', 'abstract')",
                           name=op.f('ck_publication_texts_part_known')),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_publication_texts_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_texts')),
        sa.UniqueConstraint('publication_id', 'position',
                            name=op.f('uq_publication_texts_publication_id_position')))
    op.create_index(op.f('ix_publication_texts_publication_id'), 'publication_texts',
                    ['publication_id'], unique=False)
    op.create_table(
        'publication_files',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('blob_sha256', sa.Text(), nullable=True),
        sa.Column('media_type', sa.Text(), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'],
                                name=op.f('fk_publication_files_blob_sha256_blobs')),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_publication_files_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_files')),
        sa.UniqueConstraint('publication_id', 'position',
                            name=op.f('uq_publication_files_publication_id_position')))
    op.create_index(op.f('ix_publication_files_publication_id'), 'publication_files',
                    ['publication_id'], unique=False)
    op.create_table(
        'publication_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=True),
        sa.Column('code', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), server_default='', nullable=False),
        sa.Column('category', sa.Text(), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_publication_events_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_events')),
        sa.UniqueConstraint('publication_id', 'position',
                            name=op.f('uq_publication_events_publication_id_position')))
    op.create_index(op.f('ix_publication_events_publication_id'), 'publication_events',
                    ['publication_id'], unique=False)


def _rebuild(conn: sa.Connection, table: str, create: str) -> None:
    """SQLite's table rebuild: the new table under a temporary name, the rows copied with
    their ids (SQLite's rowids, which the search index refers to; columns the new table
    adds take their defaults), the old table dropped, the new one renamed, and the old
    table's indexes created again from their SQL."""
    indexes = [row.sql for row in conn.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
        "AND sql IS NOT NULL"), {"t": table})]
    conn.exec_driver_sql(create)
    source = {row.name for row in conn.execute(sa.text(f"PRAGMA table_info({table})"))}
    target = [row.name for row in conn.execute(sa.text(f"PRAGMA table_info({table}__new)"))]
    common = ", ".join(name for name in target if name in source)
    conn.exec_driver_sql(f"INSERT INTO {table}__new ({common}) SELECT {common} FROM {table}")
    conn.exec_driver_sql(f"DROP TABLE {table}")
    conn.exec_driver_sql(f"ALTER TABLE {table}__new RENAME TO {table}")
    for sql in indexes:
        conn.exec_driver_sql(sql)


def _postgresql() -> None:
    op.add_column('applications', sa.Column('country', sa.Text(), server_default='JP',
                                            nullable=False))
    op.drop_constraint(op.f('uq_applications_law_application_number'), 'applications',
                       type_='unique')
    op.create_unique_constraint(op.f('uq_applications_country_law_application_number'),
                                'applications', ['country', 'law', 'application_number'])
    op.drop_constraint(op.f('ck_applications_application_number_digits'), 'applications',
                       type_='check')
    op.create_check_constraint(op.f('ck_applications_application_number_digits'), 'applications',
                               sa.text(_APP_DIGITS))
    op.create_check_constraint(op.f('ck_applications_application_number_given'), 'applications',
                               sa.text("length(application_number) > 0"))
    op.add_column('publications', sa.Column('family_id', sa.Text(), server_default='',
                                            nullable=False))
    op.add_column('publications', sa.Column('repaired', sa.Boolean(),
                                            server_default=sa.false(), nullable=False))
    op.add_column('publications', sa.Column('trademark', sa.Text(), nullable=True))
    op.drop_constraint(op.f('ck_publications_kind_known'), 'publications', type_='check')
    op.create_check_constraint(op.f('ck_publications_kind_known'), 'publications',
                               sa.text(f"country <> 'JP' OR kind IN {_JP_KINDS}"))
    op.drop_constraint(op.f('ck_publications_number_digits'), 'publications', type_='check')
    op.create_check_constraint(op.f('ck_publications_number_digits'), 'publications',
                               sa.text(_PUB_DIGITS))
    op.create_check_constraint(op.f('ck_publications_identity_given'), 'publications',
                               sa.text("length(kind) > 0 AND length(number) > 0"))
    op.drop_constraint(op.f('ck_classifications_scheme_known'), 'classifications', type_='check')
    op.create_check_constraint(op.f('ck_classifications_scheme_known'), 'classifications',
                               sa.text(f"scheme IN {_SCHEMES}"))


def downgrade() -> None:
    conn = op.get_bind()
    foreign = conn.execute(sa.text(
        "SELECT count(*) FROM applications WHERE country <> 'JP'")).scalar_one()
    marks = conn.execute(sa.text(
        "SELECT count(*) FROM publications WHERE kind = 'TM'")).scalar_one()
    if foreign or marks:
        raise RuntimeError(
            f"cannot go below 0015: the store holds {foreign} foreign cases and {marks} "
            "trademark gazettes, which older versions cannot hold; delete them first or "
            "restore a backup taken before 0015")
    op.drop_index(op.f('ix_publication_events_publication_id'),
                  table_name='publication_events')
    op.drop_table('publication_events')
    op.drop_index(op.f('ix_publication_files_publication_id'), table_name='publication_files')
    op.drop_table('publication_files')
    op.drop_index(op.f('ix_publication_texts_publication_id'), table_name='publication_texts')
    op.drop_table('publication_texts')
    op.drop_index('ix_publications_family_id', table_name='publications')
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("ALTER TABLE claims DROP COLUMN language")
        _rebuild(conn, "applications", _old_applications())
        _rebuild(conn, "publications", _old_publications())
        _rebuild(conn, "classifications", _CLASSIFICATIONS.replace(_SCHEMES, _OLD_SCHEMES))
        return
    op.drop_column('claims', 'language')
    op.drop_constraint(op.f('ck_classifications_scheme_known'), 'classifications',
                       type_='check')
    op.create_check_constraint(op.f('ck_classifications_scheme_known'), 'classifications',
                               sa.text(f"scheme IN {_OLD_SCHEMES}"))
    for name in ('identity_given', 'number_digits', 'kind_known'):
        op.drop_constraint(op.f(f'ck_publications_{name}'), 'publications', type_='check')
    op.create_check_constraint(op.f('ck_publications_kind_known'), 'publications',
                               sa.text("kind IN ('A', 'T', 'B', 'U', 'Y', 'S')"))
    op.create_check_constraint(op.f('ck_publications_number_digits'), 'publications',
                               sa.text(_OLD_PUB_DIGITS))
    for column in ('trademark', 'repaired', 'family_id'):
        op.drop_column('publications', column)
    for name in ('application_number_given', 'application_number_digits'):
        op.drop_constraint(op.f(f'ck_applications_{name}'), 'applications', type_='check')
    op.create_check_constraint(op.f('ck_applications_application_number_digits'),
                               'applications', sa.text(_OLD_APP_DIGITS))
    op.drop_constraint(op.f('uq_applications_country_law_application_number'),
                       'applications', type_='unique')
    op.create_unique_constraint(op.f('uq_applications_law_application_number'),
                                'applications', ['law', 'application_number'])
    op.drop_column('applications', 'country')


_OLD_APP_DIGITS = ("length(application_number) = 10 AND "
                   "ltrim(application_number, '0123456789') = ''")
_OLD_PUB_DIGITS = "length(number) IN (7, 10) AND ltrim(number, '0123456789') = ''"


def _old_applications() -> str:
    return (_APPLICATIONS
            .replace("    country TEXT DEFAULT 'JP' NOT NULL,\n", "")
            .replace("uq_applications_country_law_application_number\n        UNIQUE "
                     "(country, law, application_number)",
                     "uq_applications_law_application_number UNIQUE (law, application_number)")
            .replace(_APP_DIGITS, _OLD_APP_DIGITS)
            .replace("    CONSTRAINT ck_applications_application_number_given CHECK "
                     "(length(application_number) > 0),\n", ""))


def _old_publications() -> str:
    return (_PUBLICATIONS
            .replace("    family_id TEXT DEFAULT '' NOT NULL,\n", "")
            .replace("    repaired BOOLEAN DEFAULT 0 NOT NULL,\n", "")
            .replace("    trademark TEXT,\n", "")
            .replace(f"country <> 'JP' OR kind IN {_JP_KINDS}", "kind IN ('A', 'T', 'B', 'U', 'Y', 'S')")
            .replace(_PUB_DIGITS, _OLD_PUB_DIGITS)
            .replace("    CONSTRAINT ck_publications_identity_given CHECK (length(kind) > 0 AND "
                     "length(number) > 0),\n", ""))
