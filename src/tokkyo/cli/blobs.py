"""`tokkyo blobs`: the blob store checked against the database, and cleaned up."""

from __future__ import annotations

import datetime as dt
import re

import typer

from tokkyo.cli import context
from tokkyo.cli.progress_bars import bars
from tokkyo.operations import integrity

app = typer.Typer(help="Check the blob store against the database; remove unreferenced "
                       "blobs.", no_args_is_help=True)

_SPAN = re.compile(r"\s*(\d+)\s*([smhd])\s*")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_span(text: str) -> dt.timedelta:
    """`90s`, `30m`, `24h`, `7d` → a timedelta; BadParameter saying the form."""
    found = _SPAN.fullmatch(text.lower())
    if found is None:
        raise typer.BadParameter(f"{text!r} is not a time span: a number and s, m, h or d "
                                 "(30m, 24h, 7d)")
    return dt.timedelta(**{_UNITS[found[2]]: int(found[1])})


@app.command()
def verify(sample: int = typer.Option(None, "--sample", min=1,
                                      help="Re-hash only this many blobs, chosen at random "
                                           "(default: all)."),
           quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars.")
           ) -> None:
    """Re-hash blobs against their SHA-256 and compare the store with the database: blobs
    whose bytes changed, blobs referenced but absent, blobs present but unreferenced.
    Exit status 1 when a blob is damaged or absent."""
    with context.opened(existing=True) as db, bars(quiet) as shown:
        report = integrity.verify(db, sample, shown)
    for sha in report.bad:
        context.errors.print(f"[red]damaged: blob {sha} no longer matches its SHA-256",
                             soft_wrap=True, highlight=False)
    for sha in report.absent:
        context.errors.print(f"[red]absent: blob {sha} is referenced but not stored",
                             soft_wrap=True, highlight=False)
    for sha in report.unreferenced:
        context.console.print(f"[yellow]unreferenced: blob {sha} (`tokkyo blobs gc` removes "
                              "it after the grace period)", soft_wrap=True, highlight=False)
    context.console.print(
        f"{report.stored:,} blobs stored, {report.referenced:,} referenced; "
        f"{report.checked:,} re-hashed: {len(report.bad)} damaged, {len(report.absent)} "
        f"absent, {len(report.unreferenced)} unreferenced", soft_wrap=True, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def gc(grace: str = typer.Option("24h", help="Keep unreferenced blobs written within this "
                                             "span (30m, 24h, 7d; at least 1m)."),
       dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be removed."),
       quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars.")) -> None:
    """Remove blobs nothing refers to, once older than the grace period, and never one a
    running ingest may still name (the grace period counts back from the oldest batch
    being loaded)."""
    span = parse_span(grace)
    with context.opened(existing=True) as db, bars(quiet) as shown:
        try:
            done = integrity.collect(db, span, dry_run=dry_run, reporter=shown)
        except ValueError as exc:
            context.fail(f"--grace {grace}: {exc}", code=2)
    verb = "would remove" if dry_run else "removed"
    running = (f"; {len(done.running)} batch(es) being loaded, so blobs written after "
               f"{done.cutoff:%Y-%m-%d %H:%M:%S} UTC are kept" if done.running else "")
    context.console.print(
        f"{verb} {len(done.removed):,} unreferenced blob(s) ({done.bytes / 1e6:,.1f} MB) "
        f"last written before {done.cutoff:%Y-%m-%d %H:%M:%S} UTC; kept "
        f"{done.kept_young:,} younger unreferenced blob(s){running}",
        soft_wrap=True, highlight=False)
    if done.failed:
        for line in done.failed:
            context.errors.print(f"[red]{line}", soft_wrap=True, highlight=False)
        context.fail(f"{len(done.failed)} unreferenced blob(s) could not be removed: is the "
                     "blob store read-only?")
