"""Queries of publication views (translation.md §4): the page views counted by the server
processes, added in batches, read to order the re-translation queue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tokkyo.store.tables import publication_views, publications

_v = publication_views.c


def _add_statement(insert: Any) -> sa.Insert:
    """Add `n` views to a publication's count (its row made at `n`), as one upsert; a
    publication deleted since it was viewed selects no row and is skipped (no foreign key
    error fails the batch)."""
    first = (sa.select(publications.c.id, sa.bindparam("n", type_=sa.Integer))
             .where(publications.c.id == sa.bindparam("pid", type_=sa.Integer)))
    statement = insert(publication_views).from_select(["publication_id", "views"], first)
    return statement.on_conflict_do_update(index_elements=[_v.publication_id],
                                           set_={"views": _v.views + statement.excluded.views})


_ADD = {"postgresql": _add_statement(pg_insert), "sqlite": _add_statement(sqlite_insert)}


def add(conn: sa.Connection, counts: Mapping[int, int]) -> None:
    """Add each publication's views (publication id → views since the last batch), in the
    caller's transaction; in id order, so two processes adding at once never wait on each
    other's rows in opposite orders."""
    rows = [{"pid": pid, "n": n} for pid, n in sorted(counts.items()) if n > 0]
    if rows:
        conn.execute(_ADD[conn.dialect.name], rows)

