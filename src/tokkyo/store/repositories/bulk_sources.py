"""What the bulk products are made of: gazette files as received, cases with progress,
legal status events, the publications a release is expected to hold, and the files of
other offices' publications as received with their replacement history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.tables import (
    applications,
    blobs,
    case_sections,
    files,
    legal_events,
    publications,
    releases,
    sources,
)


@dataclass(frozen=True, slots=True)
class GazetteFile:
    """A publication and the gazette file it was read from, as received."""

    number: str
    date: dt.date
    application_id: int
    blob_sha256: str          # the file's bytes in the blob store
    source_name: str          # its name as received (a path inside an archive or folder)


def gazettes(conn: sa.Connection, kind: str, since: dt.datetime | None
             ) -> list[GazetteFile]:
    """Publications of a kind with the gazette file they were read from, by date and
    number: every issue day (whole) on which something was loaded since an instant (all
    when None)."""
    query = (sa.select(publications.c.number, publications.c.date,
                       publications.c.application_id, sources.c.blob_sha256,
                       sources.c.name.label("source_name"))
             .join(sources, sources.c.id == publications.c.source_id)
             .where(publications.c.country == "JP", publications.c.kind == kind,
                    publications.c.date.is_not(None))
             .order_by(publications.c.date, publications.c.number))
    if since is not None:
        touched = (sa.select(publications.c.date)
                   .join(sources, sources.c.id == publications.c.source_id)
                   .where(publications.c.country == "JP", publications.c.kind == kind,
                          sources.c.ingested_at >= since))
        query = query.where(publications.c.date.in_(touched))
    return [GazetteFile(number, date, application_id, blob_sha256, source_name)
            for number, date, application_id, blob_sha256, source_name
            in conn.execute(query)]


def expected_publications(conn: sa.Connection, law: str, day: dt.date) -> list[str]:
    """Publication numbers the store knows were issued that day, from any source (the
    API mirror knows numbers whose gazette file may not have arrived)."""
    from_gazettes = sa.select(publications.c.number).where(
        publications.c.country == "JP", publications.c.law == law,
        publications.c.kind == "A", publications.c.date == day)
    from_cases = sa.select(applications.c.ad_publication_number).where(
        applications.c.country == "JP", applications.c.law == law,
        applications.c.publication_date == day,
        applications.c.ad_publication_number != "")
    return sorted(set(conn.execute(from_gazettes).scalars())
                  | set(conn.execute(from_cases).scalars()))


def cases_with(conn: sa.Connection, section: str, since: dt.datetime | None
               ) -> Iterator[sa.Row]:
    """(law, application_number, version) of cases holding `section`; `version` is the
    version of the source the section was read from (1: first seen)."""
    query = (sa.select(applications.c.law, applications.c.application_number,
                       sources.c.version)
             .join(case_sections, case_sections.c.application_id == applications.c.id)
             .join(sources, sources.c.id == case_sections.c.source_id)
             .where(case_sections.c.section == section)
             .order_by(applications.c.law, applications.c.application_number))
    if since is not None:
        query = query.where(applications.c.updated_at >= since)
    yield from conn.execute(query)


def legal_status_rows(conn: sa.Connection, since: dt.datetime | None) -> Iterator[sa.Row]:
    """Every event of the cases updated since an instant (all cases when None): an event
    dated long ago but loaded today belongs in today's delta."""
    query = (sa.select(applications.c.law, applications.c.application_number,
                       legal_events.c.position, legal_events.c.date,
                       legal_events.c.st27_code, legal_events.c.national_code,
                       legal_events.c.description, legal_events.c.document_number)
             .join(applications, applications.c.id == legal_events.c.application_id)
             .order_by(applications.c.law, applications.c.application_number,
                       legal_events.c.position))
    if since is not None:
        query = query.where(applications.c.updated_at >= since)
    yield from conn.execute(query)


#: The formats of publication files from other offices that the "Foreign publications"
#: product provides as received (the values of `ingest.detect.Format`, which the store
#: cannot import; tests/bulk/test_foreign_publications.py checks they name formats).
#: EPO OPS answers (`epo-ops`) are not among them: they are answers to queries tokkyo
#: made (search lists, claims-only or description-only parts), not documents an office
#: delivered; the JP gazettes are products of their own.
FOREIGN_FORMATS = ("ep-patent-document", "us-patent-xml", "us-patdoc", "us-pap",
                   "us-greenbook", "us-xml4ip", "cn-patent-document", "cn-business",
                   "wipo-st96", "epo-docdb")


@dataclass(frozen=True, slots=True)
class ForeignFile:
    """A file of foreign publications as received (a current source version), under one
    country whose publications it holds.

    A file holding several countries' publications (a DOCDB delivery, a USPTO weekly
    file) is listed once under each of them, with that country's publications only, so
    the counts of a country's files add up to the publications the store holds for it.
    A publication belongs to the file that last wrote it."""

    country: str
    source_id: int
    key: str                  # what the file is a version of (sources.key)
    version: int              # 1: first received; more: it replaced earlier versions
    format: str
    name: str                 # as received (a path inside an archive or folder)
    blob_sha256: str
    bytes: int
    ingested_at: dt.datetime
    publications: int         # of `country`, stored from this file
    first_date: dt.date | None     # publication dates of those publications
    last_date: dt.date | None


def foreign_files(conn: sa.Connection, since: dt.datetime | None) -> list[ForeignFile]:
    """The current versions of foreign publication files, by country and name: those
    received since an instant, or all (None). Versions replaced since are not listed:
    the file that replaced them is, and names them (`foreign_history`). JP publications
    are left out (the JP gazettes are products of their own), and so is a file that no
    longer holds any publication (a DOCDB delivery of deletions only)."""
    query = (sa.select(publications.c.country, sources.c.id, sources.c.key,
                       sources.c.version, sources.c.format, sources.c.name,
                       sources.c.blob_sha256, blobs.c.size, sources.c.ingested_at,
                       sa.func.count(publications.c.id), sa.func.min(publications.c.date),
                       sa.func.max(publications.c.date))
             .select_from(sources.join(blobs, blobs.c.sha256 == sources.c.blob_sha256)
                          .join(publications, publications.c.source_id == sources.c.id))
             .where(sources.c.format.in_(FOREIGN_FORMATS),
                    sources.c.superseded_at.is_(None), publications.c.country != "JP")
             .group_by(publications.c.country, sources.c.id, sources.c.key,
                       sources.c.version, sources.c.format, sources.c.name,
                       sources.c.blob_sha256, blobs.c.size, sources.c.ingested_at)
             .order_by(publications.c.country, sources.c.name, sources.c.id))
    if since is not None:
        query = query.where(sources.c.ingested_at >= since)
    return [ForeignFile(*row) for row in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class SourceVersionPublished:
    """One version of what a published file is a version of, and where the product
    published it (`release_id` None: it was replaced before a release took it)."""

    file_sha256: str          # the published file this row is about
    file_version: int         # that file's version
    key: str
    version: int
    name: str                 # as received
    blob_sha256: str
    bytes: int
    ingested_at: dt.datetime
    superseded_at: dt.datetime | None
    release_id: str | None
    file_id: int | None
    file_name: str | None


def foreign_history(conn: sa.Connection, product_id: str, shas: list[str]
                    ) -> list[SourceVersionPublished]:
    """Every version of the foreign files with these SHA-256s (the bytes as received
    are the published bytes), each with the files of the product holding it; by file,
    then version, then release."""
    if not shas:
        return []
    mine = sources.alias("mine")
    published = (sa.select(files.c.id, files.c.name, files.c.release_id, files.c.sha256)
                 .join(releases, releases.c.id == files.c.release_id)
                 .where(releases.c.product_id == product_id).subquery())
    query = (sa.select(mine.c.blob_sha256.label("file_sha256"),
                       mine.c.version.label("file_version"), sources.c.key,
                       sources.c.version, sources.c.name, sources.c.blob_sha256,
                       blobs.c.size.label("bytes"), sources.c.ingested_at,
                       sources.c.superseded_at, published.c.release_id,
                       published.c.id.label("file_id"), published.c.name.label("file_name"))
             .select_from(
                 mine.join(sources, sources.c.key == mine.c.key)
                 .join(blobs, blobs.c.sha256 == sources.c.blob_sha256)
                 .outerjoin(published, published.c.sha256 == sources.c.blob_sha256))
             .where(mine.c.blob_sha256.in_(sorted(set(shas))),
                    mine.c.format.in_(FOREIGN_FORMATS))
             .order_by(mine.c.blob_sha256, sources.c.key, sources.c.version,
                       published.c.release_id, published.c.id))
    return [SourceVersionPublished(**row._mapping) for row in conn.execute(query)]
