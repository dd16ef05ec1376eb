"""`tokkyo backup`: create, verify and restore backups of the store and its blobs."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import typer
from rich.table import Table

from tokkyo.cli import context
from tokkyo.cli.ingest import index_due
from tokkyo.cli.progress_bars import bars
from tokkyo.errors import TerminalError
from tokkyo.operations import backup as backups
from tokkyo.operations.restore import restorable
from tokkyo.operations.restore import restore as restore_store
from tokkyo.search import service as search_service

app = typer.Typer(help="Back the store up, verify a backup, restore one.", no_args_is_help=True)

QUIET = typer.Option(False, "--quiet", "-q", help="No progress bars.")


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


@app.command()
def create(folder: Path = typer.Argument(..., help="Where the backup goes: a new folder, or "
                                                   "an earlier backup's (incremental)."),
           quiet: bool = QUIET) -> None:
    """Back up the database and the blob store while tokkyo runs: a consistent copy, a
    manifest, the SHA-256 of every file. Into an earlier backup's folder only the blobs
    it does not hold yet are copied."""
    with context.opened(existing=True) as db, bars(quiet) as shown:
        try:
            made = backups.create(db, folder, shown)
        except TerminalError as exc:
            context.fail(str(exc))
    manifest = made.manifest
    context.console.print(
        f"backup of {manifest.backend} store at schema {manifest.schema_revision} in "
        f"{folder}: {sum(manifest.counts.values()):,} rows in {len(manifest.counts)} tables, "
        f"{manifest.blob_count:,} blobs ({_size(manifest.blob_bytes)}; {made.copied:,} "
        f"copied, {made.reused:,} already there, {made.removed:,} no longer needed removed)",
        soft_wrap=True, highlight=False)
    problems = [*(f"blob {sha} is referenced but not in the blob store"
                  for sha in manifest.missing_blobs),
                *(f"blob {sha} no longer matches its SHA-256 in the blob store"
                  for sha in manifest.bad_blobs)]
    if problems:
        for line in problems:
            context.errors.print(f"[red]{line}", soft_wrap=True, highlight=False)
        context.fail(f"the backup lacks {len(problems)} blob(s) the store could not give "
                     "intact; everything else is in it (see `tokkyo blobs verify`)")


@app.command()
def verify(folder: Path = typer.Argument(..., help="The backup's folder."),
           quiet: bool = QUIET) -> None:
    """Re-hash every file of a backup against its checksums and check that its database
    copy can be read. Exit status 1 when anything is wrong."""
    with bars(quiet) as shown:
        try:
            result = backups.verify(folder, shown)
        except TerminalError as exc:
            context.fail(str(exc))
    for line in result.bad:
        context.errors.print(f"[red]{line}", soft_wrap=True, highlight=False)
    for name in result.extra:
        context.console.print(f"[yellow]not part of the backup: {name}", soft_wrap=True,
                              highlight=False)
    manifest = result.manifest
    if not result.ok:
        context.fail(f"backup {folder} is damaged: {len(result.bad)} problem(s)")
    context.console.print(
        f"backup {folder} is intact: {result.files:,} files ({_size(result.bytes)}) match "
        f"their SHA-256; {manifest.backend} store at schema {manifest.schema_revision}, "
        f"made {manifest.created_at} by tokkyo {manifest.tokkyo_version}",
        soft_wrap=True, highlight=False)


@app.command()
def restore(folder: Path = typer.Argument(..., help="The backup's folder."),
            upgrade: bool = typer.Option(False, "--upgrade",
                                         help="Restore a backup of an older schema and "
                                              "migrate it to this version's."),
            quiet: bool = QUIET) -> None:
    """Restore a backup into an empty store (TOKKYO_DATA_DIR / TOKKYO_DATABASE_URL /
    TOKKYO_BLOB_DIR name it) and compare the rows of every table with the backup's.
    Exit status 1 when they differ."""
    config = context.settings()
    where = f"the store at {context.where(config)}"
    try:        # before the store is opened: a refusal creates nothing
        restorable(folder, sa.engine.make_url(config.resolved_database_url
                                              ).get_backend_name(), upgrade, where)
    except TerminalError as exc:
        context.fail(str(exc))
    with context.opened(config) as db, bars(quiet) as shown:
        try:
            result = restore_store(db, folder, upgrade=upgrade, reporter=shown, where=where,
                                   blobs_where=f"the blob store at "
                                               f"{config.blob_store or config.blob_path}")
        except TerminalError as exc:
            context.fail(str(exc))
        # the search index is not in a backup: written from the restored store now
        search_service.open_for(db.engine, config)
        index_due(db.engine, quiet)
    table = Table(title="rows per table: backup / restored")
    for column in ("table", "backup", "restored", ""):
        table.add_column(column, justify="right" if column in ("backup", "restored") else
                         "left")
    for name, rows in sorted(result.manifest.counts.items()):
        found = result.counts.get(name, 0)
        if rows == found == 0:
            continue                    # the empty tables: summed up below
        table.add_row(name, f"{rows:,}", f"{found:,}", "" if found == rows else "[red]differs")
    context.console.print(table)
    if result.upgraded_to:
        context.console.print(f"migrated from schema {result.manifest.schema_revision} to "
                              f"{result.upgraded_to}")
    if result.differences:
        context.fail(f"restored, but {len(result.differences)} table(s) hold other row "
                     "counts than the backup: "
                     + ", ".join(f"{t} {a}≠{b}" for t, a, b in result.differences))
    context.console.print(f"restored {sum(result.counts.values()):,} rows and "
                          f"{result.blobs:,} blobs from {folder}; the rows of all "
                          f"{len(result.manifest.counts)} tables match the backup's counts",
                          soft_wrap=True, highlight=False)
