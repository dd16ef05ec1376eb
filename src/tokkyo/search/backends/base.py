"""The interface every search engine implements, and what a search answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.documents import CaseDocument
from tokkyo.search.variants import Folds

#: Orders of a result list: relevance, latest publication date, filing date (both newest
#: first, cases without the date last), application number (ascending).
SORTS = ("relevance", "date", "filing", "number")


@dataclass(frozen=True, slots=True)
class Found:
    total: int
    ids: list[int]                 # application ids of this page, in order
    sort: str
    offset: int = 0
    limit: int = 0
    warnings: list[str] = field(default_factory=list)
    #: the ids of this page a text atom matched in a stored machine translation (the
    #: result list marks them "machine translation"); engines that index no
    #: translations leave it empty
    translated: list[int] = field(default_factory=list)


class SearchBackend(Protocol):
    """A search engine holding one document per case.

    Hits, counts and the orders by date and number are the same on every engine (the
    recorded oracle, tests/search/oracle_samples.json, holds them); the order by
    relevance is the engine's own."""

    name: str

    def search(self, conn: sa.Connection, tree: q.Node, *, law: str = "all",
               folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
               limit: int = 50, on: dt.date | None = None) -> Found:
        """The hit count and one page of case ids. `conn` reads the store where an atom
        needs stored text to be verified; `on` is the day statuses are read for."""
        ...

    def write(self, documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
        """Add or replace `documents` and delete the cases `removed`, durably. Each case's
        document is replaced whole (a search sees its old or its new document, never
        neither). tantivy commits the whole call at once; a Sphinx cluster lands it up to
        100 documents at a time per copy, and a write spanning shards was never atomic
        there."""
        ...

    def clear(self) -> None:
        """Delete every document (before a reindex)."""
        ...

    def bulk(self) -> AbstractContextManager[Callable[[Sequence[CaseDocument]], None]]:
        """A writer for a reindex: the function it yields adds or replaces documents, many
        calls in a row, without the cost of a durable write per call; everything is
        durable when the context exits normally (an engine may also commit on the way)."""
        ...

    def count(self) -> int:
        """How many case documents the engine holds (committed)."""
        ...

    def digests(self, ids: Sequence[int]) -> dict[int, str]:
        """The `digest` of each of these cases' documents the engine holds."""
        ...

    def ids(self) -> list[int]:
        """The case ids of every document the engine holds."""
        ...

    def check(self) -> None:
        """Raise when the engine cannot be reached or read (the /ready probe)."""
        ...

    def close(self) -> None: ...
