"""`tokkyo exchange`: partner offices, their agreements and the deliveries received from
them (exchange.md §1–§6), `send`, the JP data sent to them (§12), and `run-due`, what
cron or a systemd timer calls.

Exit status of `run-due`, `fetch` and `import`, for cron and scripts: 0 everything
received loaded (or was already loaded) and no partner is late; 1 something failed (a
transfer, or a delivery rejected, quarantined or partially loaded); 3 nothing failed but
a partner is late against its agreed frequency (the status table's alerts: one rule,
`status.late`). A bad argument or record exits 2.

The reports' commands (`authority`, `report`, `status`, `state`: cli/exchange_reports.py)
are part of this group, and `inbox-server` runs tokkyo's SFTP inbox for partners."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from tokkyo.accounts.policy import server_secret
from tokkyo.cli import context, exchange_reports
from tokkyo.cli.ingest import index_due
from tokkyo.errors import ConfigError, TokkyoError
from tokkyo.exchange import deliveries, inbox_server, outbound, partners, schedule
from tokkyo.exchange.deliveries import Received
from tokkyo.exchange.schedule import PartnerRun, Places

app = typer.Typer(help="Data exchange with partner offices: partners, agreements, "
                       "deliveries, and the scheduled transfers (run-due).",
                  no_args_is_help=True)
partners_app = typer.Typer(help="Partner offices (WIPO ST.3 codes).", no_args_is_help=True)
agreements_app = typer.Typer(help="Agreements: one row per exchanged product.",
                             no_args_is_help=True)
app.add_typer(partners_app, name="partners")
app.add_typer(agreements_app, name="agreements")
# the reports' commands (authority, report, status, state) in the same `exchange` group
app.add_typer(exchange_reports.app)

JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _places() -> Places:
    return Places.under(context.settings().data_path)


def _bad(exc: TokkyoError) -> None:
    context.fail(str(exc), code=2)


# --- partners ---------------------------------------------------------------------------

@partners_app.command("list")
def partners_list(as_json: bool = JSON) -> None:
    """Every partner."""
    with context.opened(upgrade=True) as db, db.transaction() as conn:
        rows = partners.list_partners(conn)
    if as_json:
        context.print_json([partners.partner_json(r) for r in rows])
        return
    context.console.print(context.table(
        "partners", ("code", "name", "status", "public", "current state"),
        [(r.code, r.name, r.status, "yes" if r.public_provision else "no", r.current_state)
         for r in rows], ids=("code",)))


def _partner_fields(name: str | None, contact: list[str] | None, status: str | None,
                    public: bool | None, terms: str | None, notes: str | None,
                    state: str | None) -> dict[str, Any]:
    return {"name": name, "contacts": "\n".join(contact) if contact else None,
            "status": status, "public_provision": public, "terms": terms, "notes": notes,
            "current_state": state}


NAME = typer.Option(None, help="The office's name (default: the ST.3 table's).")
CONTACT = typer.Option(None, "--contact", help="A person in charge (repeat for several).")
STATUS = typer.Option(None, help="none, negotiating, signed, renewing or expired.")
PUBLIC = typer.Option(None, "--public/--not-public",
                      help="Whether its data may be provided to the public.")
TERMS = typer.Option(None, help="Third-party use and redistribution terms.")
NOTES = typer.Option(None, help="Free-text notes.")
STATE = typer.Option(None, "--current-state", help="The status table's current state.")


@partners_app.command("add")
def partners_add(code: str = typer.Argument(..., help="WIPO ST.3 code (SG, MY, EP …)."),
                 name: str | None = NAME, contact: list[str] | None = CONTACT,
                 status: str | None = STATUS, public: bool | None = PUBLIC,
                 terms: str | None = TERMS, notes: str | None = NOTES,
                 state: str | None = STATE) -> None:
    """Add a partner office."""
    try:
        with context.opened(upgrade=True) as db, db.transaction() as conn:
            row = partners.add_partner(conn, code, **_partner_fields(
                name, contact, status, public, terms, notes, state))
    except TokkyoError as exc:
        _bad(exc)
    context.console.print(f"partner {row.code} ({escape(row.name)}) added")


@partners_app.command("edit")
def partners_edit(code: str = typer.Argument(...), name: str | None = NAME,
                  contact: list[str] | None = CONTACT, status: str | None = STATUS,
                  public: bool | None = PUBLIC, terms: str | None = TERMS,
                  notes: str | None = NOTES, state: str | None = STATE) -> None:
    """Change a partner's record (only the options given)."""
    try:
        with context.opened(upgrade=True) as db, db.transaction() as conn:
            row = partners.edit_partner(conn, code, **_partner_fields(
                name, contact, status, public, terms, notes, state))
    except TokkyoError as exc:
        _bad(exc)
    context.console.print(f"partner {row.code} updated")


@partners_app.command("show")
def partners_show(code: str = typer.Argument(...)) -> None:
    """One partner with its agreements, latest deliveries received and sent (JSON)."""
    try:
        with context.opened(upgrade=True) as db, db.transaction() as conn:
            row = partners.get_partner(conn, code)
            out = partners.partner_json(row)
            out["agreements"] = [partners.agreement_json(a, row.code)
                                 for a in partners.list_agreements(conn, code)]
            out["deliveries"] = deliveries.list_deliveries(conn, code, limit=20)
            out["sent"] = outbound.sent_json(conn, code)[:20]
    except TokkyoError as exc:
        _bad(exc)
    context.print_json(out)


# --- agreements -------------------------------------------------------------------------

def _agreement_fields(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@agreements_app.command("list")
def agreements_list(partner: str | None = typer.Argument(None, help="Only this partner's."),
                    as_json: bool = JSON) -> None:
    """Every agreement row (of one partner)."""
    try:
        with context.opened(upgrade=True) as db, db.transaction() as conn:
            codes = {p.id: p.code for p in partners.list_partners(conn)}
            rows = [partners.agreement_json(a, codes[a.partner_id])
                    for a in partners.list_agreements(conn, partner)]
    except TokkyoError as exc:
        _bad(exc)
    if as_json:
        context.print_json(rows)
        return
    context.console.print(context.table(
        "agreements", ("id", "partner", "direction", "product", "format", "frequency",
                       "transport", "url", "all-or-nothing", "last success"),
        [(str(r["id"]), r["partner"], r["direction"], r["product"], r["format"],
          r["frequency"], r["transport"], r["url"], "yes" if r["all_or_nothing"] else "no",
          r["last_success_at"] or "never") for r in rows], ids=("id", "partner")))


_OPTION_FIELDS = {"plain_ftp": "allow_plain_ftp", "required": "required_sections",
                  "max_delay": "max_delay_days"}
"""CLI option names whose agreement field is named differently."""


def _agreement_options(options: dict[str, Any]) -> dict[str, Any]:
    """The agreement fields the `add` and `edit` commands were given, by field name.

    `options` holds the command's parameters; the partner or agreement argument is dropped.
    `--password` asks for the password here (never on the command line) and `--key-file`
    is read, so both reach the store only sealed.
    """
    given = {name: value for name, value in options.items()
             if name not in ("partner", "agreement", "password", "key_file")}
    fields = {_OPTION_FIELDS.get(name, name): value for name, value in given.items()}
    fields["password"] = (typer.prompt("partner password", hide_input=True)
                          if options["password"] else None)
    key_file: Path | None = options["key_file"]
    fields["private_key"] = key_file.read_text("utf-8") if key_file is not None else None
    return _agreement_fields(fields)


def _save_agreement(change: Callable[[Any, bytes | None], Any], message: str) -> None:
    """Run one agreement change in a transaction, with the server secret that seals
    credentials; bad input ends the command with exit code 2."""
    config = context.settings()
    try:
        with context.opened(config, upgrade=True) as db, db.transaction() as conn:
            row = change(conn, server_secret(config))
    except TokkyoError as exc:
        _bad(exc)
    context.console.print(message.format(id=row.id))


@agreements_app.command("add")
def agreements_add(
    partner: str = typer.Argument(..., help="The partner's ST.3 code."),
    direction: str = typer.Option(..., help="receive or send."),
    right: str = typer.Option("patent", help="patent (and utility model), design or trademark."),
    product: str = typer.Option("publication data", help="publication data, abstracts, legal "
                                               "status, …"),
    content: str = typer.Option("text", help="image, text or bibliographic."),
    format: str = typer.Option(..., "--format", help="XML, ST.36, ST.96, DOCDB, PDF, …"),
    schema: str | None = typer.Option(None, help="Format name and version "
                                       "(ep-patent-document-v1-5-1)."),
    kinds: str | None = typer.Option(None, help="Kind codes, comma-separated (A,B,U,Y)."),
    coverage_from: str | None = typer.Option(None, help="Coverage from (YYYY-MM-DD)."),
    coverage_to: str | None = typer.Option(None, help="Coverage to (YYYY-MM-DD)."),
    frequency: str = typer.Option(..., help="daily, weekly, biweekly, monthly or quarterly."),
    transport: str = typer.Option("inbox", help="inbox (the partner uploads), folder, ftps, ftp, "
                                      "sftp or https."),
    url: str | None = typer.Option(None, help="The partner's server or folder (ftps://host/dir, "
                                    "sftp://host:port/dir, https://…, file:///…)."),
    username: str | None = typer.Option(None, help="Account on the partner's server."),
    password: bool = typer.Option(False, "--password", help="Ask for the account's password "
                                                   "(stored sealed)."),
    key_file: Path | None = typer.Option(None, help="SSH private key file (stored sealed)."),
    host_key: str | None = typer.Option(None, help="The server's SSH host key or certificate."),
    plain_ftp: bool | None = typer.Option(None, "--plain-ftp/--no-plain-ftp",
                                help="Allow plain FTP (only where the agreement says so)."),
    required: str | None = typer.Option(None, help="Required sections: bibliography, abstract, "
                                         "claims, description, drawings, gazettes."),
    legal_status: bool | None = typer.Option(None, "--legal-status/--no-legal-status"),
    max_delay: int | None = typer.Option(None, help="Maximum delay in days."),
    all_or_nothing: bool | None = typer.Option(None, "--all-or-nothing/--per-file",
                                     help="Hold back the whole delivery if a file is "
                                          "quarantined."),
    tolerant: bool | None = typer.Option(None, "--tolerant/--strict",
                               help="Repair files that are not well-formed (logged)."),
    extra: str | None = typer.Option(None, help="Free fields, a JSON object."),
) -> None:
    """Add an agreement row for a partner."""
    fields = _agreement_options(locals())
    _save_agreement(lambda conn, secret: partners.add_agreement(conn, partner, fields, secret),
                    f"agreement {{id}} added for {partner.upper()}")


@agreements_app.command("edit")
def agreements_edit(
    agreement: int = typer.Argument(..., help="The agreement's id."),
    direction: str | None = typer.Option(None), right: str | None = typer.Option(None),
    product: str | None = typer.Option(None), content: str | None = typer.Option(None),
    format: str | None = typer.Option(None, "--format"), schema: str | None = typer.Option(None),
    kinds: str | None = typer.Option(None), coverage_from: str | None = typer.Option(None),
    coverage_to: str | None = typer.Option(None), frequency: str | None = typer.Option(None),
    transport: str | None = typer.Option(None), url: str | None = typer.Option(None),
    username: str | None = typer.Option(None), password: bool = typer.Option(False, "--password"),
    key_file: Path | None = typer.Option(None), host_key: str | None = typer.Option(None),
    plain_ftp: bool | None = typer.Option(None, "--plain-ftp/--no-plain-ftp"),
    required: str | None = typer.Option(None),
    legal_status: bool | None = typer.Option(None, "--legal-status/--no-legal-status"),
    max_delay: int | None = typer.Option(None),
    all_or_nothing: bool | None = typer.Option(None, "--all-or-nothing/--per-file"),
    tolerant: bool | None = typer.Option(None, "--tolerant/--strict"),
    extra: str | None = typer.Option(None),
    active: bool | None = typer.Option(None, "--active/--inactive"),
) -> None:
    """Change an agreement row (only the options given)."""
    fields = _agreement_options(locals())
    _save_agreement(lambda conn, secret: partners.edit_agreement(conn, agreement, fields, secret),
                    "agreement {id} updated")


# --- deliveries -------------------------------------------------------------------------

def _print_received(result: Received) -> None:
    colour = "green" if result.ok else "red"
    counts = result.report["documents"]
    context.console.print(
        f"[{colour}]{result.partner} {escape(result.delivery)} (revision {result.revision}): "
        f"{result.state}[/] — {counts['loaded']} loaded, {counts['unchanged']} unchanged, "
        f"{counts['deleted']} deleted, {counts['held-back']} held back "
        f"[dim](delivery {result.id}, manifest: {result.report['manifest']})",
        highlight=False)
    for file in result.report["files"]:
        if "error" in file:
            error = file["error"]
            where = f" at {error['line']}:{error['column']}" if error["line"] else ""
            context.console.print(f"  [red]{file['state']}[/] {escape(file['name'])}: "
                                  f"{error['code']}{where}: {escape(error['message'])}",
                                  highlight=False)
    for problem in result.report["problems"]:
        context.console.print(f"  [yellow]{escape(problem)}", highlight=False)


def _print_run(run: PartnerRun) -> None:
    if run.busy:
        context.console.print(f"{run.partner}: busy (another run-due holds its lease)")
    for result in run.received:
        _print_received(result)
    for waiting in run.waiting:
        context.console.print(f"{run.partner}: inbox/{escape(waiting)} not ready yet (no "
                              "READY marker, still changing)", highlight=False)
    for failure in run.failures:
        context.console.print(f"[red]{run.partner}: failed: {escape(failure)}",
                              highlight=False)
    for late in run.late:
        context.console.print(f"[yellow]late: {escape(late)}", highlight=False)


def _code(failed: bool, late: bool) -> int:
    return 1 if failed else 3 if late else 0


QUIET = typer.Option(10.0, "--quiet-minutes", envvar="TOKKYO_EXCHANGE_QUIET_MINUTES",
                     help="An inbox delivery without a READY marker is taken when nothing "
                          "in it changed for this long.")


@app.command("import")
def import_(partner: str = typer.Argument(..., help="The partner's ST.3 code."),
            folder: Path = typer.Argument(..., help="The delivery's folder (a medium, a "
                                                    "local copy)."),
            delivery: str | None = typer.Option(None, help="The delivery id when the "
                                                           "manifest gives none (default: "
                                                           "the folder's name)."),
            tolerant: bool | None = typer.Option(None, "--tolerant/--strict")) -> None:
    """Receive a delivery from a folder an operator was given (hard disk, media)."""
    if not folder.is_dir():
        context.fail(f"{folder}: no such folder", code=2)
    with context.opened(upgrade=True) as db:
        try:
            result = schedule.import_folder(db, _places(), partner, folder,
                                            delivery_key=delivery, tolerant=tolerant)
        except TokkyoError as exc:
            _bad(exc)
        index_due(db.engine, quiet=True)
    _print_received(result)
    raise typer.Exit(_code(not result.ok, False))


@app.command("fetch")
def fetch(partner: str = typer.Argument(..., help="The partner's ST.3 code."),
          quiet_minutes: float = QUIET) -> None:
    """Run one partner now: its inbox and every pull agreement, due or not."""
    config = context.settings()
    with context.opened(config, upgrade=True) as db:
        try:
            run = schedule.fetch(db, _places(), partner, secret=server_secret(config),
                                 quiet=dt.timedelta(minutes=quiet_minutes))
        except TokkyoError as exc:
            _bad(exc)
        index_due(db.engine, quiet=True)
    _print_run(run)
    failed = bool(run.failures) or any(not r.ok for r in run.received)
    raise typer.Exit(_code(failed, bool(run.late)))


@app.command("run-due")
def run_due(quiet_minutes: float = QUIET) -> None:
    """Do every transfer that is due: inbox deliveries that are ready, pulls whose period
    has come; report what was done, what failed and which partners are late. What cron
    or the systemd timer calls."""
    config = context.settings()
    with context.opened(config, upgrade=True) as db:
        result = schedule.run_due(db, _places(), secret=server_secret(config),
                                  quiet=dt.timedelta(minutes=quiet_minutes),
                                  on_partner=_print_run)
        index_due(db.engine, quiet=True)
        sending = outbound.run_due(db, _places(), secret=server_secret(config),
                                   on_partner=_print_sent)
    received = sum(len(p.received) for p in result.partners)
    failed = result.failed or any(r.failures for r in sending)
    context.console.print(f"run-due: {len(result.partners)} partner(s), {received} "
                          f"delivery(ies) received, {sum(len(r.sent) for r in sending)} sent"
                          + ("; failures above" if failed else "")
                          + ("; late partners above" if result.late else ""))
    raise typer.Exit(_code(failed, result.late))


def _print_sent(run: outbound.SendRun) -> None:
    if run.busy:
        context.console.print(f"{run.partner}: busy (another send holds its lease)")
    for sent in run.sent:
        context.console.print(
            f"[green]{sent.partner} {escape(sent.delivery)}: {sent.documents} "
            f"publication(s) in {len(sent.files)} file(s) "
            f"{'sent again' if sent.again else 'sent'}[/] → {sent.placement} "
            f"{escape(sent.destination)}", highlight=False)
    for agreement in run.nothing_new:
        context.console.print(f"{run.partner}: agreement {agreement}: nothing new to send")
    for ack in run.acks:
        state = ("complete" if ack.complete else
                 "partial, missing " + ", ".join(ack.missing))
        context.console.print(f"{ack.partner} {escape(ack.delivery)}: ACK {escape(state)}"
                              + (f"; unknown hashes {len(ack.unknown)}" if ack.unknown
                                 else ""), highlight=False)
    for removed in run.removed:
        context.console.print(f"outbox/{escape(removed)} removed (older than "
                              f"{outbound.OUTBOX_DAYS} days)", highlight=False)
    for failure in run.failures:
        context.console.print(f"[red]{run.partner}: failed: {escape(failure)}",
                              highlight=False)


@app.command("send")
def send(partner: str = typer.Argument(..., help="The partner's ST.3 code."),
         again: str | None = typer.Option(None, "--again", help="Send this delivery "
                                          "again (the same bytes as the first time).")
         ) -> None:
    """Build and place what a partner's sending agreements have not sent yet (pushed to
    its server or left in its outbox), and record its ACK files."""
    config = context.settings()
    with context.opened(config, upgrade=True) as db:
        try:
            if again:
                run = outbound.send_again(db, _places(), partner, again,
                                          secret=server_secret(config))
            else:
                run = outbound.send(db, _places(), partner, secret=server_secret(config))
        except TokkyoError as exc:
            _bad(exc)
    _print_sent(run)
    raise typer.Exit(1 if run.failures else 0)


@app.command("deliveries")
def deliveries_list(partner: str | None = typer.Argument(None, help="Only this partner's."),
                    as_json: bool = JSON) -> None:
    """The latest deliveries, newest first."""
    try:
        with context.opened(upgrade=True) as db, db.transaction() as conn:
            rows = deliveries.list_deliveries(conn, partner)
    except TokkyoError as exc:
        _bad(exc)
    if as_json:
        context.print_json(rows)
        return
    context.console.print(context.table(
        "deliveries", ("id", "partner", "delivery", "rev", "origin", "manifest", "state",
                       "received"),
        [(str(r["id"]), r["partner"], r["delivery"], str(r["revision"]), r["origin"],
          r["manifest"], r["state"], r["received_at"]) for r in rows],
        ids=("id", "delivery")))


@app.command("delivery")
def delivery_show(delivery: int = typer.Argument(..., help="The delivery's id.")) -> None:
    """One delivery: its report, files and documents (JSON)."""
    try:
        with context.opened(upgrade=True) as db, db.transaction() as conn:
            out = deliveries.show_delivery(conn, delivery)
    except TokkyoError as exc:
        _bad(exc)
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))


@app.command("inbox-server")
def inbox_server_command(
        accounts: Path | None = typer.Option(None, help="The partners' accounts (JSON; "
                                             "default: DATA/exchange/inbox.json)."),
        host_key: Path | None = typer.Option(None, help="The server's SSH host key "
                                             "(default: DATA/exchange/inbox_host_ed25519)."),
        host: str = typer.Option("", help="Address to listen on (default: all)."),
        port: int = typer.Option(2222, help="Port to listen on.")) -> None:
    """Run the SFTP inbox partners upload their deliveries to: each account confined to
    its own `inbox/{partner}/` (see docs/exchange-inbox.md). Runs until stopped."""
    root = _places().root
    try:
        inbox_server.run(root, accounts or root / "inbox.json",
                         host_key or root / "inbox_host_ed25519", host, port,
                         lambda line: context.console.print(line, highlight=False))
    except ConfigError as exc:
        context.fail(str(exc), code=2)
