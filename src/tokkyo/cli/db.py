"""`tokkyo db`: schema migrations."""

from __future__ import annotations

import typer

from tokkyo.cli import context
from tokkyo.cli.ingest import index_due
from tokkyo.operations import constraints
from tokkyo.search import outbox
from tokkyo.search import service as search_service
from tokkyo.store import migrate
from tokkyo.store.replicas import survey

#: Cases `db check` compares document by document with the search engine.
SEARCH_SAMPLE = 200

app = typer.Typer(help="Database schema: upgrade, check, current revision; read replicas.",
                  no_args_is_help=True)


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
    `quick_check` of the file's structure; or when the search engine disagrees with the
    store (counts, and a sample of cases compared document by document)."""
    with context.opened(existing=True) as db:
        migrate.check(db.engine)
        context.console.print("tables and migrations agree")
        found = constraints.check(db)
        backend = search_service.bound(db.engine)
        searched = (outbox.check(db.engine, backend, sample=SEARCH_SAMPLE)
                    if backend is not None else None)
    problems = list(found.problems)
    if searched is not None and not searched.agrees:
        problems.append(
            f"the {backend.name if backend else ''} search index differs from the store: "
            f"{searched.store} cases stored, {searched.engine} documents indexed, "
            f"{searched.due} due; of {searched.sampled} compared, {len(searched.missing)} "
            f"missing, {len(searched.stale)} stale, {len(searched.extra)} not stored "
            "(`tokkyo search check` says which; `tokkyo search reindex` repairs it)")
    for line in problems:
        context.errors.print(f"[red]{line}", soft_wrap=True, highlight=False)
    for line in found.passed:
        context.console.print(line, soft_wrap=True, highlight=False)
    if searched is not None and searched.agrees:
        context.console.print(f"the search index agrees with the store ({searched.sampled} "
                              "cases compared)", soft_wrap=True, highlight=False)
    if problems:
        context.fail(f"{len(problems)} problem(s) in the stored rows or the search index")


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
