"""What a partner says its delivery holds (exchange.md §4): tokkyo's `manifest.json`
(bulk.md §3.3), a CSV `file,bytes,sha256,records`, the EPO DOCDB statistics CSV (counts per
country, kind and status, no checksums), or nothing (`no-manifest`: sizes and SHA-256 are
taken on receipt and record counts after parsing).

A manifest that cannot be read makes the delivery `rejected` with the reason: tokkyo does
not guess what a delivery should have held."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tokkyo.exchange.errors import ExchangeError
from tokkyo.ingest.foreign.docdb import StatisticsRow, read_statistics
from tokkyo.ingest.foreign.xmlsafe import ParseFailure

#: Files of a delivery that describe it rather than carry data: never loaded.
MARKER = "READY"
METADATA_NAMES = frozenset({MARKER, "manifest.json", "manifest.csv", "SHA256SUMS", "ACK"})
_STATISTICS = re.compile(r"^statistics.*\.csv$", re.IGNORECASE)
#: The WIPO ST.37 authority file a tokkyo delivery carries of what it holds (exchange.md
#: §12, `exchange.outbound`): it describes the delivery, it is not data to load.
_AUTHORITY = re.compile(r"^[A-Z]{2}-authority\.(csv|xml|json)$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CSV_HEADER = ("file", "bytes", "sha256", "records")


class ManifestUnreadable(ExchangeError):
    """The delivery's manifest cannot be read; the delivery is rejected."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One file a manifest lists: its name relative to the delivery, and what is known of
    it (a DOCDB statistics file knows no file)."""

    name: str
    bytes: int | None = None
    sha256: str | None = None
    records: int | None = None


@dataclass
class Manifest:
    kind: str                                    # MANIFEST_KINDS
    delivery_id: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    statistics: list[StatisticsRow] = field(default_factory=list)


def is_metadata(name: str) -> bool:
    """Whether a delivery's file (path relative to it) describes the delivery."""
    return (name in METADATA_NAMES or _STATISTICS.match(name) is not None
            or _AUTHORITY.match(name) is not None)


def read(folder: Path) -> Manifest:
    """The manifest of the delivery in `folder` (its top level), `no-manifest` when none."""
    json_file = folder / "manifest.json"
    if json_file.is_file():
        return _json(json_file)
    csv_file = folder / "manifest.csv"
    if csv_file.is_file():
        return Manifest("manifest-csv", entries=_csv(csv_file.read_bytes(), csv_file.name))
    statistics = sorted(p for p in folder.iterdir() if p.is_file() and _STATISTICS.match(p.name))
    if statistics:
        rows: list[StatisticsRow] = []
        for path in statistics:
            try:
                rows += read_statistics(path.read_bytes(), path.name)
            except ParseFailure as exc:
                raise ManifestUnreadable(f"{path.name}: {exc.code} at line {exc.line}: "
                                         f"{exc.message}") from None
        return Manifest("docdb-statistics", statistics=rows)
    return Manifest("no-manifest")


def _json(path: Path) -> Manifest:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestUnreadable(f"manifest.json is not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise ManifestUnreadable("manifest.json has no \"files\" list (bulk.md §3.3)")
    delivery = data.get("delivery") or data.get("release")
    entries: dict[str, Entry] = {}
    for i, item in enumerate(data["files"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ManifestUnreadable(f"manifest.json: files[{i}] has no name")
        if is_metadata(item["name"]):
            continue                  # listed with its checksum, not data to load
        records = item.get("records")
        if isinstance(records, dict):
            records = records.get("total")
        entries[item["name"]] = _entry(item["name"], item.get("bytes"), item.get("sha256"),
                                       records, f"manifest.json files[{i}]")
    return Manifest("manifest-json", str(delivery) if delivery else None, entries)


def _csv(data: bytes, name: str) -> dict[str, Entry]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestUnreadable(f"{name} is not UTF-8 ({exc.reason} at byte "
                                 f"{exc.start})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(c.strip().lower() for c in rows[0]) != CSV_HEADER:
        raise ManifestUnreadable(f"{name}: the first line must be {','.join(CSV_HEADER)}")
    entries: dict[str, Entry] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            raise ManifestUnreadable(f"{name} line {number}: four cells expected, "
                                     f"{len(row)} found")
        entries[row[0].strip()] = _entry(row[0].strip(), row[1].strip(), row[2].strip(),
                                         row[3].strip() or None, f"{name} line {number}")
    return entries


def _entry(name: str, size: object, sha256: object, records: object, where: str) -> Entry:
    def number(label: str, value: object) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
        raise ManifestUnreadable(f"{where}: {label} {value!r} is not a whole number")

    digest = str(sha256).strip().lower() if sha256 else None
    if digest is not None and not _SHA256.match(digest):
        raise ManifestUnreadable(f"{where}: sha256 {sha256!r} is not 64 hexadecimal digits")
    if ".." in name.split("/") or name.startswith("/"):
        raise ManifestUnreadable(f"{where}: file {name!r} points outside the delivery")
    return Entry(name, number("bytes", size), digest, number("records", records))
