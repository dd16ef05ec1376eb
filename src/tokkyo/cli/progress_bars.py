"""The operations' progress as rich progress bars on stderr (a bar per stage), so that a
command's own output on stdout stays as it is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from tokkyo.cli import context


class _Amount(ProgressColumn):
    """Bytes with their rate for a stage that counts bytes, else `done/total`."""

    def __init__(self) -> None:
        super().__init__()
        self.sized = (DownloadColumn(), TransferSpeedColumn())
        self.counted = MofNCompleteColumn()

    def render(self, task: Task) -> Text:
        if task.fields.get("in_bytes"):
            return Text.assemble(self.sized[0].render(task), " ", self.sized[1].render(task))
        if task.total is None:
            return Text(str(int(task.completed)))
        return self.counted.render(task)


class _Stage:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self.progress, self.task = progress, task

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.progress.update(self.task, completed=done, total=total)
        else:
            self.progress.update(self.task, completed=done)

    def advance(self, amount: int = 1) -> None:
        self.progress.advance(self.task, amount)


class Bars:
    """A `Reporter` (tokkyo.operations.progress) drawing each stage as a bar."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def stage(self, what: str, total: int | None, *, in_bytes: bool = False) -> _Stage:
        return _Stage(self.progress, self.progress.add_task(what, total=total,
                                                            in_bytes=in_bytes))


@contextmanager
def bars(quiet: bool = False) -> Iterator[Bars]:
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), _Amount(),
                  TimeElapsedColumn(), console=context.errors, disable=quiet) as progress:
        yield Bars(progress)
