"""What every command needs: settings and the store, built when the command runs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokkyo.config import Settings, load_settings
from tokkyo.documents.jsonable import jsonable
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
    if debug or globals()["debug"]:
        errors.print_exception()
    errors.print(f"[red]{message}", soft_wrap=True)
    raise typer.Exit(code) from None


def settings(**overrides: object) -> Settings:
    return load_settings(None, **overrides)


def database(config: Settings | None = None) -> Database:
    return Database.open(config or settings())


@contextmanager
def opened(config: Settings | None = None, *, upgrade: bool = False) -> Iterator[Database]:
    """The store for one command, closed afterwards; `upgrade` migrates it first."""
    db = database(config)
    try:
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
        yield db
    finally:
        db.close()


def samples_dir() -> Path:
    """The sample corpus of a source checkout (`samples/` at the repository root)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[3] / "samples", Path.cwd() / "samples"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no samples/ folder: run the demo from a tokkyo checkout")
