"""Filings (converted e-filing packages, unpublished): every query on the `filings` table.

Only the operators' pages read these rows; nothing public does (see the table's note)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.model.filings import Filing
from tokkyo.store.tables import filings, publications, sources
from tokkyo.store.types import now_utc


@dataclass(frozen=True, slots=True)
class FilingRow:
    id: int
    key: str
    law: str
    reference: str
    submission_date: dt.date | None
    title: str
    applicants: tuple[str, ...]
    inventors: tuple[str, ...]
    agents: tuple[str, ...]
    documents: tuple[str, ...]
    blob_sha256: str
    source_version: int
    application_number: str | None
    application_id: int | None
    publication_number: str | None
    published_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


def _lines(values: tuple[str, ...]) -> str:
    return "\n".join(values)


def _row(row: sa.Row) -> FilingRow:
    m = row._mapping

    def split(column: str) -> tuple[str, ...]:
        return tuple(v for v in (m[column] or "").split("\n") if v)

    return FilingRow(m["id"], m["key"], m["law"], m["reference"], m["submission_date"],
                     m["title"], split("applicants"), split("inventors"), split("agents"),
                     split("documents"), m["blob_sha256"], m["source_version"],
                     m["application_number"], m["application_id"], m["publication_number"],
                     m["published_on"], m["created_at"], m["updated_at"])


def write(conn: sa.Connection, key: str, filing: Filing, source_id: int, blob_sha256: str
          ) -> int:
    """Store the filing of a package's version `source_id`: a new row, or the row of the
    same key (an earlier version) updated; the office's number and the link to the
    publication stay."""
    version = conn.execute(sa.select(sources.c.version).where(sources.c.id == source_id)
                           ).scalar_one()
    now = now_utc()
    values = {"law": filing.law.value, "reference": filing.reference,
              "submission_date": filing.submission_date, "title": filing.title,
              "applicants": _lines(filing.applicants), "inventors": _lines(filing.inventors),
              "agents": _lines(filing.agents), "documents": _lines(filing.documents),
              "blob_sha256": blob_sha256, "source_id": source_id, "source_version": version,
              "updated_at": now}
    existing = conn.execute(sa.select(filings.c.id).where(filings.c.key == key)
                            ).scalar_one_or_none()
    if existing is not None:
        conn.execute(sa.update(filings).where(filings.c.id == existing).values(**values))
        return int(existing)
    return int(conn.execute(sa.insert(filings).values(key=key, created_at=now, **values)
                            .returning(filings.c.id)).scalar_one())


def listing(conn: sa.Connection, *, limit: int = 200, offset: int = 0) -> list[FilingRow]:
    """The most recently received first."""
    rows = conn.execute(sa.select(filings).order_by(filings.c.updated_at.desc(),
                                                    filings.c.id.desc())
                        .limit(limit).offset(offset)).all()
    return [_row(r) for r in rows]


def count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(filings)).scalar_one())


def get(conn: sa.Connection, filing_id: int) -> FilingRow | None:
    row = conn.execute(sa.select(filings).where(filings.c.id == filing_id)).first()
    return _row(row) if row else None


def by_application_number(conn: sa.Connection, number: str) -> FilingRow | None:
    row = conn.execute(sa.select(filings).where(filings.c.application_number == number)
                       ).first()
    return _row(row) if row else None


def set_application_number(conn: sa.Connection, filing_id: int, number: str) -> None:
    conn.execute(sa.update(filings).where(filings.c.id == filing_id)
                 .values(application_number=number, updated_at=now_utc()))


# run for every JP publication ingested: built once (it keeps its cache key)
_LINK_PUBLICATION = sa.update(filings).where(
    filings.c.application_number == sa.bindparam("b_number"),
    filings.c.application_id.is_(None))


def link_publication(conn: sa.Connection, application_number: str, application_id: int,
                     publication_number: str, published_on: dt.date | None) -> None:
    """The gazette published the application of that number: its filing (if the office
    gave that number to one) is linked to the case, once; a later publication of the
    same case (its registration) keeps the first."""
    conn.execute(_LINK_PUBLICATION, {
        "b_number": application_number, "application_id": application_id,
        "publication_number": publication_number, "published_on": published_on})


def link_publications(conn: sa.Connection,
                      links: Sequence[tuple[str, int, str, dt.date | None]]) -> None:
    """`link_publication` for several (application number, case id, publication number,
    date) in turn, in one statement (executed for each in order)."""
    if links:
        conn.execute(_LINK_PUBLICATION, [
            {"b_number": application_number, "application_id": application_id,
             "publication_number": publication_number, "published_on": published_on}
            for application_number, application_id, publication_number, published_on
            in links])


def first_publication(conn: sa.Connection, application_id: int
                      ) -> tuple[str, dt.date | None] | None:
    """(number, date) of the case's first publication in the store, None when none."""
    row = conn.execute(sa.select(publications.c.number, publications.c.date)
                       .where(publications.c.application_id == application_id)
                       .order_by(publications.c.date.is_(None), publications.c.date,
                                 publications.c.id).limit(1)).first()
    return (row.number, row.date) if row else None
