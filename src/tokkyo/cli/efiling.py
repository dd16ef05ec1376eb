"""`tokkyo efile`: check an application saved as HTML and convert it to the JPO's XML.

Exit status, for scripts: 0 no errors (warnings may be printed), 1 the application has
errors (nothing is written), 2 the input cannot be read at all or the output folder is
not usable."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from tokkyo.cli import context
from tokkyo.efiling import service
from tokkyo.efiling.errors import EfilingError, NotConverted
from tokkyo.efiling.findings import Finding, Severity

app = typer.Typer(help="E-filing: check an application written in Word or the JPO template "
                       "(HTML) and convert it to JPO XML.", no_args_is_help=True)
LANG = typer.Option("en", "--lang", help="Language of the messages: ja or en.")


def _load(file: Path) -> service.Result:
    try:
        return service.check(service.from_path(file))
    except EfilingError as exc:
        context.fail(f"{file}: {exc}" if not str(exc).startswith(str(file)) else str(exc),
                     code=2)


def _where(f: Finding) -> str:
    p = f.position
    parts = [p.document, f"【{p.item}】" if p.item else "",
             f"【{p.paragraph}】" if p.paragraph and p.paragraph != p.item else ""]
    return " ".join(x for x in parts if x)


def _print(result: service.Result, lang: str) -> None:
    console = context.console
    rows: list[tuple[str, ...]] = [(f.severity.value, f.code,
             f"{f.position.line}:{f.position.column}" if f.position.line else "-",
             _where(f), f.text, f.message(lang)) for f in result.findings]
    if rows:
        console.print(context.table(f"{result.upload.name}: findings",
                                    ("severity", "code", "line:col", "where", "text",
                                     "what to do"), rows, ids=("code", "line:col")))
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    documents = "、".join(d.name for d in result.application.documents) or "none"
    colour = "red" if errors else "green"
    console.print(f"[{colour}]{escape(result.upload.name)}: {_n(errors, 'error')}, "
                  f"{_n(warnings, 'warning')}[/] (documents: {escape(documents)}; read as "
                  f"{result.application.source.encoding})", highlight=False)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _lang(lang: str) -> str:
    if lang not in ("ja", "en"):
        raise typer.BadParameter("ja or en")
    return lang


@app.command()
def check(file: Path = typer.Argument(..., help="The application: an .htm/.html file (its "
                                                "images beside it) or a ZIP of both."),
          as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
          lang: str = LANG) -> None:
    """List the formality findings of an application: code, severity, line and column,
    and what to do. Exit 1 when there are errors."""
    result = _load(file)
    if as_json:
        context.print_json(result.as_json())
    else:
        _print(result, _lang(lang))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def convert(file: Path = typer.Argument(..., help="The application: an .htm/.html file (its "
                                                  "images beside it) or a ZIP of both."),
            to: Path = typer.Option(..., "--to", help="A new or empty folder for the XML "
                                                      "package (or a .zip file to write)."),
            lang: str = LANG) -> None:
    """Check the application and, when it has no errors, write its XML package:
    JPOXMLDOC01-jpbibl.xml, JPOXMLDOC01-appb.xml and the images. Nothing is written
    when it has errors (exit 1)."""
    result = _load(file)
    _print(result, _lang(lang))
    if not result.ok:
        context.errors.print("[red]not converted: correct the errors first", highlight=False)
        raise typer.Exit(1)
    files = service.convert(result)
    try:
        if to.suffix.lower() == ".zip":
            if to.exists():
                raise NotConverted(f"{to} exists; give a new file name")
            to.parent.mkdir(parents=True, exist_ok=True)
            to.write_bytes(service.zipped(files))
        else:
            service.write_folder(files, to)
    except (NotConverted, OSError) as exc:
        context.fail(str(exc), code=2)
    context.console.print(f"wrote {len(files)} files to {escape(str(to))}: "
                          + ", ".join(files), highlight=False)


@app.command()
def review(package: Path = typer.Argument(..., help="A package `tokkyo efile convert` wrote: "
                                                    "its folder or ZIP."),
           to: Path = typer.Option(None, "--to", help="Write the HTML here (default: "
                                                      "print it).")) -> None:
    """The XML package back as HTML in the JPO template's form, for review: the same
    items and text as the application it was converted from."""
    try:
        files = service.read_package(package)
        page = service.review_html(files)
    except EfilingError as exc:
        context.fail(str(exc), code=2)
    if to is None:
        print(page, end="")
        return
    if to.exists():
        context.fail(f"{to} exists; give a new file name", code=2)
    to.write_text(page, "utf-8")
    context.console.print(f"wrote {escape(str(to))}", highlight=False)
