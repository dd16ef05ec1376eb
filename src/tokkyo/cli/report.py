"""`tokkyo report`: quality of what has been loaded."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from tokkyo.cli import context
from tokkyo.documents.jsonable import jsonable
from tokkyo.ingest import quality

app = typer.Typer(help="Reports on the loaded data.", no_args_is_help=True)


@app.command(name="quality")
def quality_report(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Completeness per source and kind (title, abstract, claims, description,
    classifications, applicants), validation problems and quarantine counts."""
    with context.opened(upgrade=True, existing=True) as db, db.engine.connect() as conn:
        report = quality.build(conn)
    if as_json:
        context.console.print_json(json.dumps(jsonable(report), ensure_ascii=False))
        return
    console = context.console
    for source in ("gazette", "cases"):
        rows = [c for c in report.completeness if c.source == source]
        if not rows:
            continue
        table = Table(title=f"completeness: {source}")
        table.add_column("kind" if source == "gazette" else "law")
        table.add_column("total", justify="right")
        for name in rows[0].present:
            table.add_column(name, justify="right")
        for row in rows:
            table.add_row(row.kind, str(row.total), *(
                f"{100 * n / row.total:.0f}% ({n})" if row.total else "-"
                for n in row.present.values()))
        console.print(table)
    table = Table(title="validation problems (current versions)")
    for column in ("format", "files", "with problems"):
        table.add_column(column)
    for fmt, total, with_problems in report.problems:
        table.add_row(fmt, str(total), str(with_problems))
    console.print(table)
    for text, n in report.problem_kinds:
        console.print(f"  {n:6d} × {text}")
    if report.quarantined:
        console.print("quarantined: " + ", ".join(f"{fmt} {n}" for fmt, n in report.quarantined))


@app.command(name="quarantine")
def quarantine_report(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Files refused by ingest, one row per distinct file (SHA-256 of its bytes): as last
    seen (name, format, reason, batch), how many times, and the SHA-256 of the kept bytes."""
    with context.opened(upgrade=True, existing=True) as db, db.engine.connect() as conn:
        rows = quality.quarantined(conn)
    if as_json:
        context.console.print_json(json.dumps(jsonable(rows), ensure_ascii=False))
        return
    table = Table(title=f"quarantine ({len(rows)})")
    for column in ("batch", "file", "format", "reason", "seen", "bytes (sha256)"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row.batch_id or ""), row.name, row.format, row.reason,
                      f"{row.times_seen}× (last {row.last_seen_at[:19]})",
                      row.blob_sha256 or "")
    context.console.print(table)
