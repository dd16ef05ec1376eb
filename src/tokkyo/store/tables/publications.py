"""Tables of published documents (gazettes) and their full text."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import application_fk, id_column, metadata, publication_fk, text
from tokkyo.store.types import digits, one_of

KINDS = ("A", "T", "B", "U", "Y", "S")

publications = sa.Table(
    "publications", metadata,
    id_column(),
    # indexed by ix_publications_application_id_summary (BACKEND_INDEXES, migration 0011)
    application_fk(index=False),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("st16_kind", sa.Text, nullable=False),
    sa.Column("law", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    sa.Column("filing_date", sa.Date, nullable=True),
    text("title"),
    text("abstract"),
    sa.Column("language", sa.Text, nullable=False),
    text("registration_number"),
    sa.Column("registration_date", sa.Date, nullable=True),
    sa.Column("number_of_claims", sa.Integer, nullable=True),
    sa.Column("examination_requested", sa.Boolean, nullable=True),
    text("filing_form"),
    sa.Column("total_pages", sa.Integer, nullable=True),
    text("representative_figure"),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.UniqueConstraint("country", "kind", "number"),
    sa.CheckConstraint(one_of("kind", KINDS), name="kind_known"),
    # A case's latest publication date in one seek (search: sort by date).
    sa.Index("ix_publications_application_id_date", "application_id", "date", "filing_date"),
    sa.CheckConstraint(digits("number", (7, 10)), name="number_digits"),
)

# The case of each indexed publication, kept by the search indexer beside its index
# entries (search/indexer.py): search finds the case of every matched text unit here, one
# narrow row keyed by the publication id (SQLite's rowid), not in the wide publications
# row (migration 0007).
search_owners = sa.Table(
    "search_owners", metadata,
    sa.Column("publication_id", sa.Integer,
              sa.ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("application_id", sa.Integer, nullable=False),
)

claims = sa.Table(
    "claims", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("publication_id", "position"),
)

paragraphs = sa.Table(
    "paragraphs", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    text("number"),
    text("section"),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("publication_id", "position"),
)

drawings = sa.Table(
    "drawings", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    text("number"),
    text("file"),
    text("image_format"),
    sa.Column("height", sa.Integer, nullable=True),
    sa.Column("width", sa.Integer, nullable=True),
    sa.UniqueConstraint("publication_id", "position"),
)

amendments = sa.Table(
    "amendments", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    text("document_code"),
    text("item"),
    text("way"),
    text("target"),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("publication_id", "position"),
)

