"""The `tokkyo` command line."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version

import typer

from tokkyo.cli import (
    backup,
    blobs,
    bulk,
    context,
    db,
    ingest,
    report,
    search,
    search_index,
    serve,
    settings_cmd,
    users,
)
from tokkyo.cli.efiling import app as efile_app
from tokkyo.cli.exchange import app as exchange_app
from tokkyo.cli.translate import app as translate_app

app = typer.Typer(help="tokkyo: an open, self-hostable patent information platform.",
                  no_args_is_help=True, add_completion=False)


def _version(asked: bool) -> None:
    if asked:
        try:
            number = installed_version("tokkyo")
        except PackageNotFoundError:            # run from a checkout that is not installed
            number = "unknown (not installed)"
        typer.echo(f"tokkyo {number}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print tokkyo's version and exit."),
         debug: bool = typer.Option(False, "--debug",
                                    help="On a failure, show the traceback too.")) -> None:
    """tokkyo: an open, self-hostable patent information platform."""
    context.debug = debug
app.command()(ingest.ingest)
app.command()(ingest.reparse)
app.command()(serve.serve)
app.command()(serve.demo)
app.command(name="settings")(settings_cmd.settings)
app.add_typer(db.app, name="db")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="users")
app.add_typer(bulk.app, name="bulk")
app.add_typer(search.app, name="search")
search_index.register(search.app)
app.add_typer(efile_app, name="efile")
app.add_typer(backup.app, name="backup")
app.add_typer(blobs.app, name="blobs")
app.add_typer(translate_app, name="translate")
app.add_typer(exchange_app, name="exchange")

if __name__ == "__main__":
    app()
