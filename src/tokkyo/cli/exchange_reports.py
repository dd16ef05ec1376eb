"""`tokkyo exchange authority|report|status|state`: partners' ST.37 authority files,
tokkyo's own exported as one, completeness, a delivery's quality report and the status
table (exchange.md §7–§8), read from the delivery pipeline's records in the store.
Mounted into `tokkyo exchange` (cli/exchange.py) beside the pipeline's commands; a
delivery is named by the number `tokkyo exchange deliveries` lists.

Exit status: 0 done; 1 the input is refused (a bad authority file, an unknown delivery)
with one line saying why, nothing stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from tokkyo.cli import context
from tokkyo.exchange import authority, quality, reports
from tokkyo.exchange.st37 import AuthorityFileError

app = typer.Typer(help="Exchange reports: authority files, completeness, quality reports "
                       "and the status table.", no_args_is_help=True)
authority_app = typer.Typer(help="WIPO ST.37 authority files: a partner's, and tokkyo's own.",
                            no_args_is_help=True)
app.add_typer(authority_app, name="authority")
JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _refused(exc: Exception) -> None:
    context.fail(str(exc), code=1)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        context.fail(f"{text}: not a date (YYYY-MM-DD)")


@authority_app.command("import")
def import_(partner: str = typer.Argument(..., help="The partner's code (its ST.3 code)."),
            file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
            form: str | None = typer.Option(None, "--format",
                                            help="csv, xml or json (detected if not given)"),
            as_json: bool = JSON) -> None:
    """Import a partner's authority file; it replaces the partner's current one."""
    with context.opened(upgrade=True) as db, db.transaction() as conn:
        try:
            done = authority.import_file(conn, partner, file.name, file.read_bytes(), form)
        except AuthorityFileError as exc:
            context.fail(f"{file}: {exc}")
    if as_json:
        context.print_json(done.as_json())
        return
    codes = ", ".join(f"{k} {v}" for k, v in done.exceptions.items()) or "none"
    context.console.print(f"{partner}: {done.row.entries} publications from {file.name} "
                          f"({done.row.format}); exception codes: {codes}", highlight=False)


@authority_app.command("export")
def export(out: Path = typer.Option(..., "--out", help="The file to write."),
           form: str = typer.Option("csv", "--format", help="csv or xml"),
           kinds: str = typer.Option(",".join(authority.JP_KINDS), "--kinds",
                                     help="JP kinds, comma-separated (A,T,B,U,Y)"),
           since: str | None = typer.Option(None, "--since", help="first publication date"),
           until: str | None = typer.Option(None, "--until", help="last publication date")
           ) -> None:
    """Write tokkyo's holding of JP publications as an ST.37 authority file."""
    chosen = tuple(k.strip().upper() for k in kinds.split(",") if k.strip())
    with context.opened(existing=True) as db, db.read() as conn:
        try:
            data = authority.export(conn, form, kinds=chosen, since=_date(since),
                                    until=_date(until))
        except AuthorityFileError as exc:
            context.fail(str(exc))
    out.write_bytes(data)
    context.console.print(f"wrote {out} ({len(data)} bytes)", highlight=False)


@authority_app.command("completeness")
def holding_completeness(partner: str, as_json: bool = JSON) -> None:
    """The partner's whole holding against its current authority file."""
    with context.opened(existing=True) as db, db.read() as conn:
        try:
            result = reports.holding_completeness(conn, partner)
        except reports.ReportError as exc:
            _refused(exc)
    if as_json:
        context.print_json(result.as_json())
        return
    c = context.console
    c.print(f"{partner}: {result.delivered} held, {result.listed} listed in the authority "
            f"file; {len(result.missing)} missing, {len(result.expected_missing)} "
            f"expected-missing, {len(result.parts_missing)} with parts missing, "
            f"{result.bibliographic_only} bibliographic-only", highlight=False)
    if not result.has_authority_file:
        c.print(f"{partner} has no authority file: import one with "
                f"`tokkyo exchange authority import {partner} FILE`", highlight=False)
    for e in result.missing[:50]:
        c.print(f"missing  {e.country} {e.number} {e.kind} {e.date or ''}", highlight=False)


@app.command("report")
def report(delivery: str = typer.Argument(..., help="The delivery's id, as `tokkyo exchange "
                                                   "deliveries` lists it."),
           as_json: bool = JSON,
           csv_out: Path | None = typer.Option(None, "--csv",
                                               help="Also write the document-level CSV here.")
           ) -> None:
    """The quality report of one delivery: completeness, accuracy, timeliness."""
    with context.opened(existing=True) as db, db.read() as conn:
        try:
            result = reports.delivery_report(conn, delivery)
            stored = reports.delivery_report_json(conn, delivery) if as_json else None
        except reports.ReportError as exc:
            _refused(exc)
    if csv_out is not None:
        csv_out.write_text(quality.document_csv(result), "utf-8")
    if stored is not None:
        context.print_json(stored)
        return
    scores = result.scores
    context.console.print(context.table(
        f"delivery {delivery} of {result.delivery.partner} ({result.delivery.state})",
        ("dimension", "score", "detail"),
        [("completeness", _pct(scores["completeness"]),
          f"{result.completeness.complete}/{result.completeness.delivered} complete, "
          f"{len(result.completeness.missing)} missing"),
         ("accuracy", _pct(scores["accuracy"]),
          ", ".join(f"{k} {v}" for k, v in result.findings.items()) or "no findings"),
         ("timeliness", _pct(scores["timeliness"]),
          f"median {result.timeliness.median} d, "
          f"max {result.timeliness.maximum} d, target {result.timeliness.target_days} d")]))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


@app.command("status")
def status(as_json: bool = JSON,
           record: bool = typer.Option(False, "--record",
                                       help="Keep the rows in the partners' history.")
           ) -> None:
    """The status table: one row per partner, computed now; late partners listed."""
    with context.opened(existing=True) as db, db.transaction() as conn:
        try:
            rows = reports.status_table(conn)
        except reports.ReportError as exc:
            _refused(exc)
        if record:
            reports.record(conn, rows)
    if as_json:
        context.print_json({"partners": [r.as_json() for r in rows],
                            "alerts": [r.alert.as_json() for r in rows if r.alert]})
        return
    context.console.print(context.table(
        "data exchange status",
        ("partner", "agreement", "exchange", "public", "last delivery", "content",
         "quality C/A/T", "current state"),
        [(f"{r.partner} {r.name}", r.agreement, r.exchange, r.public_provision,
          (f"{r.last_delivery.date().isoformat()} ({r.regularity})" if r.last_delivery
           else r.regularity), r.content, r.quality_text(), r.state) for r in rows]))
    for r in rows:
        if r.alert is not None:
            context.console.print(f"late: {r.alert.message}", highlight=False)


@app.command("state")
def state(partner: str, text: str = typer.Argument(..., help="The current state; '' clears.")
          ) -> None:
    """Set the operators' text for a partner's current state."""
    with context.opened(upgrade=True) as db, db.transaction() as conn:
        try:
            reports.set_state(conn, partner, text, "cli")
        except reports.ReportError as exc:
            _refused(exc)
    context.console.print(f"{partner}: current state set", highlight=False)
