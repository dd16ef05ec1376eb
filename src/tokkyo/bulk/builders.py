"""Making a product's files from the store, one builder per kind of product.

A builder writes its files into a work folder and says, per file, what it holds: record
counts (total/new/changed/deleted), the dates covered, the media type. The bytes are a
pure function of the data (fixed ZIP timestamps, sorted entries), so publishing the same
data twice gives the same SHA-256 and nothing new to download.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import sqlalchemy as sa

from tokkyo.model.jst import japan_day
from tokkyo.model.laws import Law
from tokkyo.model.wire import encode
from tokkyo.store.blobs import BlobStore
from tokkyo.store.repositories import bulk_sources, case_reader, stored_translations


@dataclass(slots=True)
class BuiltFile:
    name: str
    path: Path
    media_type: str
    total: int = 0
    new: int = 0
    changed: int = 0
    deleted: int = 0
    coverage_from: dt.date | None = None
    coverage_to: dt.date | None = None
    # the release it goes in, for a product released in parts (foreign publications:
    # one release per country); "" for a product with one release per run
    part: str = ""


@dataclass(slots=True)
class Built:
    files: list[BuiltFile] = field(default_factory=list)
    period_from: dt.date | None = None
    period_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class BuildRequest:
    product_id: str
    since: dt.datetime | None          # data loaded since this instant; None: everything
    today: dt.date
    workdir: Path
    blobs: BlobStore


Builder = Callable[[sa.Connection, BuildRequest], Built]


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes, day: dt.date) -> None:
    info = zipfile.ZipInfo(name, date_time=(max(day.year, 1980), day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def gazette(conn: sa.Connection, request: BuildRequest) -> Built:
    """One ZIP of the gazette XML files as received per issue day, plus the completeness
    list: every publication the store knows for those days, present or missing."""
    built = Built()
    rows = bulk_sources.gazettes(conn, "A", request.since)
    completeness: list[tuple[str, str, str, str]] = []
    for day, group in groupby(rows, key=lambda r: r.date):
        items = sorted(group, key=lambda r: r.number)
        name = f"{request.product_id}-{day:%Y%m%d}.zip"
        path = request.workdir / name
        with zipfile.ZipFile(path, "w") as archive:
            for row in items:
                entry = row.source_name.rsplit("/", 1)[-1] or f"{row.number}.xml"
                _zip_entry(archive, f"{day:%Y%m%d}/{entry}", request.blobs.get(row.blob_sha256),
                           day)
        present = {row.number for row in items}
        for number in bulk_sources.expected_publications(conn, "patent", day):
            state, reason = (("present", "") if number in present else
                             ("missing", "known from the API mirror; gazette XML not received"))
            completeness.append((f"{day:%Y-%m-%d}", number, state, reason))
        built.files.append(BuiltFile(name, path, "application/zip", total=len(items),
                                     new=len(items), coverage_from=day, coverage_to=day))
        built.period_from = built.period_from or day
        built.period_to = day
    if built.files:
        built.files.append(_completeness(request, completeness, built))
    return built


def _completeness(request: BuildRequest, rows: list[tuple[str, str, str, str]],
                  built: Built) -> BuiltFile:
    path = request.workdir / "completeness.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(("date", "publication_number", "state", "reason"))
        writer.writerows(rows)
    return BuiltFile("completeness.csv", path, "text/csv", total=len(rows),
                     coverage_from=built.period_from, coverage_to=built.period_to)


def progress(conn: sa.Connection, request: BuildRequest) -> Built:
    """JSON Lines: the app_progress `data` of every case (backfile) or of the cases
    updated since a day (delta)."""
    name = f"{request.product_id}-{request.today:%Y%m%d}.jsonl"
    path = request.workdir / name
    out = BuiltFile(name, path, "application/x-ndjson")
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in bulk_sources.cases_with(conn, "progress", request.since):
            law = Law(row.law)
            record = case_reader.load_case(conn, law, row.application_number)
            if record is None:
                continue
            data = encode.progress(law, row.application_number, record.progress,
                                   simple=False, priority_rows=record.priorities,
                                   family=record.family, trademark_info=record.trademark)
            handle.write(json.dumps({"law": law.value, "data": data}, ensure_ascii=False,
                                    sort_keys=False, separators=(",", ":")) + "\n")
            out.total += 1
            if row.version == 1:
                out.new += 1
            else:
                out.changed += 1
    return _single(out, request)


def legal_status(conn: sa.Connection, request: BuildRequest) -> Built:
    """CSV of ST.27 events with the JP event each comes from."""
    name = f"{request.product_id}-{request.today:%Y%m%d}.csv"
    path = request.workdir / name
    out = BuiltFile(name, path, "text/csv")
    first: dt.date | None = None
    last: dt.date | None = None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(("law", "application_number", "position", "date", "st27_code",
                         "national_code", "description", "document_number"))
        for row in bulk_sources.legal_status_rows(conn, request.since):
            writer.writerow((row.law, row.application_number, row.position,
                             row.date.isoformat(), row.st27_code, row.national_code,
                             row.description, row.document_number))
            out.total += 1
            first = min(first or row.date, row.date)
            last = max(last or row.date, row.date)
    out.new = out.total
    out.coverage_from, out.coverage_to = first, last
    return _single(out, request)


def _single(out: BuiltFile, request: BuildRequest) -> Built:
    if out.total == 0:
        out.path.unlink(missing_ok=True)
        return Built()
    start = japan_day(request.since) if request.since else out.coverage_from
    return Built([out], start, out.coverage_to or request.today)


def foreign(conn: sa.Connection, request: BuildRequest) -> Built:
    """The files of other offices' publications as received, byte for byte, one release
    per country (`part`): a file holding several countries' publications is in each of
    their releases, counted there by that country's publications (see
    `bulk_sources.ForeignFile`). A file is new when it is the first version of what it
    holds, changed when it replaced an earlier one (the manifest names which)."""
    built = Built()
    names: set[tuple[str, str]] = set()
    for row in bulk_sources.foreign_files(conn, request.since):
        name = _plain_name(row.name, row.source_id)
        if (row.country, name) in names:      # two files received under one name
            name = f"{row.source_id}-{name}"
        names.add((row.country, name))
        folder = request.workdir / row.country
        folder.mkdir(exist_ok=True)
        path = folder / name
        with request.blobs.open(row.blob_sha256) as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
            media_type = _media_type(path)
        out = BuiltFile(name, path, media_type, total=row.publications,
                        coverage_from=row.first_date, coverage_to=row.last_date,
                        part=row.country)
        if row.version == 1:
            out.new = row.publications
        else:
            out.changed = row.publications
        built.files.append(out)
        built.period_from = _earliest(built.period_from, row.first_date)
        built.period_to = _latest(built.period_to, row.last_date)
    return built


def translations(conn: sa.Connection, request: BuildRequest) -> Built:
    """The accumulated machine translations (translation.md §4), one JSON Lines file per
    target language: a line per publication with its identity, source language and each
    translated section's units (one per claim, per paragraph) with the engine, version,
    time and source SHA-256 that made it. A delta holds the publications translated
    since the last release."""
    built = Built()
    rows = stored_translations.published_since(conn, request.since)
    for target, of_target in groupby(rows, key=lambda r: r.target):
        name = f"{request.product_id}-{target}-{request.today:%Y%m%d}.jsonl"
        path = request.workdir / name
        out = BuiltFile(name, path, "application/x-ndjson")
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for (country, number, kind), sections in groupby(
                    of_target, key=lambda r: (r.country, r.number, r.kind)):
                items = list(sections)
                date = items[0].date
                record = {
                    "country": country, "number": number, "kind": kind,
                    "date": date.isoformat() if date else None,
                    "source_language": items[0].source_language, "target": target,
                    "machine_translation": True,
                    "sections": {r.section: {
                        "units": r.text.split("\n"), "engine": r.engine,
                        "version": r.version,
                        "translated_at": r.translated_at.isoformat(),
                        "source_sha256": r.source_sha256} for r in items}}
                handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                             + "\n")
                out.total += 1
                if date is not None:
                    out.coverage_from = _earliest(out.coverage_from, date)
                    out.coverage_to = _latest(out.coverage_to, date)
        out.new = out.total
        built.files.append(out)
        built.period_from = _earliest(built.period_from, out.coverage_from)
        built.period_to = _latest(built.period_to, out.coverage_to)
    if built.files and request.since is not None:
        built.period_from = japan_day(request.since)
    built.period_to = built.period_to or (request.today if built.files else None)
    return built


def _plain_name(received: str, source_id: int) -> str:
    """The file's name as received, without its folders (a published name is plain)."""
    name = received.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
    return name or f"source-{source_id}"


def _media_type(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(64)
    if head.startswith(b"PK"):
        return "application/zip"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "application/xml"
    return "text/plain"


def _earliest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return min(a, b) if a and b else a or b


def _latest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return max(a, b) if a and b else a or b


BUILDERS: dict[str, Builder] = {"gazette": gazette, "progress": progress,
                                "legal-status": legal_status, "foreign": foreign,
                                "translations": translations}

