"""`tokkyo report`: quality of what has been loaded."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table

from tokkyo.cli import context
from tokkyo.documents.jsonable import jsonable
from tokkyo.ingest import quality

app = typer.Typer(help="Reports on the loaded data.", no_args_is_help=True)


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return quality.country_code(value)
    except quality.BadCountry as error:
        raise typer.BadParameter(str(error)) from None


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}% ({n})" if total else "-"


@app.command(name="quality")
def quality_report(
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        country: str | None = typer.Option(
            None, "--country", metavar="CC", callback=_country,
            help="Only the publications and cases of this country (JP, EP, US, CN, WO, …)."),
) -> None:
    """Completeness per source format, country and kind (title, abstract, claims,
    description, drawings, parties, classifications; for trademarks mark text, mark
    image or sound, Nice classes, right holders), bibliographic-only and repaired
    documents, judged against what each kind should carry; validation problems and
    tolerant repairs per format; quarantine counts."""
    with context.opened(upgrade=True, existing=True) as db, db.engine.connect() as conn:
        report = quality.build(conn, country)
    if as_json:
        context.print_json(report)
        return
    suffix = f" ({report.country})" if report.country else ""
    _print_groups(report, suffix)
    _print_cases(report, suffix)
    _print_problems(report, suffix)


def _print_groups(report: quality.QualityReport, suffix: str) -> None:
    """The figures per group, patents apart from trademarks, then one judgement a line
    (`ok` complete, `!!` something expected is missing)."""
    console = context.console
    for title, groups in (
            ("publications", [g for g in report.groups if g.bibliographic_only is not None]),
            ("trademarks", [g for g in report.groups if g.bibliographic_only is None])):
        if not groups:
            continue
        table = Table(title=f"{title} by source format, country and kind{suffix}")
        for column in ("format", "country", "kind", "documents"):
            table.add_column(column, justify="right" if column == "documents" else "left")
        for name in groups[0].present:
            table.add_column(name, justify="right")
        if title == "publications":
            table.add_column("bibliographic only", justify="right")
        table.add_column("repaired", justify="right")
        for g in groups:
            cells = [g.format, g.country, g.kind, str(g.documents),
                     *(_share(n, g.documents) for n in g.present.values())]
            if g.bibliographic_only is not None:
                cells.append(str(g.bibliographic_only))
            table.add_row(*cells, str(g.repaired))
        console.print(table)
    if report.groups:
        console.print(f"judged against what each kind should carry{suffix}:")
        width = max(len(g.format) for g in report.groups)
        for g in report.groups:
            mark = "ok " if g.complete else "[red]!![/red] "
            console.print(f"  {mark}{escape(g.format.ljust(width))}  {escape(g.judgement)}",
                          highlight=False, soft_wrap=True)


def _print_cases(report: quality.QualityReport, suffix: str) -> None:
    if not report.cases:
        return
    table = Table(title=f"completeness: cases{suffix}")
    table.add_column("law")
    table.add_column("total", justify="right")
    for name in report.cases[0].present:
        table.add_column(name, justify="right")
    for row in report.cases:
        table.add_row(row.kind, str(row.total),
                      *(_share(n, row.total) for n in row.present.values()))
    context.console.print(table)


def _print_problems(report: quality.QualityReport, suffix: str) -> None:
    """Problems and repairs per format, the commonest problem families, the quarantine."""
    console = context.console
    table = Table(title=f"validation problems and repairs (current versions){suffix}")
    for column in ("format", "files", "with problems", "problems", "repaired files",
                   "repairs"):
        table.add_column(column, justify="left" if column == "format" else "right")
    for p in report.problems:
        table.add_row(p.format, str(p.files), str(p.with_problems), str(p.problems),
                      str(p.repaired_files), str(p.repairs))
    console.print(table)
    for p in report.problems:
        for text, n in p.families:
            console.print(f"  {escape(p.format)}: {n:5d} × {escape(text)}", highlight=False,
                          soft_wrap=True)
    if report.quarantined:
        console.print("quarantined (all countries): " + ", ".join(
            f"{fmt} {n}" for fmt, n in report.quarantined.items()), highlight=False)


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
