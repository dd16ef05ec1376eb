"""Tables of published documents (gazettes) and their full text."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import application_fk, id_column, metadata, publication_fk, text
from tokkyo.store.types import digits, one_of

KINDS = ("A", "T", "B", "U", "Y", "S", "TM")      # JP kinds (model/kinds.py)

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
    # DOCDB simple family; a document read from a file tolerant recovery changed; the
    # trademark particulars of a gazette or ST.96 mark as JSON (migration 0015)
    # (server defaults only: rows written as an older schema had them still insert)
    sa.Column("family_id", sa.Text, nullable=False, server_default=""),
    sa.Column("repaired", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("trademark", sa.Text, nullable=True),
    sa.UniqueConstraint("country", "kind", "number"),
    sa.CheckConstraint(f"country <> 'JP' OR {one_of('kind', KINDS)}", name="kind_known"),
    sa.CheckConstraint("length(kind) > 0 AND length(number) > 0", name="identity_given"),
    sa.Index("ix_publications_family_id", "family_id",
             sqlite_where=sa.text("family_id != ''"), postgresql_where=sa.text("family_id != ''")),
    # A case's latest publication date in one seek (search: sort by date).
    sa.Index("ix_publications_application_id_date", "application_id", "date", "filing_date"),
    # JP numbers are digits; a defensive mark's registration carries a suffix (5716200-01)
    sa.CheckConstraint(f"country <> 'JP' OR kind = 'TM' OR ({digits('number', (7, 10))})",
                       name="number_digits"),
)

# Index work: the cases whose documents a search engine must write again (or delete),
# recorded in the transaction that changed them and taken off once the engine has them
# (search/outbox.py), so that a crash on either side loses no update. No foreign key: a
# deleted case is recorded too (migration 0017).
search_outbox = sa.Table(
    "search_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("application_id", sa.Integer, nullable=False),
)

claims = sa.Table(
    "claims", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    # set where a document carries claims in several languages (server default only, as
    # the columns of migration 0015 on publications)
    sa.Column("language", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("publication_id", "position"),
)

# Titles and abstracts in other languages that a document carries (migration 0015).
publication_texts = sa.Table(
    "publication_texts", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("part", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("publication_id", "position"),
    sa.CheckConstraint(one_of("part", ("title", "abstract")), name="part_known"),
)

# Files that arrive with a publication and belong to it (a trademark gazette's mark
# image and sound), stored as blobs (migration 0015).
publication_files = sa.Table(
    "publication_files", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("blob_sha256", sa.Text, sa.ForeignKey("blobs.sha256"), nullable=True),
    text("media_type"),
    sa.UniqueConstraint("publication_id", "position"),
)

# Legal events other offices report for a publication (INPADOC events in an EPO OPS
# family answer), as received: the office's own code, its date, what it says
# (migration 0015). JP cases keep theirs in legal_events, derived from the API mirror.
publication_events = sa.Table(
    "publication_events", metadata,
    id_column(),
    publication_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    sa.Column("code", sa.Text, nullable=False),
    text("description"),
    text("category"),
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

