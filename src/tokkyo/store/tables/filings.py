"""Filings: applications received as converted e-filing packages, not yet published.

A filing is kept apart from `applications` on purpose: everything public (search, the
JPO-compatible API, the portal's documents, bulk products) reads `applications` and
`publications`, so nothing a filing holds can reach the public by any of those paths.
Only the operators' pages read this table. When the gazette publishes the application,
the filing is linked to its case (`application_id`) and keeps what it was filed as.
"""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, digits, now_utc, one_of, sha256_check

FILING_LAWS = ("patent", "utility")

filings = sa.Table(
    "filings", metadata,
    id_column(),
    # what the package is a version of (`sources.key`): law, first applicant, 整理番号
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("law", sa.Text, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),          # 整理番号, the applicant's
    sa.Column("submission_date", sa.Date, nullable=True),     # 提出日
    text("title"),
    text("applicants"),          # names, one a line, in the request's order
    text("inventors"),
    text("agents"),
    text("documents"),           # the documents the package holds, one a line (特許願 …)
    # the package as stored (a ZIP of its files) and the version of it that is current
    sa.Column("blob_sha256", sa.Text, sa.ForeignKey("blobs.sha256"), nullable=False),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False,
              index=True),
    sa.Column("source_version", sa.Integer, nullable=False),
    # the number the office gave the application (10 digits); links the filing to its
    # publication in the gazette
    sa.Column("application_number", sa.Text, nullable=True, unique=True),
    sa.Column("application_id", sa.Integer,
              sa.ForeignKey("applications.id", ondelete="SET NULL"), nullable=True,
              index=True),
    sa.Column("publication_number", sa.Text, nullable=True),
    sa.Column("published_on", sa.Date, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc),
    sa.CheckConstraint(one_of("law", FILING_LAWS), name="law_known"),
    sa.CheckConstraint("length(reference) > 0", name="reference_given"),
    sa.CheckConstraint(sha256_check("blob_sha256"), name="blob_sha256_hex"),
    sa.CheckConstraint(f"application_number IS NULL OR ({digits('application_number', 10)})",
                       name="application_number_digits"),
    sa.CheckConstraint("source_version >= 1", name="source_version_positive"),
)
