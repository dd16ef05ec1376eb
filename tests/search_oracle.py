"""The SQL engine as the oracle of the search engines: a backend that answers with a real
engine (tantivy, Sphinx) and checks every answer against the SQL engine's on the same
store, so that every search any test makes (portal, API, CSV, CLI) is an equality test
(issue 18: the old engine's results are the oracle until it is retired).

Hits and counts must be equal; pages sorted by date, filing date or number equal in
order too; a page sorted by relevance holds hits of the SQL engine's (each engine ranks
by its own scores)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.backends.base import Found, SearchBackend
from tokkyo.search.backends.sql import SqlBackend
from tokkyo.search.documents import CaseDocument, build
from tokkyo.search.variants import Folds
from tokkyo.store.repositories import search_outbox
from tokkyo.store.tables import search_outbox as search_outbox_table


class OracleMismatch(AssertionError):
    pass


class CheckedBackend:
    def __init__(self, real: SearchBackend) -> None:
        self.real = real
        self.name = real.name
        self.oracle = SqlBackend()
        self.searches = 0
        self.seen: set[int] = set()

    def search(self, conn: sa.Connection, tree: q.Node, *, law: str = "all",
               folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
               limit: int = 50, on: dt.date | None = None) -> Found:
        self._catch_up(conn)
        found = self.real.search(conn, tree, law=law, folds=folds, sort=sort, offset=offset,
                                 limit=limit, on=on)
        expected = self.oracle.search(conn, tree, law=law, folds=folds, sort=sort,
                                      offset=offset, limit=limit, on=on)
        self.searches += 1
        where = f"{q.show(tree)!r} (law {law}, sort {sort}, folds {folds}, offset {offset})"
        if found.total != expected.total:
            raise OracleMismatch(f"{self.name}: {found.total} hits, SQL {expected.total}: "
                                 f"{where}")
        if sort != "relevance":
            if found.ids != expected.ids:
                raise OracleMismatch(f"{self.name}: page {found.ids}, SQL {expected.ids}: "
                                     f"{where}")
            return found
        everything = self.oracle.search(conn, tree, law=law, folds=folds, sort=sort,
                                        limit=max(expected.total, 1), on=on)
        if len(found.ids) != len(expected.ids) or not set(found.ids) <= set(everything.ids):
            raise OracleMismatch(f"{self.name}: page {found.ids} not hits of SQL "
                                 f"{everything.ids}: {where}")
        return found

    def _catch_up(self, conn: sa.Connection) -> None:
        """Index the outbox's entries this backend has not seen, read on the caller's own
        connection (what the worker would have done by now; tests load stores in many
        ways, and a search must not wait on a write lock the test itself may hold)."""
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
