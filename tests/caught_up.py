"""The search engine under test, caught up with the store before every search.

Tests load stores in many ways (ingest, the CLI in a subprocess, repositories directly),
and a search must see what the store holds, as it does once the index worker has run.
`CaughtUp` wraps the real engine (tantivy in the `db` fixtures): before each search it
writes the outbox entries it has not seen yet, read on the caller's own connection (a
search must not wait on a write lock the test itself may hold). The engine's answers are
held to the recorded oracle by tests/search/test_recorded_oracle.py; here they pass
through unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.backends.base import Found, SearchBackend
from tokkyo.search.documents import CaseDocument, build
from tokkyo.search.variants import Folds
from tokkyo.store.repositories import search_outbox
from tokkyo.store.tables import search_outbox as search_outbox_table


class CaughtUp:
    def __init__(self, real: SearchBackend) -> None:
        self.real = real
        self.name = real.name
        self.seen: set[int] = set()

    def search(self, conn: sa.Connection, tree: q.Node, *, law: str = "all",
               folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
               limit: int = 50, on: dt.date | None = None) -> Found:
        self._catch_up(conn)
        return self.real.search(conn, tree, law=law, folds=folds, sort=sort, offset=offset,
                                limit=limit, on=on)

    def _catch_up(self, conn: sa.Connection) -> None:
        """Index the outbox's entries this backend has not seen (what the worker would
        have done by now)."""
        entry_ids, _ = search_outbox.due(conn, 1_000_000)
        new = [e for e in entry_ids if e not in self.seen]
        if not new:
            return
        rows = conn.execute(sa.select(search_outbox_table.c.application_id)
                            .where(search_outbox_table.c.id.in_(new))).scalars().all()
        docs, removed = build(conn, sorted(set(rows)))
        self.real.write(docs, removed)
        self.seen.update(new)

    def write(self, documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
        self.real.write(documents, removed)

    def clear(self) -> None:
        self.real.clear()

    def bulk(self) -> AbstractContextManager[Callable[[Sequence[CaseDocument]], None]]:
        return self.real.bulk()

    def count(self) -> int:
        return self.real.count()

    def digests(self, ids: Sequence[int]) -> dict[int, str]:
        return self.real.digests(ids)

    def ids(self) -> list[int]:
        return self.real.ids()

    def check(self) -> None:
        self.real.check()

    def close(self) -> None:
        self.real.close()
