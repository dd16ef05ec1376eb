"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('law', sa.Text(), nullable=False),
    sa.Column('application_number', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), server_default='', nullable=False),
    sa.Column('filing_date', sa.Date(), nullable=True),
    sa.Column('publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('ad_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('national_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('ad_national_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('publication_date', sa.Date(), nullable=True),
    sa.Column('registration_number', sa.Text(), server_default='', nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('international_application_number', sa.Text(), server_default='', nullable=False),
    sa.Column('international_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('international_publication_date', sa.Date(), nullable=True),
    sa.Column('international_registration_number', sa.Text(), server_default='', nullable=False),
    sa.Column('design_number', sa.Text(), server_default='', nullable=False),
    sa.Column('erasure_identifier', sa.Text(), server_default='', nullable=False),
    sa.Column('expire_date', sa.Date(), nullable=True),
    sa.Column('disappearance_date', sa.Date(), nullable=True),
    sa.Column('design_class', sa.Text(), server_default='', nullable=False),
    sa.Column('principal_design_application_number', sa.Text(), server_default='', nullable=False),
    sa.Column('fixed_address_url', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("ad_publication_number = '' OR (length(ad_publication_number) = 10 AND ltrim(ad_publication_number, '0123456789') = '')", name=op.f('ck_applications_ad_publication_number_form')),
    sa.CheckConstraint("law IN ('patent', 'utility', 'design', 'trademark')", name=op.f('ck_applications_law_known')),
    sa.CheckConstraint("length(application_number) = 10 AND ltrim(application_number, '0123456789') = ''", name=op.f('ck_applications_application_number_digits')),
    sa.CheckConstraint("publication_number = '' OR (length(publication_number) = 9 AND ltrim(publication_number, '0123456789') = '')", name=op.f('ck_applications_publication_number_form')),
    sa.CheckConstraint("registration_number = '' OR (length(registration_number) = 7 AND ltrim(registration_number, '0123456789') = '')", name=op.f('ck_applications_registration_number_form')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('law', 'application_number', name=op.f('uq_applications_law_application_number'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_ad_publication_number', ['ad_publication_number'], unique=False)
        batch_op.create_index('ix_applications_registration_number', ['registration_number'], unique=False)

    op.create_table('batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('label', sa.Text(), server_default='', nullable=False),
    sa.Column('worker', sa.Text(), server_default='', nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=True),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.Column('loaded', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('replaced', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("status IN ('new', 'started', 'done', 'failed')", name=op.f('ck_batches_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches'))
    )
    op.create_table('blobs',
    sa.Column('sha256', sa.Text(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("length(sha256) = 64 AND ltrim(sha256, '0123456789abcdef') = ''", name=op.f('ck_blobs_sha256_hex')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_blobs_size_not_negative')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('party_names',
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("length(code) = 9 AND ltrim(code, '0123456789') = ''", name=op.f('ck_party_names_code_digits')),
    sa.CheckConstraint("origin IN ('lookup', 'case', 'gazette')", name=op.f('ck_party_names_origin_known')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_party_names'))
    )
    with op.batch_alter_table('party_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_names_name'), ['name'], unique=False)

    op.create_table('dossier_groups',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number_type', sa.Text(), nullable=False),
    sa.Column('number', sa.Text(), nullable=False),
    sa.CheckConstraint("length(number_type) = 2 AND ltrim(number_type, '0123456789') = ''", name=op.f('ck_dossier_groups_number_type_digits')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_dossier_groups_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_groups')),
    sa.UniqueConstraint('application_id', 'position', name=op.f('uq_dossier_groups_application_id_position'))
    )
    with op.batch_alter_table('dossier_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_groups_application_id'), ['application_id'], unique=False)

    op.create_table('family_divisionals',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('application_number', sa.Text(), nullable=False),
    sa.Column('publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('ad_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('national_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('ad_national_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('registration_number', sa.Text(), server_default='', nullable=False),
    sa.Column('international_application_number', sa.Text(), server_default='', nullable=False),
    sa.Column('international_publication_number', sa.Text(), server_default='', nullable=False),
    sa.Column('erasure_identifier', sa.Text(), server_default='', nullable=False),
    sa.Column('expire_date', sa.Date(), nullable=True),
    sa.Column('disappearance_date', sa.Date(), nullable=True),
    sa.Column('generation', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_family_divisionals_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_divisionals'))
    )
    with op.batch_alter_table('family_divisionals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_divisionals_application_id'), ['application_id'], unique=False)

    op.create_table('goods_services',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('nice_class', sa.Text(), nullable=False),
    sa.Column('names', sa.Text(), nullable=False),
    sa.Column('similar_codes', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_goods_services_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_services')),
    sa.UniqueConstraint('application_id', 'position', name=op.f('uq_goods_services_application_id_position'))
    )
    with op.batch_alter_table('goods_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_services_application_id'), ['application_id'], unique=False)

    op.create_table('legal_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('st27_code', sa.Text(), nullable=False),
    sa.Column('national_code', sa.Text(), server_default='', nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('document_number', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint('length(st27_code) = 3', name=op.f('ck_legal_events_st27_code_length')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_legal_events_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_events'))
    )
    with op.batch_alter_table('legal_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_events_application_id'), ['application_id'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.Text(), server_default='', nullable=False),
    sa.Column('format', sa.Text(), server_default='', nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('blob_sha256', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_quarantine_batch_id_batches')),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_quarantine_blob_sha256_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_batch_id'), ['batch_id'], unique=False)

    op.create_table('registrations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('registration_number', sa.Text(), nullable=False),
    sa.Column('filing_date', sa.Date(), nullable=True),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('appeal_decision_date', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), server_default='', nullable=False),
    sa.Column('number_of_claims', sa.Integer(), nullable=True),
    sa.Column('expire_date', sa.Date(), nullable=True),
    sa.Column('next_annuity_date', sa.Date(), nullable=True),
    sa.Column('last_paid_year', sa.Integer(), nullable=True),
    sa.Column('erasure_identifier', sa.Text(), server_default='', nullable=False),
    sa.Column('disappearance_date', sa.Date(), nullable=True),
    sa.Column('update_date', sa.Date(), nullable=True),
    sa.CheckConstraint("length(registration_number) = 7 AND ltrim(registration_number, '0123456789') = ''", name=op.f('ck_registrations_registration_number_digits')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_registrations_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('application_id', name=op.f('uq_registrations_application_id'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_application_id'), ['application_id'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('format', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), server_default='', nullable=False),
    sa.Column('blob_sha256', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.Text(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('ingested_at', UTCDateTime(), nullable=False),
    sa.Column('superseded_at', UTCDateTime(), nullable=True),
    sa.Column('problems', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("length(fingerprint) = 64 AND ltrim(fingerprint, '0123456789abcdef') = ''", name=op.f('ck_sources_fingerprint_hex')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_sources_version_positive')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_sources_batch_id_batches')),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_sources_blob_sha256_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_sources_key_version'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sources_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sources_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index('ix_sources_current_key', ['key'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.create_table('trademark_texts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('display', 'reading')", name=op.f('ck_trademark_texts_kind_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_trademark_texts_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trademark_texts')),
    sa.UniqueConstraint('application_id', 'kind', 'position', name=op.f('uq_trademark_texts_application_id_kind_position'))
    )
    with op.batch_alter_table('trademark_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trademark_texts_application_id'), ['application_id'], unique=False)

    op.create_table('case_sections',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("section IN ('progress', 'priorities', 'family', 'registration', 'citations', 'fixed_address', 'numbers', 'trademark')", name=op.f('ck_case_sections_section_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_case_sections_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_case_sections_source_id_sources')),
    sa.PrimaryKeyConstraint('application_id', 'section', name=op.f('pk_case_sections'))
    )
    with op.batch_alter_table('case_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_sections_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_sections_source_id'), ['source_id'], unique=False)

    op.create_table('document_bodies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('document_code', sa.Text(), nullable=False),
    sa.Column('document_number', sa.Text(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('blob_sha256', sa.Text(), nullable=False),
    sa.Column('media_type', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("length(blob_sha256) = 64 AND ltrim(blob_sha256, '0123456789abcdef') = ''", name=op.f('ck_document_bodies_blob_sha256_hex')),
    sa.CheckConstraint('length(document_number) = 11', name=op.f('ck_document_bodies_document_number_length')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_document_bodies_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], name=op.f('fk_document_bodies_blob_sha256_blobs')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_document_bodies_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_bodies')),
    sa.UniqueConstraint('application_id', 'document_number', 'file_name', name=op.f('uq_document_bodies_application_id_document_number_file_name'))
    )
    with op.batch_alter_table('document_bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_bodies_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_bodies_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_bodies_source_id'), ['source_id'], unique=False)

    op.create_table('dossier_documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('legal_date', sa.Date(), nullable=True),
    sa.Column('irir_flag', sa.Text(), nullable=False),
    sa.Column('availability_flag', sa.Text(), nullable=False),
    sa.Column('document_code', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('document_number', sa.Text(), nullable=False),
    sa.Column('version_number', sa.Text(), nullable=False),
    sa.Column('separator', sa.Text(), nullable=False),
    sa.Column('number_of_pages', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('length(document_number) = 11', name=op.f('ck_dossier_documents_document_number_length')),
    sa.CheckConstraint('number_of_pages >= 0 AND size >= 0', name=op.f('ck_dossier_documents_counts_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_dossier_documents_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['dossier_groups.id'], name=op.f('fk_dossier_documents_group_id_dossier_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_documents')),
    sa.UniqueConstraint('group_id', 'position', name=op.f('uq_dossier_documents_group_id_position'))
    )
    with op.batch_alter_table('dossier_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_documents_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_documents_document_number'), ['document_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_documents_group_id'), ['group_id'], unique=False)

    op.create_table('publications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('st16_kind', sa.Text(), nullable=False),
    sa.Column('law', sa.Text(), nullable=False),
    sa.Column('number', sa.Text(), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('filing_date', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), server_default='', nullable=False),
    sa.Column('abstract', sa.Text(), server_default='', nullable=False),
    sa.Column('language', sa.Text(), nullable=False),
    sa.Column('registration_number', sa.Text(), server_default='', nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('number_of_claims', sa.Integer(), nullable=True),
    sa.Column('examination_requested', sa.Boolean(), nullable=True),
    sa.Column('filing_form', sa.Text(), server_default='', nullable=False),
    sa.Column('total_pages', sa.Integer(), nullable=True),
    sa.Column('representative_figure', sa.Text(), server_default='', nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('A', 'T', 'B', 'U', 'Y', 'S')", name=op.f('ck_publications_kind_known')),
    sa.CheckConstraint("length(number) IN (7, 10) AND ltrim(number, '0123456789') = ''", name=op.f('ck_publications_number_digits')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_publications_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_publications_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('country', 'kind', 'number', name=op.f('uq_publications_country_kind_number'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_source_id'), ['source_id'], unique=False)

    op.create_table('amendments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('document_code', sa.Text(), server_default='', nullable=False),
    sa.Column('item', sa.Text(), server_default='', nullable=False),
    sa.Column('way', sa.Text(), server_default='', nullable=False),
    sa.Column('target', sa.Text(), server_default='', nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_amendments_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendments')),
    sa.UniqueConstraint('publication_id', 'position', name=op.f('uq_amendments_publication_id_position'))
    )
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendments_publication_id'), ['publication_id'], unique=False)

    op.create_table('citations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('draft_date', sa.Date(), nullable=True),
    sa.Column('citation_type', sa.Text(), server_default='', nullable=False),
    sa.Column('citation_order', sa.Integer(), nullable=True),
    sa.Column('document_number', sa.Text(), server_default='', nullable=False),
    sa.Column('document_type', sa.Text(), server_default='', nullable=False),
    sa.Column('author', sa.Text(), server_default='', nullable=False),
    sa.Column('title', sa.Text(), server_default='', nullable=False),
    sa.Column('publication_name', sa.Text(), server_default='', nullable=False),
    sa.Column('country', sa.Text(), server_default='', nullable=False),
    sa.Column('publisher', sa.Text(), server_default='', nullable=False),
    sa.Column('issue_date', sa.Text(), server_default='', nullable=False),
    sa.Column('issue_date_type', sa.Text(), server_default='', nullable=False),
    sa.Column('issue_number', sa.Text(), server_default='', nullable=False),
    sa.Column('pages', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("kind IN ('patent', 'non-patent')", name=op.f('ck_citations_kind_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_citations_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_citations_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citations'))
    )
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citations_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citations_publication_id'), ['publication_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_claims_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('publication_id', 'position', name=op.f('uq_claims_publication_id_position'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_publication_id'), ['publication_id'], unique=False)

    op.create_table('classifications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('scheme', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), server_default='', nullable=False),
    sa.Column('main', sa.Boolean(), nullable=False),
    sa.Column('facet', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("scheme IN ('ipc', 'fi', 'f-term', 'theme', 'cpc', 'locarno', 'jp-design', 'd-term', 'nice', 'similar-group', 'vienna')", name=op.f('ck_classifications_scheme_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_classifications_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_classifications_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classifications'))
    )
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classifications_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_classifications_publication_id'), ['publication_id'], unique=False)
        batch_op.create_index('ix_classifications_scheme_code', ['scheme', 'code'], unique=False)

    op.create_table('drawings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Text(), server_default='', nullable=False),
    sa.Column('file', sa.Text(), server_default='', nullable=False),
    sa.Column('image_format', sa.Text(), server_default='', nullable=False),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_drawings_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drawings')),
    sa.UniqueConstraint('publication_id', 'position', name=op.f('uq_drawings_publication_id_position'))
    )
    with op.batch_alter_table('drawings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drawings_publication_id'), ['publication_id'], unique=False)

    op.create_table('family_parents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('parent_application_number', sa.Text(), nullable=False),
    sa.Column('filing_date', sa.Date(), nullable=True),
    sa.Column('category', sa.Text(), server_default='', nullable=False),
    sa.Column('law_code', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_family_parents_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_family_parents_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_parents'))
    )
    with op.batch_alter_table('family_parents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_parents_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_parents_publication_id'), ['publication_id'], unique=False)

    op.create_table('paragraphs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Text(), server_default='', nullable=False),
    sa.Column('section', sa.Text(), server_default='', nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_paragraphs_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paragraphs')),
    sa.UniqueConstraint('publication_id', 'position', name=op.f('uq_paragraphs_publication_id_position'))
    )
    with op.batch_alter_table('paragraphs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paragraphs_publication_id'), ['publication_id'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('code', sa.Text(), server_default='', nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), server_default='', nullable=False),
    sa.Column('agent_kind', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("code = '' OR (length(code) = 9 AND ltrim(code, '0123456789') = '')", name=op.f('ck_parties_code_form')),
    sa.CheckConstraint("role IN ('applicant', 'inventor', 'attorney', 'right-holder')", name=op.f('ck_parties_role_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_parties_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_parties_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties'))
    )
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parties_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_parties_code', ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_parties_publication_id'), ['publication_id'], unique=False)

    op.create_table('priorities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('paris_application_number', sa.Text(), server_default='', nullable=False),
    sa.Column('paris_date', sa.Date(), nullable=True),
    sa.Column('paris_country', sa.Text(), server_default='', nullable=False),
    sa.Column('national_law_code', sa.Text(), server_default='', nullable=False),
    sa.Column('national_application_number', sa.Text(), server_default='', nullable=False),
    sa.Column('national_international_application_number', sa.Text(), server_default='', nullable=False),
    sa.Column('national_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_priorities_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_priorities_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priorities'))
    )
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priorities_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_priorities_publication_id'), ['publication_id'], unique=False)


    _create_search_index()


def _create_search_index() -> None:
    """The bigram index of text units (search/units.py): FTS5 on SQLite, tsvector on
    PostgreSQL; both keyed by the unit key."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
                   "grams, content='', columnsize=0, tokenize='ascii')")
    elif dialect == "postgresql":
        op.execute("CREATE TABLE search_grams ("
                   " unit_key BIGINT PRIMARY KEY,"
                   " publication_id INTEGER NOT NULL"
                   " CONSTRAINT fk_search_grams_publication_id_publications"
                   " REFERENCES publications(id) ON DELETE CASCADE,"
                   " grams tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_search_grams_publication_id ON search_grams (publication_id)")
        op.execute("CREATE INDEX ix_search_grams_grams ON search_grams USING gin (grams)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP TABLE IF EXISTS search_grams")
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priorities_publication_id'))
        batch_op.drop_index(batch_op.f('ix_priorities_application_id'))

    op.drop_table('priorities')
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parties_publication_id'))
        batch_op.drop_index('ix_parties_code')
        batch_op.drop_index(batch_op.f('ix_parties_application_id'))

    op.drop_table('parties')
    with op.batch_alter_table('paragraphs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paragraphs_publication_id'))

    op.drop_table('paragraphs')
    with op.batch_alter_table('family_parents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_parents_publication_id'))
        batch_op.drop_index(batch_op.f('ix_family_parents_application_id'))

    op.drop_table('family_parents')
    with op.batch_alter_table('drawings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drawings_publication_id'))

    op.drop_table('drawings')
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.drop_index('ix_classifications_scheme_code')
        batch_op.drop_index(batch_op.f('ix_classifications_publication_id'))
        batch_op.drop_index(batch_op.f('ix_classifications_application_id'))

    op.drop_table('classifications')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_publication_id'))

    op.drop_table('claims')
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citations_publication_id'))
        batch_op.drop_index(batch_op.f('ix_citations_application_id'))

    op.drop_table('citations')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendments_publication_id'))

    op.drop_table('amendments')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_source_id'))
        batch_op.drop_index(batch_op.f('ix_publications_application_id'))

    op.drop_table('publications')
    with op.batch_alter_table('dossier_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_documents_group_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_documents_document_number'))
        batch_op.drop_index(batch_op.f('ix_dossier_documents_application_id'))

    op.drop_table('dossier_documents')
    with op.batch_alter_table('document_bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_bodies_source_id'))
        batch_op.drop_index(batch_op.f('ix_document_bodies_blob_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_bodies_application_id'))

    op.drop_table('document_bodies')
    with op.batch_alter_table('case_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_sections_source_id'))
        batch_op.drop_index(batch_op.f('ix_case_sections_application_id'))

    op.drop_table('case_sections')
    with op.batch_alter_table('trademark_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trademark_texts_application_id'))

    op.drop_table('trademark_texts')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index('ix_sources_current_key', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_sources_blob_sha256'))
        batch_op.drop_index(batch_op.f('ix_sources_batch_id'))

    op.drop_table('sources')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_application_id'))

    op.drop_table('registrations')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_batch_id'))

    op.drop_table('quarantine')
    with op.batch_alter_table('legal_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_events_application_id'))

    op.drop_table('legal_events')
    with op.batch_alter_table('goods_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_services_application_id'))

    op.drop_table('goods_services')
    with op.batch_alter_table('family_divisionals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_divisionals_application_id'))

    op.drop_table('family_divisionals')
    with op.batch_alter_table('dossier_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_groups_application_id'))

    op.drop_table('dossier_groups')
    with op.batch_alter_table('party_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_names_name'))

    op.drop_table('party_names')
    op.drop_table('blobs')
    op.drop_table('batches')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_registration_number')
        batch_op.drop_index('ix_applications_ad_publication_number')

    op.drop_table('applications')
