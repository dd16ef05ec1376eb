"""Sending JP data to partners (exchange.md §12, issue 16 item 8).

For each active `send` row of a partner's agreement, the JP publications the row covers
(its kind codes A, B, U, Y; its coverage dates) that no earlier delivery of the row
carried, in the version the store holds now, are packed into one delivery:

- one ZIP per kind and publication day, `JP-{kind}-{YYYYMMDD}.zip`, holding each
  publication's source file exactly as it was received (`{YYYYMMDD}/{file name}`);
- `JP-authority.csv` and `JP-authority.xml`: the WIPO ST.37 authority file of exactly
  what the delivery carries (importing it gives back those publications);
- `SHA256SUMS` and `manifest.json` in the bulk site's format (`tokkyo.model.manifests`,
  bulk.md §3.3).

A delivery is a pure function of what it records (its id, the date it states, the source
blobs of its publications): ZIP entries sorted with the publication day as their time,
JSON keys in a fixed order, no time of building anywhere. Built again it is the same
bytes, which is how a delivery that failed to reach the partner is sent again, and how
`send --again` re-sends one.

It is placed per the row's transport: `inbox` (the partner comes to tokkyo) leaves it in
`{data}/exchange/outbox/{partner}/{delivery}/` for the partner to fetch, kept 90 days
(`run-due` removes older ones); `folder`, `ftp(s)`, `sftp`, `https` push it to the
partner's server through the transports (each file under a temporary name, renamed when
whole), into `{delivery}/`, with an empty `READY` marker written last.

A partner acknowledges with an `ACK` file listing the SHA-256 of the files it received
(one a line, optionally followed by the name, as `sha256sum` writes it), next to the
delivery in the outbox (`outbox/{partner}/{delivery}/ACK`), in tokkyo's inbox as
`inbox/{partner}/{delivery}.ACK`, or on its own server beside the pushed delivery
(`{delivery}/ACK`). Each file's acknowledgement is recorded; a partial ACK lists the
files still missing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tokkyo.errors import TokkyoError
from tokkyo.exchange import st37
from tokkyo.exchange.errors import ExchangeError
from tokkyo.exchange.manifests import MARKER
from tokkyo.exchange.partners import get_partner
from tokkyo.exchange.schedule import Places, due, endpoint, holder
from tokkyo.exchange.st37 import AuthorityEntry
from tokkyo.exchange.transports import open_transport
from tokkyo.exchange.transports.base import RemoteFile
from tokkyo.model import manifests as tokkyo_manifest
from tokkyo.store.blobs import BlobStore
from tokkyo.store.database import Database
from tokkyo.store.repositories import exchange as exchange_rows
from tokkyo.store.repositories import exchange_outbound as repository
from tokkyo.store.repositories.exchange import AgreementRow, PartnerRow
from tokkyo.store.repositories.exchange_outbound import SentRow
from tokkyo.store.types import now_utc

#: The JP kind codes an exchange list names (seed 002): patent application, granted
#: patent, utility model (unexamined), utility model (examined).
KINDS = ("A", "B", "U", "Y")
#: What an agreement's format asks for → the stored source formats that give it: tokkyo
#: sends the JP gazette XML as it was received.
FORMATS = {"xml": ("jp-gazette",)}
OUTBOX_DAYS = 90
ACK = "ACK"
AUTHORITY_CSV = "JP-authority.csv"
AUTHORITY_XML = "JP-authority.xml"
SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
_HASH = re.compile(r"^[0-9a-fA-F]{64}$")


class AckUnreadable(ExchangeError):
    """A partner's ACK file that is not a list of SHA-256 hashes; nothing is recorded."""


@dataclass(frozen=True, slots=True)
class Document:
    """A publication a delivery carries: where it is in the delivery, and its bytes (the
    stored source blob)."""

    publication_id: int
    source_id: int
    kind: str
    st16_kind: str
    number: str
    date: dt.date
    blob_sha256: str
    entry: str            # "{zip name}/{entry}"

    @property
    def authority(self) -> AuthorityEntry:
        return AuthorityEntry("JP", st37.normalise_number("JP", self.number), self.st16_kind,
                              self.date)


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a delivery's bytes follow from."""

    partner: str
    key: str
    product: str
    schema: str
    produced_on: dt.date
    documents: tuple[Document, ...]


@dataclass(frozen=True, slots=True)
class BuiltFile:
    name: str
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Built:
    """A delivery built in `folder`: its files (data and authority files, as SHA256SUMS
    lists them) and the SHA-256 of its SHA256SUMS."""

    folder: Path
    files: tuple[BuiltFile, ...]
    sums_sha256: str


@dataclass(frozen=True, slots=True)
class Ack:
    """What a partner's ACK says of a delivery."""

    partner: str
    delivery: str
    acknowledged: tuple[str, ...]       # file names
    missing: tuple[str, ...]
    unknown: tuple[str, ...]            # listed hashes the delivery has no file for

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_json(self) -> dict[str, Any]:
        return {"partner": self.partner, "delivery": self.delivery,
                "complete": self.complete, "acknowledged": list(self.acknowledged),
                "missing": list(self.missing), "unknown": list(self.unknown)}


@dataclass(frozen=True, slots=True)
class Sent:
    """A delivery placed with a partner by this run."""

    partner: str
    delivery: str
    agreement_id: int | None
    placement: str
    destination: str
    documents: int
    files: tuple[BuiltFile, ...]
    again: bool = False          # built and placed again (byte-identical), not new


@dataclass
class SendRun:
    """What one send did for one partner."""

    partner: str
    sent: list[Sent] = field(default_factory=list)
    nothing_new: list[int] = field(default_factory=list)      # agreement ids
    acks: list[Ack] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)           # outbox deliveries
    failures: list[str] = field(default_factory=list)
    busy: bool = False


# --- building ---------------------------------------------------------------------------

def delivery_key(agreement_id: int, sequence: int) -> str:
    return f"jp-{agreement_id}-{sequence:05d}"


def layout(items: Iterable[repository.Sendable]) -> list[Document]:
    """Where each publication goes: `JP-{kind}-{YYYYMMDD}.zip`, entry
    `{YYYYMMDD}/{received file name}` (the number's when the name is taken or empty)."""
    documents: list[Document] = []
    ordered = sorted(items, key=lambda s: (s.kind, s.date, s.number, s.publication_id))
    for (kind, day), group in groupby(ordered, key=lambda s: (s.kind, s.date)):
        archive = f"JP-{kind}-{day:%Y%m%d}.zip"
        taken: set[str] = set()
        for item in group:
            name = item.source_name.replace("\\", "/").rsplit("/", 1)[-1]
            if not name or name in taken:
                name = f"{item.number}-{item.publication_id}.xml"
            taken.add(name)
            documents.append(Document(item.publication_id, item.source_id, item.kind,
                                      item.st16_kind, item.number, day, item.blob_sha256,
                                      f"{archive}/{day:%Y%m%d}/{name}"))
    return documents


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes, day: dt.date) -> None:
    """An entry whose bytes depend on nothing but its name, data and day."""
    info = zipfile.ZipInfo(name, date_time=(max(day.year, 1980), day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    archive.writestr(info, data, compresslevel=6)


def _file(path: Path) -> BuiltFile:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return BuiltFile(path.name, path.stat().st_size, digest.hexdigest())


def build(plan: Plan, blobs: BlobStore, folder: Path) -> Built:
    """Write the delivery of `plan` into `folder` (emptied first)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: list[BuiltFile] = []
    entries: list[dict[str, Any]] = []
    by_archive = groupby(plan.documents, key=lambda d: d.entry.split("/", 1)[0])
    for archive_name, group in by_archive:
        items = sorted(group, key=lambda d: d.entry)
        path = folder / archive_name
        with zipfile.ZipFile(path, "w") as archive:
            for doc in items:
                _zip_entry(archive, doc.entry.split("/", 1)[1], blobs.get(doc.blob_sha256),
                           doc.date)
        built = _file(path)
        files.append(built)
        entries.append(tokkyo_manifest.file_entry(
            name=built.name, size=built.bytes, sha256=built.sha256,
            media_type="application/zip", records=len(items), new=len(items),
            coverage_from=items[0].date.isoformat(), coverage_to=items[-1].date.isoformat()))
    listed = [d.authority for d in plan.documents]
    for name, data, media in (
            (AUTHORITY_CSV, st37.write_csv(listed), "text/csv"),
            (AUTHORITY_XML, st37.write_xml(listed, office="JP", produced=plan.produced_on),
             "application/xml")):
        (folder / name).write_bytes(data)
        built = _file(folder / name)
        files.append(built)
        entries.append(tokkyo_manifest.file_entry(
            name=name, size=built.bytes, sha256=built.sha256, media_type=media,
            records=len(listed)))
    files.sort(key=lambda f: f.name)
    entries.sort(key=lambda e: e["name"])
    sums = tokkyo_manifest.sha256sums((f.name, f.sha256) for f in files).encode("utf-8")
    (folder / SUMS).write_bytes(sums)
    dates = [d.date for d in plan.documents]
    manifest = {
        "format": tokkyo_manifest.FORMAT, "version": tokkyo_manifest.VERSION,
        "product": plan.product, "delivery": plan.key, "release": plan.key, "revision": 1,
        "type": "delta", "from": "JP", "to": plan.partner,
        "period": {"from": min(dates).isoformat() if dates else "",
                   "to": max(dates).isoformat() if dates else ""},
        "published_at": f"{plan.produced_on.isoformat()}T00:00:00+09:00",
        "schema": plan.schema, "documents": len(plan.documents),
        "files": entries, "superseded": [], "completeness": "",
        "authority_file": {"csv": AUTHORITY_CSV, "xml": AUTHORITY_XML},
    }
    (folder / MANIFEST).write_bytes(tokkyo_manifest.dump(manifest))
    return Built(folder, tuple(files), hashlib.sha256(sums).hexdigest())


def recorded_plan(conn: sa.Connection, partner: PartnerRow, row: SentRow) -> Plan:
    """The plan of a delivery already recorded: what builds it again byte for byte."""
    agreement = (exchange_rows.agreement(conn, row.agreement_id)
                 if row.agreement_id is not None else None)
    documents = tuple(Document(d.publication_id, d.source_id, d.kind, d.st16_kind, d.number,
                               d.date or row.produced_on, d.blob_sha256, d.entry)
                      for d in repository.sent_documents(conn, row.id))
    return Plan(partner.code, row.delivery_key, _product(agreement), _schema(agreement),
                row.produced_on, documents)


def _product(agreement: AgreementRow | None) -> str:
    return agreement.product if agreement is not None else "publication data"


def _schema(agreement: AgreementRow | None) -> str:
    if agreement is not None and agreement.schema_version:
        return agreement.schema_version
    return "jp-official-gazette"


# --- what an agreement row sends --------------------------------------------------------

def check_sending(agreement: AgreementRow) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The kinds and stored source formats a sending row asks for; ExchangeError saying
    why tokkyo cannot send what it asks."""
    if agreement.ip_right != "patent":
        raise ExchangeError(f"tokkyo sends JP patent and utility model "
                            f"publications, not {agreement.ip_right} data")
    if agreement.content == "image":
        raise ExchangeError("content image cannot be sent: tokkyo sends the "
                            "gazette XML (content text or bibliographic)")
    formats = FORMATS.get(agreement.format.strip().lower())
    if formats is None:
        raise ExchangeError(f"format {agreement.format} cannot be sent: tokkyo "
                            f"sends the JP gazette XML as received (format "
                            f"{', '.join(f.upper() for f in FORMATS)})")
    kinds = tuple(k for k in agreement.kind_codes.split(",") if k) or KINDS
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ExchangeError(f"kind code(s) {', '.join(unknown)} are not JP "
                            f"publication kinds tokkyo sends ({', '.join(KINDS)})")
    return kinds, formats


def outbox(places: Places, partner: str) -> Path:
    return places.root / "outbox" / partner


def _building(places: Places, partner: str, key: str) -> Path:
    return places.root / "building" / partner / key


# --- sending ----------------------------------------------------------------------------

def send(db: Database, places: Places, code: str, *, secret: bytes | None,
         today: dt.date | None = None, only_due: bool = False,
         now: dt.datetime | None = None) -> SendRun:
    """One partner now: every active sending row (only those due with `only_due`) builds
    and places what it has not sent yet; a delivery recorded but not placed (the last
    push failed) is placed again first; the partner's ACK files are recorded."""
    with db.read_primary() as conn:
        partner = get_partner(conn, code)
    run = SendRun(partner.code)
    lease = f"send:{partner.code}"
    me = holder()
    clock = now or now_utc()
    with db.transaction() as conn:
        if not exchange_rows.take_lease(conn, lease, me, now_utc() + dt.timedelta(minutes=30)):
            run.busy = True
            return run
        agreements = [a for a in exchange_rows.agreements(conn, partner.id)
                      if a.active and a.direction == "send"]
    try:
        if not agreements and not only_due:
            raise ExchangeError(f"partner {partner.code} has no active sending agreement; "
                                f"add one with `tokkyo exchange agreements add "
                                f"{partner.code} --direction send --format XML …`")
        for agreement in agreements:
            if only_due and not due(agreement, clock):
                continue
            try:
                _send_agreement(db, places, partner, agreement, run, secret,
                                today or clock.date())
            except TokkyoError as exc:
                run.failures.append(f"agreement {agreement.id}: {exc}")
        collect_acks(db, places, partner, run, secret)
    finally:
        with db.transaction() as conn:
            exchange_rows.release_lease(conn, lease, me)
    return run


def _send_agreement(db: Database, places: Places, partner: PartnerRow,
                    agreement: AgreementRow, run: SendRun, secret: bytes | None,
                    today: dt.date) -> None:
    kinds, formats = check_sending(agreement)
    placement = "outbox" if agreement.transport == "inbox" else "push"
    if placement == "push" and not agreement.endpoint_url:
        raise ExchangeError(f"transport {agreement.transport} needs the partner's server "
                            "URL (agreements edit --url)")
    with db.read_primary() as conn:
        waiting = repository.sent_of(conn, partner.id, state="built",
                                     agreement_id=agreement.id)
        plans = [(row, recorded_plan(conn, partner, row)) for row in waiting]
    for row, plan in plans:                  # recorded, never placed: the same bytes again
        built = build(plan, db.blobs, _building(places, partner.code, plan.key))
        if built.sums_sha256 != row.sums_sha256:
            raise ExchangeError(f"delivery {row.delivery_key} does not build to the bytes "
                                "recorded (a stored source blob changed?); not sent")
        _place(db, places, partner, agreement, row.id, built, plan, run, secret,
               again=True)
    with db.read_primary() as conn:
        items = repository.sendable(conn, agreement.id, kinds, formats,
                                    since=agreement.coverage_from,
                                    until=agreement.coverage_to)
        sequence = repository.next_sequence(conn, agreement.id)
    if not items:
        run.nothing_new.append(agreement.id)
        with db.transaction() as conn:
            exchange_rows.set_last_success(conn, agreement.id, now_utc())
        return
    plan = Plan(partner.code, delivery_key(agreement.id, sequence), _product(agreement),
                _schema(agreement), today, tuple(layout(items)))
    built = build(plan, db.blobs, _building(places, partner.code, plan.key))
    with db.transaction() as conn:
        sent_id = repository.add_sent(
            conn, {"partner_id": partner.id, "agreement_id": agreement.id,
                   "delivery_key": plan.key, "sequence": sequence,
                   "produced_on": plan.produced_on, "placement": placement,
                   "state": "built", "sums_sha256": built.sums_sha256,
                   "documents": len(plan.documents), "created_at": now_utc()},
            [(f.name, f.bytes, f.sha256) for f in built.files],
            [{"publication_id": d.publication_id, "source_id": d.source_id,
              "kind": d.kind, "st16_kind": d.st16_kind, "number": d.number,
              "date": d.date, "blob_sha256": d.blob_sha256, "entry": d.entry}
             for d in plan.documents])
    _place(db, places, partner, agreement, sent_id, built, plan, run, secret, again=False)


def _place(db: Database, places: Places, partner: PartnerRow, agreement: AgreementRow,
           sent_id: int, built: Built, plan: Plan, run: SendRun, secret: bytes | None, *,
           again: bool) -> None:
    """Put a built delivery where the partner takes it, then record it placed."""
    names = [f.name for f in built.files] + [SUMS, MANIFEST]
    if agreement.transport == "inbox":
        target = outbox(places, partner.code) / plan.key
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        built.folder.replace(target)                     # one rename: whole or absent
        placement, destination = "outbox", str(target)
    else:
        transport = open_transport(endpoint(agreement, secret))
        try:
            for name in names:
                transport.put(built.folder / name, f"{plan.key}/{name}")
            marker = built.folder / MARKER
            marker.write_bytes(b"")
            transport.put(marker, f"{plan.key}/{MARKER}")   # last: the delivery is whole
        finally:
            transport.close()
        shutil.rmtree(built.folder)
        placement = "push"
        destination = f"{agreement.endpoint_url.rstrip('/')}/{plan.key}/"
    with db.transaction() as conn:
        repository.mark_placed(conn, sent_id, destination, now_utc())
        exchange_rows.set_last_success(conn, agreement.id, now_utc())
    run.sent.append(Sent(partner.code, plan.key, agreement.id, placement, destination,
                         len(plan.documents), built.files, again))


def send_again(db: Database, places: Places, code: str, key: str, *,
               secret: bytes | None) -> SendRun:
    """Build a delivery sent before again, from what it recorded, and place it again: the
    same bytes as the first time (checked against the recorded SHA256SUMS)."""
    with db.read_primary() as conn:
        partner = get_partner(conn, code)
        row = repository.sent_by_key(conn, partner.id, key)
        if row is None:
            raise ExchangeError(f"partner {partner.code} was sent no delivery {key!r}; see "
                                f"`tokkyo exchange partners show {partner.code}`")
        agreement = (exchange_rows.agreement(conn, row.agreement_id)
                     if row.agreement_id is not None else None)
        if agreement is None:
            raise ExchangeError(f"delivery {key}: its agreement was deleted; nowhere to "
                                "send it")
        plan = recorded_plan(conn, partner, row)
    run = SendRun(partner.code)
    built = build(plan, db.blobs, _building(places, partner.code, key))
    if built.sums_sha256 != row.sums_sha256:
        raise ExchangeError(f"delivery {key} does not build to the bytes recorded; not sent")
    _place(db, places, partner, agreement, row.id, built, plan, run, secret, again=True)
    return run


# --- acknowledgements -------------------------------------------------------------------

def read_ack(data: bytes) -> list[str]:
    """The SHA-256 hashes an ACK lists: the first word of each line (`sha256sum` lines
    too); blank lines and `#` comments skipped. AckUnreadable names the first bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AckUnreadable(f"ACK is not UTF-8 text (byte {exc.start})") from None
    hashes: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if not _HASH.match(words[0]):
            raise AckUnreadable(f"ACK line {number}: {words[0][:80]!r} is not a SHA-256 "
                                "(64 hexadecimal digits)")
        hashes.append(words[0].lower())
    return hashes


def record_ack(db: Database, code: str, key: str, data: bytes) -> Ack:
    """Record a partner's ACK of delivery `key`: the files whose SHA-256 it lists are
    acknowledged; the result names those still missing. AckUnreadable or ExchangeError
    (nothing recorded) when the ACK cannot be read or names no delivery sent."""
    hashes = read_ack(data)
    with db.transaction() as conn:
        partner = get_partner(conn, code)
        row = repository.sent_by_key(conn, partner.id, key)
        if row is None:
            raise ExchangeError(f"ACK for {key!r}: partner {partner.code} was sent no such "
                                "delivery")
        repository.record_ack(conn, row.id, hashes, hashlib.sha256(data).hexdigest(),
                              now_utc())
        return ack_state(conn, partner.code, row, hashes)


def ack_state(conn: sa.Connection, partner: str, row: SentRow,
              listed: Iterable[str] | None = None) -> Ack:
    """Which files of a sent delivery are acknowledged, which not."""
    files = repository.sent_files(conn, row.id)
    known = {f.sha256 for f in files}
    return Ack(partner, row.delivery_key,
               tuple(f.name for f in files if f.acked_at is not None),
               tuple(f.name for f in files if f.acked_at is None),
               tuple(sorted(set(listed or ()) - known)))


def collect_acks(db: Database, places: Places, partner: PartnerRow, run: SendRun,
                 secret: bytes | None) -> None:
    """Record every new ACK of the partner's placed deliveries: in the outbox beside the
    delivery, in the inbox as `{delivery}.ACK`, on the partner's server beside a pushed
    delivery. An ACK already recorded (same bytes) is not read again."""
    with db.read_primary() as conn:
        placed = [r for r in repository.sent_of(conn, partner.id, state="placed")
                  if r.ack_at is None or len(ack_state(conn, partner.code, r).missing)]
        agreements = {a.id: a for a in exchange_rows.agreements(conn, partner.id)}
    for row in placed:
        found: list[tuple[str, bytes]] = []
        for path in (outbox(places, partner.code) / row.delivery_key / ACK,
                     places.inbox(partner.code) / f"{row.delivery_key}.{ACK}"):
            if path.is_file() and not path.is_symlink():
                found.append((str(path), path.read_bytes()))
        agreement = agreements.get(row.agreement_id or 0)
        if row.placement == "push" and agreement is not None and agreement.endpoint_url:
            try:
                remote = _remote_ack(agreement, row.delivery_key, places, partner.code,
                                     secret)
            except TokkyoError as exc:
                run.failures.append(f"ACK of {row.delivery_key}: {exc}")
                remote = None
            if remote is not None:
                found.append((f"{agreement.endpoint_url}/{row.delivery_key}/{ACK}", remote))
        for where, data in found:
            if hashlib.sha256(data).hexdigest() == row.ack_sha256:
                continue
            try:
                run.acks.append(record_ack(db, partner.code, row.delivery_key, data))
            except TokkyoError as exc:
                run.failures.append(f"{where}: {exc}")


def _remote_ack(agreement: AgreementRow, key: str, places: Places, partner: str,
                secret: bytes | None) -> bytes | None:
    transport = open_transport(endpoint(agreement, secret))
    try:
        listing = {r.path: r for r in transport.list(key)}
        remote: RemoteFile | None = listing.get(f"{key}/{ACK}")
        if remote is None:
            return None
        local = places.root / "building" / partner / f".{key}.{ACK}"
        local.parent.mkdir(parents=True, exist_ok=True)
        local.unlink(missing_ok=True)
        transport.fetch(remote, local)
        data = local.read_bytes()
        local.unlink()
        return data
    finally:
        transport.close()


# --- the scheduled run ------------------------------------------------------------------

def remove_old(db: Database, places: Places, now: dt.datetime | None = None,
               keep: dt.timedelta = dt.timedelta(days=OUTBOX_DAYS)) -> list[str]:
    """Remove the outbox deliveries placed longer ago than `keep`; their records stay."""
    clock = now or now_utc()
    with db.read_primary() as conn:
        old = repository.placed_before(conn, "outbox", clock - keep)
        codes = {p.id: p.code for p in exchange_rows.partners(conn)}
    removed: list[str] = []
    for row in old:
        folder = outbox(places, codes[row.partner_id]) / row.delivery_key
        if folder.exists():
            shutil.rmtree(folder)
        with db.transaction() as conn:
            repository.mark_removed(conn, row.id, now_utc())
        removed.append(f"{codes[row.partner_id]}/{row.delivery_key}")
    return removed


def run_due(db: Database, places: Places, *, secret: bytes | None,
            now: dt.datetime | None = None,
            on_partner: Callable[[SendRun], None] | None = None) -> list[SendRun]:
    """Every partner with an active sending row: the rows due on their frequency send,
    ACKs are recorded; then outbox deliveries older than 90 days are removed (reported
    on the first partner's run, or a run of their own)."""
    with db.read_primary() as conn:
        partners = [p for p in exchange_rows.partners(conn)
                    if any(a.active and a.direction == "send"
                           for a in exchange_rows.agreements(conn, p.id))]
    runs: list[SendRun] = []
    for partner in partners:
        run = send(db, places, partner.code, secret=secret, only_due=True, now=now)
        runs.append(run)
    removed = remove_old(db, places, now)
    if removed:
        if not runs:
            runs.append(SendRun(""))
        runs[0].removed.extend(removed)
    if on_partner is not None:
        for run in runs:
            on_partner(run)
    return runs


def sent_json(conn: sa.Connection, code: str) -> list[dict[str, Any]]:
    """The deliveries sent to a partner, newest first, with their ACK state."""
    partner = get_partner(conn, code)
    out: list[dict[str, Any]] = []
    for row in reversed(repository.sent_of(conn, partner.id)):
        ack = ack_state(conn, partner.code, row)
        out.append({"delivery": row.delivery_key, "agreement": row.agreement_id,
                    "state": row.state, "placement": row.placement,
                    "destination": row.destination, "documents": row.documents,
                    "produced_on": row.produced_on.isoformat(),
                    "placed_at": row.placed_at.isoformat() if row.placed_at else None,
                    "ack_at": row.ack_at.isoformat() if row.ack_at else None,
                    "acknowledged": list(ack.acknowledged), "missing": list(ack.missing)})
    return out
