"""The operators' view of filings: the list, one filing with its documents read back
from the stored package (rendered and checked by `efiling`, as the applicant saw them),
and the application number the office gives it, which links it to its publication.

A filing is an unpublished application: only operators see it. Everything here is
reached through routes and commands that require the operator role; nothing public
reads the `filings` table."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import sqlalchemy as sa

from tokkyo.efiling import service as efiling
from tokkyo.efiling.errors import BadPackage
from tokkyo.efiling.preview import preview
from tokkyo.efiling.xml_writer import BIBL, BODY
from tokkyo.filings.errors import FilingNotFound, NumberRefused
from tokkyo.model.laws import Law
from tokkyo.model.numbers import NumberError, NumberKind, parse_one
from tokkyo.store.blobs import BlobStore
from tokkyo.store.repositories import cases
from tokkyo.store.repositories import filings as repository
from tokkyo.store.repositories.filings import FilingRow

#: The name the review HTML is checked under (findings and the preview point at it).
REVIEW_NAME = "JPOXMLDOC01-review.html"


@dataclass(frozen=True, slots=True)
class Opened:
    """One filing with its package read back: `result` is the formality check of the
    documents as the package holds them (the preview and the findings); `files`, the
    package's files by name."""

    filing: FilingRow
    files: dict[str, bytes]
    result: efiling.Result


def listing(conn: sa.Connection, *, limit: int = 200, offset: int = 0
            ) -> tuple[list[FilingRow], int]:
    """A page of filings, the most recently received first, and how many there are."""
    return repository.listing(conn, limit=limit, offset=offset), repository.count(conn)


def get(conn: sa.Connection, filing_id: int) -> FilingRow:
    row = repository.get(conn, filing_id)
    if row is None:
        raise FilingNotFound(f"no filing {filing_id}")
    return row


def open_filing(conn: sa.Connection, blobs: BlobStore, filing_id: int) -> Opened:
    """The filing and its package, its documents checked again by `efiling` (the check
    of the time of reading: a rule added since the filing is applied to it too)."""
    row = get(conn, filing_id)
    files = package_files(blobs.get(row.blob_sha256))
    page = efiling.review_html(files)
    images = {name: data for name, data in files.items() if name not in (BIBL, BODY)}
    result = efiling.check(efiling.Upload(REVIEW_NAME, page.encode("utf-8"), images))
    return Opened(row, files, result)


def package_files(data: bytes) -> dict[str, bytes]:
    """The files of a stored package (a ZIP) by name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {PurePosixPath(i.filename).name: archive.read(i)
                    for i in archive.infolist() if not i.is_dir()}
    except zipfile.BadZipFile as exc:
        raise BadPackage(f"the stored package is not a readable ZIP ({exc})") from None


def assign_number(conn: sa.Connection, filing_id: int, number: str) -> FilingRow:
    """Record the application number the office gave the filing (特願2026-012345 or
    2026012345). When the gazette has already published that application, the filing
    is linked to it now; otherwise the publication links it when it is ingested."""
    row = get(conn, filing_id)
    law = Law(row.law)
    try:
        key = parse_one(number, law=law, kind=NumberKind.APPLICATION).key
    except NumberError as exc:
        raise NumberRefused(f"{number}: not an application number ({exc})") from None
    if row.application_number == key:
        return row
    if row.application_number is not None:
        raise NumberRefused(f"filing {filing_id} already has application number "
                            f"{row.application_number}")
    other = repository.by_application_number(conn, key)
    if other is not None:
        raise NumberRefused(f"application number {key} is already filing {other.id}'s "
                            f"(整理番号 {other.reference})")
    repository.set_application_number(conn, filing_id, key)
    app_id = cases.application_id(conn, law, key)
    if app_id is not None:
        first = repository.first_publication(conn, app_id)
        if first is not None:
            repository.link_publication(conn, key, app_id, *first)
    return get(conn, filing_id)


def as_json(row: FilingRow) -> dict[str, object]:
    """A filing as the operators' JSON shows it."""
    return {"id": row.id, "key": row.key, "law": row.law, "reference": row.reference,
            "submission_date": row.submission_date.isoformat() if row.submission_date
            else None,
            "title": row.title, "applicants": list(row.applicants),
            "inventors": list(row.inventors), "agents": list(row.agents),
            "documents": list(row.documents), "package_sha256": row.blob_sha256,
            "version": row.source_version, "application_number": row.application_number,
            "published": row.application_id is not None,
            "publication_number": row.publication_number,
            "published_on": row.published_on.isoformat() if row.published_on else None,
            "received_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat()}


def opened_json(opened: Opened) -> dict[str, object]:
    """One filing as the operators' JSON shows it: its facts, the formality check's
    findings and the documents as printed (the e-filing page's preview)."""
    check = opened.result.as_json()
    return {"filing": as_json(opened.filing), "ok": check["ok"], "errors": check["errors"],
            "warnings": check["warnings"], "documents": check["documents"],
            "findings": check["findings"],
            "preview": [part.as_json() for part in preview(opened.result.application)]}
