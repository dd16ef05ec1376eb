"""What every command needs: settings and the store, built when the command runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokkyo.config import Settings, load_settings
from tokkyo.documents.jsonable import jsonable
from tokkyo.errors import ConfigError
from tokkyo.search import service as search_service
from tokkyo.store import migrate
from tokkyo.store.database import Database

console = Console()
errors = Console(stderr=True)
debug = False           # `tokkyo --debug …`: failures show their traceback too


def table(title: str, columns: Iterable[str], rows: list[tuple[str, ...]],
          ids: Iterable[str] = ()) -> Table:
    """A listing whose id columns (`ids`; one id a line in a cell) are never cut or folded:
    they are as wide as their longest id, whatever the terminal's width, so they can be
    copied (the README's `sha256sum` step needs release ids); other columns wrap."""
    names = list(columns)
    out = Table(title=title)
    for i, name in enumerate(names):
        if name in ids:
            longest = max((len(line) for row in rows for line in row[i].splitlines()),
                          default=0)
            out.add_column(name, no_wrap=True, overflow="fold",
                           min_width=max(longest, len(name)))
        else:
            out.add_column(name, overflow="fold")
    for row in rows:
        out.add_row(*row)
    return out


def print_json(value: Any) -> None:
    """`--json`: the value as JSON on stdout, whole lines, never wrapped to the terminal."""
    print(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def fail(message: str, *, debug: bool = False, code: int = 1) -> NoReturn:
    """End the command with one line on stderr saying what happened (and the traceback of
    the exception being handled with --debug)."""
    if (debug or globals()["debug"]) and sys.exc_info()[0] is not None:
        errors.print_exception()
    errors.print(f"[red]{escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code) from None


def settings(**overrides: object) -> Settings:
    """The settings; a bad `TOKKYO_*` value ends the command with its one-line message."""
    try:
        return load_settings(None, **overrides)
    except ConfigError as exc:
        fail(str(exc))


def database(config: Settings | None = None) -> Database:
    try:
        return Database.open(config or settings())
    except ConfigError as exc:
        fail(str(exc))


def _sqlite_file(config: Settings) -> Path | None:
    """The file of an SQLite store (None for another database or an in-memory one)."""
    url = sa.engine.make_url(config.resolved_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def where(config: Settings) -> str:
    """The store's place as a user names it: the SQLite file, or the database URL."""
    file = _sqlite_file(config)
    if file is not None:
        return str(file)
    return sa.engine.make_url(config.resolved_database_url).render_as_string(
        hide_password=True)


@contextmanager
def opened(config: Settings | None = None, *, upgrade: bool = False,
           existing: bool = False, missing_hint: str = "",
           missing_code: int = 1) -> Iterator[Database]:
    """The store for one command, closed afterwards; `upgrade` migrates it first.

    `existing` (read-only commands, `serve`): a store that does not exist yet (no SQLite
    file, or a database without tokkyo's schema) ends the command with one line (what to
    do: `missing_hint`, or the read-only commands' advice) and exit `missing_code`, and
    nothing is created. Otherwise a store created now is named on stderr, so a command
    run from another folder does not make an empty store there unnoticed."""
    config = config or settings()
    file = _sqlite_file(config)
    if existing and file is not None and not file.exists():
        fail(_missing(config, missing_hint), code=missing_code)
    fresh = file is not None and not file.exists()
    db = database(config)
    try:
        if not fresh and (existing or upgrade):
            fresh = migrate.current_revision(db.engine) is None
        if existing and fresh:
            fail(_missing(config, missing_hint), code=missing_code)
        if upgrade:
            # on stderr, and only once there is something to summarise: the commands'
            # own output (--json) stays as it was
            bar: list[Progress] = []

            def advance(done: int, total: int) -> None:
                if not bar:
                    bar.append(Progress(TextColumn("[bold]summarising stored cases"),
                                        BarColumn(), MofNCompleteColumn(),
                                        TimeElapsedColumn(), console=errors, transient=True))
                    bar[0].start()
                    bar[0].add_task("", total=total)
                bar[0].update(bar[0].task_ids[0], completed=done)

            try:
                db.upgrade(advance)
            finally:
                for progress in bar:
                    progress.stop()
        if fresh:
            errors.print(f"new tokkyo store at {where(config)}", soft_wrap=True,
                         highlight=False)
        if upgrade or existing:
            search_service.open_for(db.engine, config)
        yield db
    finally:
        db.close()


def _missing(config: Settings, hint: str = "") -> str:
    return f"no tokkyo store at {where(config)}: " + (
        hint or "run tokkyo where the store is (its ./tokkyo-data), set TOKKYO_DATA_DIR or "
                "TOKKYO_DATABASE_URL to it, or create one with `tokkyo db upgrade` or "
                "`tokkyo ingest`")


def samples_dir() -> Path:
    """The sample corpus of a source checkout (`samples/` at the repository root)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[3] / "samples", Path.cwd() / "samples"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no samples/ folder: run the demo from a tokkyo checkout")
