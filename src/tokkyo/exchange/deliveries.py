"""Receiving one delivery from a partner (exchange.md §4–§6), idempotent and never
half-loaded.

A delivery is a folder: the inbox's `{partner}/{delivery_id}/`, a pull's staging copy, or
a folder an operator imports. Per file: received → verified (size and SHA-256 against the
manifest; ZIP integrity, traversal, links, bombs) → parsed (by ingest's readers) → loaded |
quarantined | duplicate (its SHA-256 is that of a file some delivery loaded already). Per
delivery: loaded | partially-loaded | quarantined | rejected | already-loaded.

- Loading goes through ingest (`Ingestor`), one batch per file, so a file loads whole or
  not at all, and documents are upserted by their key: a revision (same delivery id, new
  content) replaces what changed and keeps the earlier versions (ingest's `sources`).
- With `all-or-nothing` in the agreement, any quarantined file holds back every file of the
  delivery (`held-back`): nothing of it loads.
- Deletions only as the partner lists them (DOCDB `status="D"`, which the DOCDB reader
  gives as `deletions`); never inferred from absence.
- Every file and every document the delivery carried gets a row, and the delivery a JSON
  report; its quality report (exchange/reports.py), computed from those rows in the same
  transaction, is part of it (`quality`): one report per delivery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tokkyo.exchange import manifests, reports, verify
from tokkyo.exchange.errors import DeliveryNotFound, ExchangeError
from tokkyo.exchange.manifests import Manifest, ManifestUnreadable
from tokkyo.exchange.partners import get_agreement, get_partner
from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.foreign.reading import DocumentKey
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.ingest.items import expand
from tokkyo.ingest.parsed import Delivery, Parsed
from tokkyo.ingest.prepare import Prepared, SkippedItem, ready
from tokkyo.ingest.readers import parse
from tokkyo.ingest.service import Ingestor, RunReport
from tokkyo.model.documents import Publication
from tokkyo.store.blobs import BlobStore
from tokkyo.store.database import Database
from tokkyo.store.repositories import exchange as repository
from tokkyo.store.repositories.exchange import AgreementRow
from tokkyo.store.types import now_utc

LOADED_STATES = ("loaded", "partially-loaded", "already-loaded")


@dataclass
class FileResult:
    """One file of a delivery as the pipeline saw it."""

    name: str
    path: Path
    bytes: int
    sha256: str
    state: str = "received"
    format: str = ""
    records: int | None = None
    expected_records: int | None = None
    error_code: str = ""
    error_line: int | None = None
    error_column: int | None = None
    error_message: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, code: str, message: str, line: int | None = None,
             column: int | None = None) -> None:
        self.state = "quarantined"
        self.error_code, self.error_message = code, message
        self.error_line, self.error_column = line, column

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "bytes": self.bytes, "sha256": self.sha256,
                               "format": self.format, "state": self.state,
                               "records": self.records,
                               "expected_records": self.expected_records}
        if self.error_code:
            out["error"] = {"code": self.error_code, "line": self.error_line,
                            "column": self.error_column, "message": self.error_message}
        return out


@dataclass
class Received:
    """What became of one delivery: its row's id, id, revision, state and report."""

    id: int
    partner: str
    delivery: str
    revision: int
    state: str
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.state in ("loaded", "already-loaded")


def receive(db: Database, partner_code: str, folder: Path, *, origin: str,
            delivery_key: str | None = None, agreement_id: int | None = None,
            source: str = "", tolerant: bool | None = None) -> Received:
    """Receive the delivery in `folder` from partner `partner_code` (see the module's
    docstring). `delivery_key`: the id to use when the manifest gives none (the inbox's or
    the imported folder's name); None falls back to the SHA-256 of the sorted file hashes.
    `agreement_id`: the agreement it belongs to (default: the partner's first active
    receiving agreement, if any). `tolerant`: repair files that are not well-formed (the
    agreement's setting by default)."""
    if not folder.is_dir():
        raise ExchangeError(f"{folder}: no such folder")
    with db.transaction() as conn:
        partner = get_partner(conn, partner_code)
        agreement = _agreement(conn, partner.id, agreement_id)
    repair = agreement.tolerant if tolerant is None and agreement else bool(tolerant)
    problems: list[str] = []
    results: list[FileResult] = []
    rejected: str = ""
    try:
        manifest = manifests.read(folder)
    except ManifestUnreadable as exc:
        manifest, rejected = Manifest("no-manifest"), str(exc)
    for path, name in _data_files(folder):
        if path.is_symlink():
            result = FileResult(name, path, 0, hashlib.sha256(b"").hexdigest())
            result.fail("link", f"{name} is a symbolic link; not followed")
        else:
            size, digest = verify.digest(path)
            result = FileResult(name, path, size, digest)
        results.append(result)
    if not results and not rejected:
        rejected = "the delivery holds no data file"
    hashes = sorted(r.sha256 for r in results)
    content = hashlib.sha256("\n".join(f"{r.sha256}  {r.name}" for r in sorted(
        results, key=lambda r: r.name)).encode("utf-8")).hexdigest()
    key = manifest.delivery_id or delivery_key or hashlib.sha256(
        "\n".join(hashes).encode("ascii")).hexdigest()

    with db.transaction() as conn:
        latest = repository.latest_delivery(conn, partner.id, key)
        same = latest is not None and latest.content_sha256 == content \
            and latest.state in LOADED_STATES
        revision = 1 if latest is None else latest.revision + (0 if same else 1)
        delivery_id = repository.start_delivery(conn, {
            "partner_id": partner.id, "agreement_id": agreement.id if agreement else None,
            "delivery_key": key, "revision": revision, "origin": origin,
            "source": source or str(folder), "manifest": manifest.kind,
            "content_sha256": content})

    if same:
        for result in results:
            result.state = "duplicate"
        state = "already-loaded"
    elif rejected:
        state = "rejected"
    else:
        missing = sorted(set(manifest.entries) - {r.name for r in results})
        if missing:
            rejected = ("the manifest lists file(s) the delivery does not hold: "
                        + ", ".join(missing))
            state = "rejected"
        else:
            state = _process(db, results, manifest, agreement, repair, key, partner.code,
                             problems)
    if state == "rejected":
        for result in results:
            if result.state not in ("quarantined",):
                result.state = "held-back"
        problems.insert(0, rejected)

    report = _report(partner.code, key, revision, state, manifest.kind, results, problems)
    with db.transaction() as conn:
        for result in results:
            file_id = repository.add_file(conn, {
                "delivery_id": delivery_id, "name": result.name, "bytes": result.bytes,
                "sha256": result.sha256, "format": result.format, "state": result.state,
                "records": result.records, "expected_records": result.expected_records,
                "error_code": result.error_code, "error_line": result.error_line,
                "error_column": result.error_column,
                "error_message": result.error_message[:4000]})
            repository.add_documents(conn, [{"delivery_id": delivery_id, "file_id": file_id,
                                             **doc} for doc in result.documents])
        repository.finish_delivery(conn, delivery_id, state,
                                   json.dumps(report, ensure_ascii=False, sort_keys=True))
        if agreement is not None and state in LOADED_STATES:
            repository.set_last_success(conn, agreement.id, now_utc())
    # the quality report, computed from the rows just recorded, becomes part of the
    # delivery's report (a transaction of its own: the record of what was loaded stands
    # whatever happens to the report)
    with db.transaction() as conn:
        quality = reports.store_quality(conn, delivery_id)
    if quality is not None:
        report["quality"] = quality
    return Received(delivery_id, partner.code, key, revision, state, report)


def _agreement(conn: sa.Connection, partner_id: int, agreement_id: int | None
               ) -> AgreementRow | None:
    if agreement_id is not None:
        row = get_agreement(conn, agreement_id)
        if row.partner_id != partner_id:
            raise ExchangeError(f"agreement {agreement_id} is another partner's")
        return row
    rows = [a for a in repository.agreements(conn, partner_id)
            if a.active and a.direction == "receive"]
    return rows[0] if rows else None


def _data_files(folder: Path) -> list[tuple[Path, str]]:
    """(path, name relative to the delivery) of every data file, in name order."""
    found: list[tuple[Path, str]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            name = path.relative_to(folder).as_posix()
            if filename.startswith(".") or manifests.is_metadata(name):
                continue
            found.append((path, name))
    return found


def _process(db: Database, results: list[FileResult], manifest: Manifest,
             agreement: AgreementRow | None, tolerant: bool, key: str, partner: str,
             problems: list[str]) -> str:
    listed = manifest.kind in ("manifest-json", "manifest-csv")
    for result in results:
        if result.state != "received":
            continue
        entry = manifest.entries.get(result.name)
        if entry is not None:
            result.expected_records = entry.records
        problem = verify.against_manifest(result.name, result.bytes, result.sha256, entry,
                                          listed) or verify.archive(result.path)
        if problem is not None:
            result.fail(problem.code, problem.message)
        else:
            result.state = "verified"
    with db.read_primary() as conn:
        done = repository.loaded_hashes(conn, (r.sha256 for r in results
                                               if r.state == "verified"))
    for result in results:
        if result.state == "verified" and result.sha256 in done:
            result.state = "duplicate"
    prefix = f"exchange/{partner}/{key}/"
    hold = agreement is not None and agreement.all_or_nothing
    if hold:
        # every file is read before any loads: one quarantined file holds all back
        for result in results:
            if result.state == "verified":
                _read(result, tolerant, prefix, None)
        if manifest.statistics:
            problems += _against_statistics(manifest, results)
        if any(r.state == "quarantined" for r in results):
            for result in results:
                if result.state == "parsed":
                    result.state = "held-back"
                    for doc in result.documents:
                        doc["outcome"] = "held-back"
            problems.append("all-or-nothing: a quarantined file holds back the whole "
                            "delivery; nothing of it was loaded")
            return "quarantined"
    ingestor = Ingestor(db.engine, db.blobs, workers=0, label=f"exchange {partner} {key}",
                        tolerant=tolerant)
    run = ingestor.start()
    try:
        for result in results:
            if result.state in ("verified", "parsed"):
                # read (again, under all-or-nothing) and loaded file by file: one parse
                # each, and a file is one batch, whole or not at all
                items = _read(result, tolerant, prefix, db.blobs)
                if items is not None:
                    _load(ingestor, run, result, items)
    finally:
        ingestor.finish(run)
    if manifest.statistics and not hold:
        problems += _against_statistics(manifest, results)
    states = Counter(r.state for r in results)
    if states["quarantined"] and states["loaded"]:
        return "partially-loaded"
    if states["quarantined"]:
        return "quarantined"
    if states["loaded"]:
        return "loaded"
    return "already-loaded"          # every file was a duplicate


def _read(result: FileResult, tolerant: bool, prefix: str,
          blobs: BlobStore | None) -> list[Prepared] | None:
    """Parse the file's items (a ZIP's members each); on the first failure the file is
    quarantined with the error's code and position. With `blobs` (the blob store),
    the items made ready to load (`Ready`, their bytes in the blob store)."""
    data = result.path.read_bytes()
    documents: list[dict[str, Any]] = []
    formats: list[str] = []
    prepared: list[Prepared] = []
    for item in expand(prefix + result.name, data):
        try:
            read = parse(item, tolerant=tolerant)
        except Skipped as exc:
            prepared.append(SkippedItem(item.name, exc.reason))
            continue
        except ParseFailure as exc:
            result.format = exc.format or result.format
            result.fail(exc.code, exc.message, exc.line or None, exc.column or None)
            return None
        except Rejected as exc:
            result.format = exc.format or result.format
            code = "zip-traversal" if "zip-traversal" in exc.reason else "unreadable"
            result.fail(code, exc.reason)
            return None
        formats.append(read.format)
        documents += _documents(read)
        if blobs is not None:
            prepared.append(ready(item, read, blobs))
    result.format = ",".join(dict.fromkeys(formats))
    result.documents = documents
    result.records = sum(1 for d in documents if d["outcome"] != "deleted")
    result.state = "parsed"
    return prepared


def _documents(read: Parsed) -> list[dict[str, Any]]:
    """A row per document of a parsed item (outcome `loaded` until ingest says
    otherwise), and one per deletion it lists."""
    payload = read.payload
    if isinstance(payload, Publication):
        pubs: tuple[Publication, ...] = (payload,)
        deletions: tuple[DocumentKey, ...] = ()
        events: set[tuple[str, str, str]] = set()
    elif isinstance(payload, Delivery):
        pubs, deletions = payload.publications, payload.deletions
        events = {(e.document.country, e.document.kind, e.document.number)
                  for e in payload.events}
    else:
        return []
    rows = []
    for pub in pubs:
        sections = [name for name, present in (
            ("bibliography", bool(pub.title or pub.parties or pub.classifications)),
            ("abstract", bool(pub.abstract)), ("claims", bool(pub.claims)),
            ("description", bool(pub.paragraphs)), ("drawings", bool(pub.drawings)))
            if present]
        mine = [p for p in read.problems if len(pubs) == 1 or pub.number in p]
        rows.append({"country": pub.country, "kind": pub.kind, "number": pub.number,
                     "publication_date": pub.date, "filing_date": pub.filing_date,
                     "sections_present": ",".join(sections),
                     "legal_status": (pub.country, pub.kind, pub.number) in events,
                     "bibliographic_only": not (pub.abstract or pub.claims or pub.paragraphs),
                     "problems": json.dumps(mine, ensure_ascii=False),
                     "repaired": pub.repaired, "outcome": "loaded"})
    for key in deletions:
        rows.append({"country": key.country, "kind": key.kind, "number": key.number,
                     "publication_date": None, "filing_date": None, "sections_present": "",
                     "legal_status": False, "bibliographic_only": False, "problems": "[]",
                     "repaired": False, "outcome": "deleted"})
    return rows


def _load(ingestor: Ingestor, run: RunReport, result: FileResult,
          prepared: list[Prepared]) -> None:
    """Load one parsed file as one batch (one transaction): whole or not at all."""
    outcomes = ingestor.write(prepared, run)
    statuses = Counter(o.status for o in outcomes)
    if statuses["quarantined"] or statuses["failed"]:
        reasons = [o.reason for o in outcomes if o.status in ("quarantined", "failed")]
        result.fail("store-refused", "; ".join(reasons)[:2000])
        for doc in result.documents:
            doc["outcome"] = "held-back"
        return
    if statuses["unchanged"] and not (statuses["loaded"] or statuses["replaced"]):
        for doc in result.documents:
            if doc["outcome"] == "loaded":
                doc["outcome"] = "unchanged"
    result.state = "loaded"


def _against_statistics(manifest: Manifest, results: list[FileResult]) -> list[str]:
    """Where the delivered records disagree with the DOCDB statistics (count per country
    and kind: created and amended records against the publications read, deleted ones
    against the deletions)."""
    expected: Counter[tuple[str, str, bool]] = Counter()
    for row in manifest.statistics:
        expected[(row.country, row.kind, row.status.upper() == "D")] += row.count
    found: Counter[tuple[str, str, bool]] = Counter()
    for result in results:
        for doc in result.documents:
            found[(doc["country"], doc["kind"], doc["outcome"] == "deleted")] += 1
    lines = []
    for (country, kind, deleted), count in sorted(expected.items()):
        got = found.get((country, kind, deleted), 0)
        if got != count:
            what = "deletions" if deleted else "publications"
            lines.append(f"manifest-counts: the statistics announce {count} {country} {kind} "
                         f"{what}, the delivery carries {got}")
    return lines


def _report(partner: str, key: str, revision: int, state: str, manifest: str,
            results: list[FileResult], problems: list[str]) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    for result in results:
        for doc in result.documents:
            outcomes[doc["outcome"]] += 1
    return {"partner": partner, "delivery": key, "revision": revision, "state": state,
            "manifest": manifest, "files": [r.as_json() for r in results],
            "file_states": dict(Counter(r.state for r in results)),
            "documents": {name: outcomes[name] for name in
                          ("loaded", "unchanged", "deleted", "held-back")},
            "problems": problems,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


# --- reading back -------------------------------------------------------------------------

def delivery_json(conn: sa.Connection, row: repository.DeliveryRow,
                  partner_code: str = "") -> dict[str, Any]:
    """A delivery as the CLI and the admin pages list it."""
    return {"id": row.id, "partner": partner_code, "delivery": row.delivery_key,
            "revision": row.revision, "origin": row.origin, "source": row.source,
            "manifest": row.manifest, "state": row.state,
            "agreement": row.agreement_id,
            "received_at": row.received_at.isoformat(timespec="seconds"),
            "finished_at": row.finished_at.isoformat(timespec="seconds")
            if row.finished_at else None}


def list_deliveries(conn: sa.Connection, code: str | None = None, *, limit: int = 200
                    ) -> list[dict[str, Any]]:
    """The latest deliveries (of one partner, or of all), newest first."""
    codes = {p.id: p.code for p in repository.partners(conn)}
    partner_id = get_partner(conn, code).id if code else None
    return [delivery_json(conn, row, codes.get(row.partner_id, ""))
            for row in repository.deliveries(conn, partner_id, limit=limit)]


def show_delivery(conn: sa.Connection, delivery_id: int) -> dict[str, Any]:
    """One delivery with its report, files and documents."""
    row = repository.delivery(conn, delivery_id)
    if row is None:
        raise DeliveryNotFound(f"no delivery {delivery_id}; see "
                               "`tokkyo exchange deliveries`")
    partner = repository.partner(conn, row.partner_id)
    out = delivery_json(conn, row, partner.code if partner else "")
    out["report"] = json.loads(row.report or "{}")
    out["files"] = [{"name": f.name, "bytes": f.bytes, "sha256": f.sha256,
                     "format": f.format, "state": f.state, "records": f.records,
                     "expected_records": f.expected_records, "error_code": f.error_code,
                     "error_line": f.error_line, "error_column": f.error_column,
                     "error_message": f.error_message}
                    for f in repository.files(conn, delivery_id)]
    out["documents"] = [
        {**{k: v for k, v in d.items() if k not in ("id", "delivery_id")},
         "publication_date": d["publication_date"].isoformat() if d["publication_date"]
         else None,
         "filing_date": d["filing_date"].isoformat() if d["filing_date"] else None,
         "problems": json.loads(d["problems"] or "[]")}
        for d in repository.documents(conn, delivery_id)]
    return out
