"""What the bulk products are made of: gazette files as received, cases with progress,
legal status events, and the publications a release is expected to hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.tables import (
    applications,
    case_sections,
    legal_events,
    publications,
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
