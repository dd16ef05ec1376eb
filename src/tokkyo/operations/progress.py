"""How a long operation says how far it is: a `Reporter` opens one stage per step (the
CLI draws each as a progress bar; tests and benchmarks pass `Quiet`)."""

from __future__ import annotations

from typing import Protocol


class Stage(Protocol):
    def update(self, done: int, total: int | None = None) -> None:
        """`done` of `total` (bytes, tables, blobs: what the stage counts)."""
        ...

    def advance(self, amount: int = 1) -> None:
        ...


class Reporter(Protocol):
    def stage(self, what: str, total: int | None, *, in_bytes: bool = False) -> Stage:
        """A new step named `what`, of `total` units (None: not known yet)."""
        ...


class _Silent:
    def update(self, done: int, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


class Quiet:
    """A reporter that shows nothing."""

    def stage(self, what: str, total: int | None, *, in_bytes: bool = False) -> Stage:
        return _Silent()
