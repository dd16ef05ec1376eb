"""Tables that hang off a case and, where a publication states them, off a publication too.

`publication_id` is NULL for what the JPO API says about the case itself, and set for
what a published document prints.
"""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import application_fk, id_column, metadata, publication_fk, text
from tokkyo.store.types import UTCDateTime, digits, digits_or_empty, now_utc, one_of, sha256_check

ROLES = ("applicant", "inventor", "attorney", "right-holder")
SCHEMES = ("ipc", "fi", "f-term", "theme", "cpc", "locarno", "jp-design", "d-term", "nice",
           "similar-group", "vienna", "national")

parties = sa.Table(
    "parties", metadata,
    id_column(),
    # indexed by ix_parties_application_id_role (BACKEND_INDEXES, migration 0011)
    application_fk(index=False),
    publication_fk(nullable=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=True),
    text("code"),
    sa.Column("name", sa.Text, nullable=False),
    text("address"),
    text("agent_kind"),
    sa.CheckConstraint(one_of("role", ROLES), name="role_known"),
    sa.CheckConstraint(digits_or_empty("code", 9), name="code_form"),
    sa.Index("ix_parties_code", "code"),
)

party_names = sa.Table(
    "party_names", metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, index=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc, onupdate=now_utc),
    sa.CheckConstraint(digits("code", 9), name="code_digits"),
    sa.CheckConstraint(one_of("origin", ("lookup", "case", "gazette")), name="origin_known"),
)

classifications = sa.Table(
    "classifications", metadata,
    id_column(),
    application_fk(index=False),
    publication_fk(nullable=True),
    sa.Column("scheme", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    text("raw"),
    sa.Column("main", sa.Boolean, nullable=False, default=False),
    text("facet"),
    sa.CheckConstraint(one_of("scheme", SCHEMES), name="scheme_known"),
    # The cases of a code or code prefix from the index alone (search; migration 0007).
    sa.Index("ix_classifications_scheme_code_application_id", "scheme", "code",
             "application_id"),
    # A case's codes of one scheme from the index alone, in order (result lists read
    # the FI codes of their cases; migration 0011). Also serves every lookup by case.
    sa.Index("ix_classifications_application_id_scheme", "application_id", "scheme",
             "position", "code"),
)

citations = sa.Table(
    "citations", metadata,
    id_column(),
    application_fk(),
    publication_fk(nullable=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("draft_date", sa.Date, nullable=True),
    text("citation_type"),
    sa.Column("citation_order", sa.Integer, nullable=True),
    text("document_number"),
    text("document_type"),
    text("author"),
    text("title"),
    text("publication_name"),
    text("country"),
    text("publisher"),
    text("issue_date"),
    text("issue_date_type"),
    text("issue_number"),
    text("pages"),
    sa.CheckConstraint(one_of("kind", ("patent", "non-patent")), name="kind_known"),
)

document_bodies = sa.Table(
    "document_bodies", metadata,
    id_column(),
    application_fk(),
    sa.Column("document_code", sa.Text, nullable=False),
    sa.Column("document_number", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("blob_sha256", sa.Text, sa.ForeignKey("blobs.sha256"), nullable=False,
              index=True),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
    # the file's place among its document's files in the ZIP it came in (NULL: a loose
    # file), and the `app_doc_cont_*` operations whose ZIPs brought it (space-separated):
    # what the API needs to give a ZIP back as received (jpo-api.md §9)
    sa.Column("position", sa.Integer, nullable=True),
    text("received_in"),
    sa.UniqueConstraint("application_id", "document_number", "file_name"),
    sa.CheckConstraint(sha256_check("blob_sha256"), name="blob_sha256_hex"),
    sa.CheckConstraint("length(document_number) = 11", name="document_number_length"),
)
