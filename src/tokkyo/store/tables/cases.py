"""Tables of a case (an application under one law) as the JPO Retrieval API describes it."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import application_fk, id_column, metadata, publication_fk, text
from tokkyo.store.types import UTCDateTime, digits, digits_or_empty, now_utc, one_of

LAWS = ("patent", "utility", "design", "trademark")
SECTIONS = ("progress", "priorities", "family", "registration", "citations", "fixed_address",
            "numbers", "trademark")

applications = sa.Table(
    "applications", metadata,
    id_column(),
    # The office whose case this is (ST.3): JP cases come from the JPO's gazettes and API;
    # others are the cases of foreign publications (migration 0015).
    sa.Column("country", sa.Text, nullable=False, server_default="JP"),
    sa.Column("law", sa.Text, nullable=False),
    # JP: the 10-digit key; others: the bare number as the source gives it, or
    # `P{publication number}` when the source gives none
    sa.Column("application_number", sa.Text, nullable=False),
    text("title"),
    sa.Column("filing_date", sa.Date, nullable=True),
    text("publication_number"),
    text("ad_publication_number"),
    text("national_publication_number"),
    text("ad_national_publication_number"),
    sa.Column("publication_date", sa.Date, nullable=True),
    text("registration_number"),
    sa.Column("registration_date", sa.Date, nullable=True),
    text("international_application_number"),
    text("international_publication_number"),
    sa.Column("international_publication_date", sa.Date, nullable=True),
    text("international_registration_number"),
    text("design_number"),
    text("erasure_identifier"),
    sa.Column("expire_date", sa.Date, nullable=True),
    sa.Column("disappearance_date", sa.Date, nullable=True),
    text("design_class"),
    text("principal_design_application_number"),
    text("fixed_address_url"),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc, onupdate=now_utc),
    sa.UniqueConstraint("country", "law", "application_number"),
    sa.CheckConstraint(one_of("law", LAWS), name="law_known"),
    sa.CheckConstraint(f"country <> 'JP' OR ({digits('application_number', 10)})",
                       name="application_number_digits"),
    sa.CheckConstraint("length(application_number) > 0", name="application_number_given"),
    sa.CheckConstraint(digits_or_empty("publication_number", 9), name="publication_number_form"),
    sa.CheckConstraint(digits_or_empty("ad_publication_number", 10),
                       name="ad_publication_number_form"),
    sa.CheckConstraint(digits_or_empty("registration_number", 7),
                       name="registration_number_form"),
    sa.Index("ix_applications_ad_publication_number", "ad_publication_number"),
    sa.Index("ix_applications_registration_number", "registration_number"),
    # Cases with a title of their own (API mirror), scanned by title searches.
    sa.Index("ix_applications_titled", "id", sqlite_where=sa.text("title != ''"),
             postgresql_where=sa.text("title != ''")),
    # The cases that carry their own dates (API mirror), read by every date sort of hits
    # (search/engine.py) instead of each hit's wide row (migration 0009).
    sa.Index("ix_applications_publication_dated", "id", "publication_date",
             sqlite_where=sa.text("publication_date IS NOT NULL"),
             postgresql_where=sa.text("publication_date IS NOT NULL")),
    sa.Index("ix_applications_filing_dated", "id", "filing_date",
             sqlite_where=sa.text("filing_date IS NOT NULL"),
             postgresql_where=sa.text("filing_date IS NOT NULL")),
)

case_sections = sa.Table(
    "case_sections", metadata,
    application_fk(),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.PrimaryKeyConstraint("application_id", "section"),
    sa.CheckConstraint(one_of("section", SECTIONS), name="section_known"),
)

dossier_groups = sa.Table(
    "dossier_groups", metadata,
    id_column(),
    application_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("number_type", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.UniqueConstraint("application_id", "position"),
    sa.CheckConstraint(digits("number_type", 2), name="number_type_digits"),
)

dossier_documents = sa.Table(
    "dossier_documents", metadata,
    id_column(),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("dossier_groups.id", ondelete="CASCADE"),
              nullable=False, index=True),
    application_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("legal_date", sa.Date, nullable=True),
    sa.Column("irir_flag", sa.Text, nullable=False),
    sa.Column("availability_flag", sa.Text, nullable=False),
    sa.Column("document_code", sa.Text, nullable=False),
    text("description"),
    sa.Column("document_number", sa.Text, nullable=False, index=True),
    sa.Column("version_number", sa.Text, nullable=False),
    sa.Column("separator", sa.Text, nullable=False),
    sa.Column("number_of_pages", sa.Integer, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("group_id", "position"),
    sa.CheckConstraint("number_of_pages >= 0 AND size >= 0", name="counts_not_negative"),
    sa.CheckConstraint("length(document_number) = 11", name="document_number_length"),
)

priorities = sa.Table(
    "priorities", metadata,
    id_column(),
    application_fk(),
    publication_fk(nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    text("paris_application_number"),
    sa.Column("paris_date", sa.Date, nullable=True),
    text("paris_country"),
    text("national_law_code"),
    text("national_application_number"),
    text("national_international_application_number"),
    sa.Column("national_date", sa.Date, nullable=True),
)

family_parents = sa.Table(
    "family_parents", metadata,
    id_column(),
    application_fk(),
    publication_fk(nullable=True),
    sa.Column("parent_application_number", sa.Text, nullable=False),
    sa.Column("filing_date", sa.Date, nullable=True),
    text("category"),
    text("law_code"),
)

family_divisionals = sa.Table(
    "family_divisionals", metadata,
    id_column(),
    application_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("application_number", sa.Text, nullable=False),
    text("publication_number"),
    text("ad_publication_number"),
    text("national_publication_number"),
    text("ad_national_publication_number"),
    text("registration_number"),
    text("international_application_number"),
    text("international_publication_number"),
    text("erasure_identifier"),
    sa.Column("expire_date", sa.Date, nullable=True),
    sa.Column("disappearance_date", sa.Date, nullable=True),
    text("generation"),
)

registrations = sa.Table(
    "registrations", metadata,
    id_column(),
    application_fk(),
    sa.Column("registration_number", sa.Text, nullable=False),
    sa.Column("filing_date", sa.Date, nullable=True),
    sa.Column("registration_date", sa.Date, nullable=True),
    sa.Column("decision_date", sa.Date, nullable=True),
    sa.Column("appeal_decision_date", sa.Date, nullable=True),
    text("title"),
    sa.Column("number_of_claims", sa.Integer, nullable=True),
    sa.Column("expire_date", sa.Date, nullable=True),
    sa.Column("next_annuity_date", sa.Date, nullable=True),
    sa.Column("last_paid_year", sa.Integer, nullable=True),
    text("erasure_identifier"),
    sa.Column("disappearance_date", sa.Date, nullable=True),
    sa.Column("update_date", sa.Date, nullable=True),
    sa.UniqueConstraint("application_id"),
    sa.CheckConstraint(digits("registration_number", 7), name="registration_number_digits"),
)

trademark_texts = sa.Table(
    "trademark_texts", metadata,
    id_column(),
    application_fk(),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("application_id", "kind", "position"),
    sa.CheckConstraint(one_of("kind", ("display", "reading")), name="kind_known"),
)

goods_services = sa.Table(
    "goods_services", metadata,
    id_column(),
    application_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("nice_class", sa.Text, nullable=False),
    sa.Column("names", sa.Text, nullable=False),
    text("similar_codes"),
    sa.UniqueConstraint("application_id", "position"),
)

legal_events = sa.Table(
    "legal_events", metadata,
    id_column(),
    application_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("st27_code", sa.Text, nullable=False),
    text("national_code"),
    text("description"),
    text("document_number"),
    sa.CheckConstraint("length(st27_code) = 3", name="st27_code_length"),
)


#: One summary per case, derived from the tables above (store/repositories/case_summaries.py):
#: what a result list shows of the case (JSON), and the facts its status is read from as
#: columns, so that a status condition is SQL (the ST field).
case_summaries = sa.Table(
    "case_summaries", metadata,
    sa.Column("application_id", sa.Integer,
              sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    # the build that wrote it (case_summaries.VERSION); indexed, so that counting the
    # current ones reads a small index, not the table
    sa.Column("version", sa.Integer, nullable=False, index=True),
    # indexed: a status of registered cases alone ("in-force"/ST) reads the registered
    sa.Column("registration_number", sa.Text, nullable=False, server_default="", default="",
              index=True),
    sa.Column("disappearance_date", sa.Date, nullable=True),
    sa.Column("expire_date", sa.Date, nullable=True),
    sa.Column("next_annuity_date", sa.Date, nullable=True),
    sa.Column("grace_end", sa.Date, nullable=True),     # next_annuity_date + 6 months
    sa.Column("last_paid_year", sa.Integer, nullable=True),
    text("erasure_identifier"),
    sa.Column("refused", sa.Boolean, nullable=False),
    sa.Column("withdrawn", sa.Boolean, nullable=False),
    # False when neither progress nor registration data is held (migration 0013)
    sa.Column("known", sa.Boolean, nullable=False, server_default=sa.true()),
)
