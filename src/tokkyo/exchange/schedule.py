"""Scheduling without a scheduler in the web process (issue 16, item 3): `tokkyo exchange
run-due`, called by cron or a systemd timer, does every transfer that is due, and
`tokkyo exchange fetch PARTNER` runs one partner now.

- Push: a delivery in `{data}/exchange/inbox/{partner}/{delivery_id}/` is ready when its
  `READY` marker is there (written last by the partner), or, for partners who cannot write
  one, when no file in it has changed (size or time) for the quiet period (10 minutes by
  default). Once received, the folder moves to `{data}/exchange/received/{partner}/`
  (the original bytes are kept, quarantined files included), so the inbox holds only what
  has not been received yet.
- Pull: an agreement with a transport URL is fetched when it is due: never fetched, or
  one period of its frequency since its last success. Each top-level folder on the
  partner's side is a delivery (loose top-level files make one, named by their hashes);
  one whose files are all recorded with their sizes is not fetched again. Files are
  copied to `{data}/exchange/staging/{partner}/{delivery}/`, resuming a partial copy.
- Each partner is worked on under a lease in the database (`exchange_leases`), taken by
  one statement that only one process can win: two run-due processes at once never
  receive the same delivery twice; the other reports the partner busy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tokkyo.errors import TokkyoError
from tokkyo.exchange import reports
from tokkyo.exchange.credentials import unseal
from tokkyo.exchange.deliveries import Received, receive
from tokkyo.exchange.errors import ExchangeError
from tokkyo.exchange.manifests import MARKER, is_metadata
from tokkyo.exchange.partners import get_partner
from tokkyo.exchange.transports import open_transport
from tokkyo.exchange.transports.base import Endpoint, RemoteFile
from tokkyo.store.database import Database
from tokkyo.store.repositories import exchange as repository
from tokkyo.store.repositories.exchange import AgreementRow, PartnerRow
from tokkyo.store.types import now_utc

PERIODS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7),
           "biweekly": dt.timedelta(days=14), "monthly": dt.timedelta(days=30),
           "quarterly": dt.timedelta(days=91)}
DEFAULT_QUIET = dt.timedelta(minutes=10)
LEASE = dt.timedelta(minutes=30)
PULL_TRANSPORTS = ("folder", "ftp", "ftps", "sftp", "https")


@dataclass(frozen=True, slots=True)
class Places:
    """Where exchange keeps its files, under the data folder."""

    root: Path

    @classmethod
    def under(cls, data_dir: Path) -> Places:
        return cls(data_dir / "exchange")

    def inbox(self, partner: str) -> Path:
        return self.root / "inbox" / partner

    def staging(self, partner: str) -> Path:
        return self.root / "staging" / partner

    def received(self, partner: str) -> Path:
        return self.root / "received" / partner

    def reports(self, partner: str) -> Path:
        """Where a partner fetches the quality reports of its deliveries."""
        return self.root / "outbox" / partner / "reports"


@dataclass
class PartnerRun:
    """What one run did for one partner."""

    partner: str
    received: list[Received] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)     # reports.alerts' messages
    waiting: list[str] = field(default_factory=list)    # inbox folders not ready yet
    busy: bool = False


@dataclass
class RunDue:
    partners: list[PartnerRun] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(p.failures or any(r.state not in ("loaded", "already-loaded")
                                     for r in p.received) for p in self.partners)

    @property
    def late(self) -> bool:
        return any(p.late for p in self.partners)


def holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_due(db: Database, places: Places, *, secret: bytes | None,
            quiet: dt.timedelta = DEFAULT_QUIET, now: dt.datetime | None = None,
            on_partner: Callable[[PartnerRun], None] | None = None) -> RunDue:
    """Every partner with an active receiving agreement or an inbox folder: its ready
    inbox deliveries, its due pulls, and whether it is late."""
    with db.read_primary() as conn:
        partners = repository.partners(conn)
    out = RunDue()
    for partner in partners:
        run = run_partner(db, places, partner, secret=secret, quiet=quiet, now=now,
                          only_due=True)
        out.partners.append(run)
        if on_partner is not None:
            on_partner(run)
    return out


def fetch(db: Database, places: Places, code: str, *, secret: bytes | None,
          quiet: dt.timedelta = DEFAULT_QUIET) -> PartnerRun:
    """One partner now: its inbox and every pull agreement, due or not."""
    with db.read_primary() as conn:
        partner = get_partner(conn, code)
    return run_partner(db, places, partner, secret=secret, quiet=quiet, only_due=False)


def run_partner(db: Database, places: Places, partner: PartnerRow, *,
                secret: bytes | None, quiet: dt.timedelta, only_due: bool,
                now: dt.datetime | None = None) -> PartnerRun:
    run = PartnerRun(partner.code)
    name = f"partner:{partner.code}"
    me = holder()
    with db.transaction() as conn:
        if not repository.take_lease(conn, name, me, now_utc() + LEASE):
            run.busy = True
            return run
        agreements = [a for a in repository.agreements(conn, partner.id)
                      if a.active and a.direction == "receive"]
    try:
        _inbox(db, places, partner, run, quiet, name, me)
        for agreement in agreements:
            if agreement.transport not in PULL_TRANSPORTS or not agreement.endpoint_url:
                continue
            if only_due and not due(agreement, now or now_utc()):
                continue
            _pull(db, places, partner, agreement, run, secret, name, me)
        with db.read_primary() as conn:
            run.late = [a.message for a in reports.alerts(conn, now or now_utc(),
                                                          only=partner.code)]
    finally:
        with db.transaction() as conn:
            repository.release_lease(conn, name, me)
    return run


def due(agreement: AgreementRow, now: dt.datetime) -> bool:
    """A pull is due when never fetched, or one period after its last success."""
    last = agreement.last_success_at
    return last is None or now - last >= PERIODS[agreement.frequency]


def _renew(db: Database, name: str, me: str) -> None:
    with db.transaction() as conn:
        if not repository.take_lease(conn, name, me, now_utc() + LEASE):
            raise ExchangeError(f"the lease {name} was lost to another run")


def ready(folder: Path, quiet: dt.timedelta, now: float) -> bool:
    """Whether an inbox delivery is complete: its READY marker, or nothing in it changed
    for `quiet` (sizes and times)."""
    if (folder / MARKER).is_file():
        return True
    newest = 0.0
    found = False
    for dirpath, _dirs, filenames in os.walk(folder):
        for filename in filenames:
            stat = (Path(dirpath) / filename).lstat()
            newest = max(newest, stat.st_mtime, stat.st_ctime)
            found = True
    return found and now - newest >= quiet.total_seconds()


def _inbox(db: Database, places: Places, partner: PartnerRow, run: PartnerRun,
           quiet: dt.timedelta, lease: str, me: str) -> None:
    inbox = places.inbox(partner.code)
    if not inbox.is_dir():
        return
    clock = dt.datetime.now(dt.UTC).timestamp()
    # a symbolic link in the inbox is never followed: it could lead anywhere
    for folder in sorted(p for p in inbox.iterdir() if p.is_dir() and not p.is_symlink()
                         and not p.name.startswith(".")):
        if not ready(folder, quiet, clock):
            run.waiting.append(folder.name)
            continue
        _renew(db, lease, me)
        try:
            result = receive(db, partner.code, folder, origin="inbox",
                             delivery_key=folder.name, source=f"inbox/{folder.name}")
        except TokkyoError as exc:
            run.failures.append(f"inbox/{folder.name}: {exc}")
            continue
        run.received.append(result)
        _keep(folder, places.received(partner.code), f"{folder.name}.{result.id}")
        _report_back(db, places, partner, result)


def sends_reports(agreement: AgreementRow) -> bool:
    """Whether an agreement row asks for the quality reports to be sent to the partner:
    `"send_reports": true` in its free fields (exchange.md §7, "partners receive it where
    the agreement says so")."""
    try:
        extra = json.loads(agreement.extra or "{}")
    except ValueError:
        return False
    return isinstance(extra, dict) and extra.get("send_reports") in (True, "yes", "true")


def _report_back(db: Database, places: Places, partner: PartnerRow, result: Received) -> None:
    """The delivery's quality report into the partner's outbox when an agreement row of
    the partner asks for it (a re-delivery of what is loaded already gets none)."""
    if result.state == "already-loaded":
        return
    with db.transaction() as conn:
        if any(sends_reports(a) for a in repository.agreements(conn, partner.id)
               if a.direction == "receive" and a.active):
            reports.place_for_partner(conn, result.id, places.reports(partner.code))


def _keep(folder: Path, into: Path, name: str) -> None:
    """Move a received delivery's folder out of the inbox or staging, originals kept."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), str(into / name))


def endpoint(agreement: AgreementRow, secret: bytes | None) -> Endpoint:
    """The agreement's endpoint with its credentials unsealed."""
    def opened(token: str) -> str | None:
        if not token:
            return None
        if secret is None:
            raise ExchangeError("the server secret is needed to open the partner's "
                                "credentials")
        return unseal(secret, token)

    return Endpoint(agreement.endpoint_url, username=agreement.username or None,
                    password=opened(agreement.password_sealed),
                    private_key=opened(agreement.private_key_sealed),
                    host_key=agreement.host_key or None,
                    allow_plain_ftp=agreement.allow_plain_ftp)


def _pull(db: Database, places: Places, partner: PartnerRow, agreement: AgreementRow,
          run: PartnerRun, secret: bytes | None, lease: str, me: str) -> None:
    where = f"agreement {agreement.id} ({agreement.endpoint_url})"
    try:
        transport = open_transport(endpoint(agreement, secret))
    except TokkyoError as exc:
        run.failures.append(f"{where}: {exc}")
        return
    try:
        listing = transport.list()
        groups: dict[str, list[RemoteFile]] = {}
        for remote in listing:
            top, _, rest = remote.path.partition("/")
            groups.setdefault(top if rest else "", []).append(remote)
        for key, remotes in sorted(groups.items()):
            prefix = f"{key}/" if key else ""
            sizes = {r.path[len(prefix):]: r.size for r in remotes
                     if not is_metadata(r.path[len(prefix):])}
            with db.read_primary() as conn:
                recorded = repository.recorded_sizes(conn, partner.id, key) if key else None
            if recorded == sizes:
                continue                      # received already, as it is now
            _renew(db, lease, me)
            staging = places.staging(partner.code) / (key or "_loose")
            for remote in remotes:
                local = staging / remote.path[len(prefix):]
                local.parent.mkdir(parents=True, exist_ok=True)
                if local.exists() and local.stat().st_size > remote.size:
                    local.unlink()            # not a prefix of the file: start again
                if not local.exists() or local.stat().st_size < remote.size:
                    transport.fetch(remote, local)
            result = receive(db, partner.code, staging, origin="pull",
                             delivery_key=key or None, agreement_id=agreement.id,
                             source=f"{agreement.endpoint_url.rstrip('/')}/{key}")
            run.received.append(result)
            _keep(staging, places.received(partner.code), f"{key or '_loose'}.{result.id}")
            _report_back(db, places, partner, result)
    except TokkyoError as exc:
        run.failures.append(f"{where}: {exc}")
    finally:
        transport.close()


def import_folder(db: Database, places: Places, code: str, folder: Path, *,
                  delivery_key: str | None = None, tolerant: bool | None = None
                  ) -> Received:
    """Receive a folder an operator was given (a partner's disk, media). The folder is
    left as it is; the files that are not loaded (quarantined, held back, or the whole
    delivery when rejected) are copied to `received/{partner}/{delivery}.{id}/`, so that
    their original bytes stay with tokkyo when the medium goes back."""
    result = receive(db, code, folder, origin="import",
                     delivery_key=delivery_key or folder.resolve().name,
                     source=str(folder.resolve()), tolerant=tolerant)
    kept = places.received(result.partner) / f"{result.delivery}.{result.id}"
    for file in result.report["files"]:
        if file["state"] in ("quarantined", "held-back"):
            target = kept / file["name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            source = folder / file["name"]
            if source.is_file() and not source.is_symlink():
                shutil.copyfile(source, target)
    return result
