"""The SQL n-gram index (SQLite FTS5, PostgreSQL gram tables) as a backend: the engine
tokkyo searched with before search engines, kept as the oracle the others are tested
against until it is retired (issue 18). Ingest maintains its index itself, so documents
given to it are ignored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.search import engine
from tokkyo.search import query as q
from tokkyo.search.backends.base import Found
from tokkyo.search.documents import CaseDocument
from tokkyo.search.variants import Folds


class SqlBackend:
    name = "sql"

    def search(self, conn: sa.Connection, tree: q.Node, *, law: str = "all",
               folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
               limit: int = 50, on: dt.date | None = None) -> Found:
        return engine.search(conn, tree, law=law, folds=folds, sort=sort, offset=offset,
                             limit=limit, on=on)

    def write(self, documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
        """The SQL index is written by ingest itself."""

    def clear(self) -> None:
        """The SQL index is written by ingest itself."""

    def count(self) -> int:
        return 0

    def digests(self, ids: Sequence[int]) -> dict[int, str]:
        return {}

    def ids(self) -> list[int]:
        return []

    def check(self) -> None:
        """Reachable whenever the store is."""

    def close(self) -> None:
        """Nothing of its own to release."""
