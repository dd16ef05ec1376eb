"""The `tokkyo` command line."""

from __future__ import annotations

import typer

from tokkyo.cli import bulk, db, ingest, report, serve, settings_cmd, users

app = typer.Typer(help="tokkyo: an open, self-hostable patent information platform.",
                  no_args_is_help=True, add_completion=False)
app.command()(ingest.ingest)
app.command()(serve.serve)
app.command()(serve.demo)
app.command(name="settings")(settings_cmd.settings)
app.add_typer(db.app, name="db")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="users")
app.add_typer(bulk.app, name="bulk")

if __name__ == "__main__":
    app()
