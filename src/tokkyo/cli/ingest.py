"""`tokkyo ingest PATH...`: load files, folders and ZIPs, with progress and a summary."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokkyo.cli import context
from tokkyo.ingest import items
from tokkyo.ingest.errors import IngestStopped
from tokkyo.ingest.reparse import REREADABLE, NotRereadable, stored_items
from tokkyo.ingest.service import STATUSES, Ingestor, RunReport, default_workers
from tokkyo.search import outbox
from tokkyo.search import service as search_service
from tokkyo.store.database import Database


def run_ingest(db: Database, paths: list[Path], batch_size: int, workers: int | None,
               quiet: bool = False, tolerant: bool = False) -> RunReport:
    ingestor = Ingestor(db.engine, db.blobs, batch_size=batch_size,
                        workers=default_workers() if workers is None else workers,
                        label="ingest " + " ".join(str(p) for p in paths), tolerant=tolerant)
    return _run(ingestor, items.walk(paths), items.count(paths), quiet, "ingest")


def _run(ingestor: Ingestor, sources: Iterable[items.SourceItem], total: int, quiet: bool,
         what: str) -> RunReport:
    with Progress(TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"),
                  console=context.console, disable=quiet, transient=False) as progress:
        task = progress.add_task("", total=total)

        def advance(name: str) -> None:
            if "!" not in name:        # archive members: the archive counts once
                progress.advance(task)
            progress.update(task, description=Path(name.split("!")[0]).name[-40:])

        report = ingestor.run(sources, on_item=advance)
        progress.update(task, completed=total, description="")
    index_due(ingestor.engine, quiet)
    return report


def index_due(engine: sa.Engine, quiet: bool = False) -> None:
    """Write the index work ingest recorded to the search engine now, with a progress bar
    (what ingest loaded is searchable when the command ends)."""
    backend = search_service.bound(engine)
    if backend is None:
        return
    with Progress(TextColumn("[bold]search index"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=context.console, disable=quiet,
                  transient=True) as progress:
        task = progress.add_task("", total=None)

        def advance(done: int, due: int) -> None:
            progress.update(task, completed=done, total=due)

        outbox.drain(engine, backend, progress=advance)


def print_report(report: RunReport) -> None:
    console = context.console
    if report.interrupted:
        console.print(f"[yellow]{len(report.interrupted)} batch(es) of an earlier run were "
                      "interrupted and marked failed; nothing of them was written.")
    for outcome in report.outcomes:
        if outcome.status in ("quarantined", "failed"):
            console.print(f"[red]{outcome.status}[/red] {outcome.reason}")
        elif outcome.status == "skipped":
            console.print(f"[dim]skipped {outcome.reason}")
    problems = sum(len(o.problems) for o in report.outcomes)
    table = Table(title="ingest summary")
    for status in STATUSES:
        table.add_column(status, justify="right")
    counts = report.counts
    table.add_row(*(str(counts[s]) for s in STATUSES))
    console.print(table)
    if problems:
        console.print(f"{problems} validation problem(s) noted; see `tokkyo report quality`.")


def ingest(
    paths: list[Path] = typer.Argument(..., help="Files, folders or ZIP archives to load."),
    batch_size: int = typer.Option(None, help="Files per batch (default: the setting)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    tolerant: bool = typer.Option(
        False, "--tolerant",
        help="Repair foreign XML that is not well-formed (a bare & or <), logging every "
             "repair and flagging the documents; without it such files are quarantined."),
) -> None:
    """Load files, folders and ZIPs; the format is detected from the content.

    Exit status 0 when everything loaded (or was unchanged), 1 when anything was
    quarantined or a batch failed.
    """
    config = context.settings()
    with context.opened(config, upgrade=True) as db:
        try:
            report = run_ingest(db, paths, batch_size or config.ingest_batch_size,
                                config.ingest_workers, quiet, tolerant)
        except IngestStopped as stopped:
            print_report(stopped.report)
            context.fail(str(stopped))
    print_report(report)
    raise typer.Exit(0 if report.ok else 1)


_FORMATS_HELP = ("Only the files of this format (repeat for several; default: every format "
                 "that can be read again: " + ", ".join(REREADABLE) + ").")


def reparse(
    formats: list[str] = typer.Option(
        [], "--format",
        help=_FORMATS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Read the stored files again with this version's readers and rewrite what they
    hold, under their current versions: after an upgrade that reads more of a format.

    Files loaded in tolerant mode are read tolerantly again. Exit status 0 when
    everything was read, 1 when anything was quarantined or a batch failed."""
    config = context.settings()
    with context.opened(config, upgrade=True, existing=True) as db:
        try:
            total, stored = stored_items(db.engine, db.blobs, formats)
        except NotRereadable as exc:
            context.fail(str(exc), code=2)
        ingestor = Ingestor(db.engine, db.blobs, batch_size=config.ingest_batch_size, workers=0,
                            label="reparse", tolerant=True, reread=True)
        report = _run(ingestor, stored, total, quiet, "reparse")
    print_report(report)
    raise typer.Exit(0 if report.ok else 1)
