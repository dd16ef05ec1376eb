"""`tokkyo db`: schema migrations."""

from __future__ import annotations

import typer

from tokkyo.cli import context
from tokkyo.cli.ingest import index_due
from tokkyo.operations import constraints
from tokkyo.store import migrate

app = typer.Typer(help="Database schema: upgrade, check, current revision.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply every migration not yet applied (safe to run again)."""
    with context.opened(upgrade=True) as db:
        context.console.print(f"schema at {migrate.current_revision(db.engine)} "
                              f"({db.engine.url.render_as_string(hide_password=True)})")
        # an upgrade that records cases for the search engine (migration 0017: every
        # case) is the engine's reindex: written now, with a progress bar
        index_due(db.engine)


@app.command()
def current() -> None:
    """Print the revision the database is at."""
    with context.opened(existing=True) as db:
        context.console.print(migrate.current_revision(db.engine) or "(empty database)")


@app.command()
def check() -> None:
    """Fail when the tables and the migrations differ (`alembic check`), or when rows
    break a constraint: foreign keys (SQLite does not enforce them on every
    connection), CHECK constraints evaluated again over every row, and SQLite's
    `quick_check` of the file's structure."""
    with context.opened(existing=True) as db:
        migrate.check(db.engine)
        context.console.print("tables and migrations agree")
        found = constraints.check(db)
    for line in found.problems:
        context.errors.print(f"[red]{line}", soft_wrap=True, highlight=False)
    for line in found.passed:
        context.console.print(line, soft_wrap=True, highlight=False)
    if found.problems:
        context.fail(f"{len(found.problems)} problem(s) in the stored rows")
