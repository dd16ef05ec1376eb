"""`tokkyo db`: schema migrations."""

from __future__ import annotations

import typer

from tokkyo.cli import context
from tokkyo.store import migrate
from tokkyo.store.replicas import survey

app = typer.Typer(help="Database schema: upgrade, check, current revision; read replicas.",
                  no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply every migration not yet applied (safe to run again)."""
    with context.opened(upgrade=True) as db:
        context.console.print(f"schema at {migrate.current_revision(db.engine)} "
                              f"({db.engine.url.render_as_string(hide_password=True)})")


@app.command()
def current() -> None:
    """Print the revision the database is at."""
    with context.opened(existing=True) as db:
        context.console.print(migrate.current_revision(db.engine) or "(empty database)")


@app.command()
def check() -> None:
    """Fail when the tables and the migrations differ (`alembic check`)."""
    with context.opened(existing=True) as db:
        migrate.check(db.engine)
        context.console.print("tables and migrations agree")


@app.command()
def replicas() -> None:
    """Each read replica (TOKKYO_DATABASE_REPLICA_URLS): current, behind the primary (by
    how much WAL) or down. Exit status 1 when one is down or not a replica."""
    with context.opened(existing=True) as db:
        if db.replicas is None:
            context.console.print("no read replicas (TOKKYO_DATABASE_REPLICA_URLS is empty)")
            return
        found = survey(db.replicas)
    for s in found:            # one line each, for people and for monitoring scripts
        behind = f" by {s.behind} bytes of WAL" if s.state == "behind" else ""
        detail = f": {s.detail}" if s.detail else ""
        context.console.print(f"{s.url}  {s.state}{behind}{detail}", soft_wrap=True,
                              highlight=False, markup=False)
    if any(s.state in ("down", "not a replica") for s in found):
        raise typer.Exit(1)
