"""The demo's partner offices (issue 16, "Done when"): the EPO, the USPTO, CNIPA and WIPO
deliver the real sample files of `samples/foreign` through their inboxes, each delivery
with a `manifest.json`, and `run-due` receives them, as cron would; Singapore has an
agreement and nothing delivered (seed 002's "data has not arrived since 2015"). No server
is needed: the inbox is a folder.

The EPO also has an ST.37 authority file, imported before its delivery arrives. No real
authority file is in the corpus, so the demo writes one from the EP sample documents
themselves (each read by the EP reader: its number, kind and date), and the delivery
leaves the last of them out, so the quality report and the completeness of the holding
name one listed document as missing.

Seeding is done once per store: partners that exist are left as they are, and a partner
that has deliveries gets none again. `summary` is what `tokkyo demo` prints of it: each
partner's row of the status table and its latest delivery's quality report, all computed
from the store."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import cast

from tokkyo.exchange import authority, partners, reports, schedule, st37
from tokkyo.exchange.deliveries import Received
from tokkyo.exchange.schedule import Places
from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.readers import parse
from tokkyo.model.documents import Publication
from tokkyo.store.database import Database
from tokkyo.store.repositories import exchange as repository

#: (code, product, format, frequency, sample folders under samples/foreign, operator text)
PARTNERS = (
    ("EP", "publication data", "ST.36 ep-patent-document", "weekly", ("ep",), ""),
    ("US", "publication data", "USPTO XML, Green Book, pap", "weekly", ("us",), ""),
    ("CN", "publication data", "CNIPA XML", "monthly", ("cn",), ""),
    ("WO", "bibliographic data", "DOCDB, ST.96", "weekly",
     ("docdb", "st96/wipo_st96_v6_examples"), ""),
    ("SG", "publication data", "XML", "quarterly", (), "new MOU being prepared"),
)
DATA_SUFFIXES = (".xml", ".greenbook")
#: The partner whose authority file the demo writes, and who leaves its last file out.
WITH_AUTHORITY_FILE = "EP"


def seed(db: Database, places: Places, foreign: Path) -> list[Received]:
    """Partners, agreements and inbox deliveries of the samples in `foreign`
    (samples/foreign), then one run-due pass; the deliveries received."""
    delivered: list[str] = []
    with db.transaction() as conn:
        for code, product, fmt, frequency, folders, state in PARTNERS:
            if repository.partner_by_code(conn, code) is None:
                partners.add_partner(conn, code, status="signed", public_provision=True,
                                     current_state=state)
                partners.add_agreement(conn, code, {
                    "direction": "receive", "right": "patent", "product": product,
                    "content": "text", "format": fmt, "frequency": frequency,
                    "transport": "inbox", "tolerant": True,
                    "required_sections": "claims,description,abstract"})
            partner = repository.partner_by_code(conn, code)
            assert partner is not None
            if folders and not repository.deliveries(conn, partner.id, limit=1):
                delivered.append(code)
    today = dt.date.today().isoformat()
    for code, _product, _fmt, _frequency, folders, _state in PARTNERS:
        if code in delivered:
            files = [p for folder in folders for p in sorted((foreign / folder).rglob("*"))
                     if p.is_file() and p.suffix.lower() in DATA_SUFFIXES]
            if code == WITH_AUTHORITY_FILE and len(files) > 1:
                with db.transaction() as conn:
                    authority.import_file(conn, code, f"{code}-authority.csv",
                                          st37.write_csv(_listed(files)), "csv")
                files = files[:-1]
            _inbox(places, code, f"{code.lower()}-{today}", files)
    result = schedule.run_due(db, places, secret=None, quiet=dt.timedelta(0))
    return [r for p in result.partners for r in p.received]


def _listed(files: list[Path]) -> list[st37.AuthorityEntry]:
    """Authority file entries for the publications the sample `files` carry."""
    entries: dict[tuple[str, str, str], st37.AuthorityEntry] = {}
    for path in files:
        try:
            read = parse(SourceItem(path.name, path.read_bytes()), tolerant=True)
        except (Rejected, Skipped):
            continue
        payload = read.payload
        pubs = (payload,) if isinstance(payload, Publication) else getattr(
            payload, "publications", ())
        for pub in pubs:
            try:
                entry = st37.entry(pub.country, pub.number, pub.kind, pub.date,
                                   where=path.name)
            except st37.AuthorityFileError:
                continue                 # a sample without a listable number or kind
            entries.setdefault(entry.key, entry)
    return sorted(entries.values(), key=lambda e: e.key)


def _inbox(places: Places, code: str, delivery: str, files: list[Path]) -> None:
    """A delivery as a partner uploads it: the files, manifest.json, READY last."""
    folder = places.inbox(code) / delivery
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in files:
        data = path.read_bytes()
        name = f"{path.parent.name}-{path.name}"
        shutil.copyfile(path, folder / name)
        entries.append({"name": name, "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(), "records": None})
    (folder / "manifest.json").write_text(json.dumps(
        {"format": "tokkyo-manifest", "version": 1, "delivery": delivery,
         "files": entries}, indent=1), "utf-8")
    (folder / "READY").write_bytes(b"")


def summary(db: Database) -> list[str]:
    """One line per partner of the status table (○△× for the agreement, the data
    exchange and public provision, the last delivery, the content, quality C/A/T) and,
    under it, the quality report of each delivery received, as stored with it."""
    lines = []
    with db.read_primary() as conn:
        rows = reports.status_table(conn)
        for row in rows:
            last = row.last_delivery.date().isoformat() if row.last_delivery else "never"
            lines.append(f"{row.partner} {row.name}: agreement {row.agreement}, exchange "
                         f"{row.exchange} ({row.regularity}), public {row.public_provision}, "
                         f"last delivery {last}, content {row.content}, quality C/A/T "
                         f"{row.quality_text()}")
            held = reports.holding_completeness(conn, row.partner)
            if held.has_authority_file:
                lines.append(f"  authority file: {held.listed} listed, {held.delivered} "
                             f"held, missing "
                             + (", ".join(f"{e.country}{e.number}{e.kind}"
                                          for e in held.missing) or "none"))
            for delivery in reports.STORE.deliveries(conn, row.partner):
                report = reports.delivery_report_json(conn, delivery.delivery_id)
                scores = cast(dict[str, float | None], report["scores"])
                lines.append(f"  delivery {delivery.delivery_id} ({delivery.state}): "
                             + ", ".join(f"{name} {_pct(value)}"
                                         for name, value in scores.items()))
        lines += [f"late: {alert.message}" for alert in reports.alerts(conn)]
    return lines


def _pct(value: object) -> str:
    return "–" if not isinstance(value, float | int) else f"{100 * value:.0f}%"
