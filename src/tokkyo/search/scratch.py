"""A per-connection temporary table that carries sets computed in Python (proximity,
fold-aware scans, F-term permutations) into the SQL that combines a query's atoms."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

_TABLE = sa.table("search_scratch", sa.column("tag", sa.Integer),
                  sa.column("application_id", sa.BigInteger))


class Scratch:
    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self._next = 0
        connection.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS search_scratch "
            "(tag INTEGER NOT NULL, application_id BIGINT NOT NULL)")
        connection.exec_driver_sql("DELETE FROM search_scratch")

    def put(self, ids: Iterable[int]) -> sa.Select:
        """Store `ids` under a new tag; the select of them (column `application_id`)."""
        self._next += 1
        tag = self._next
        rows = [{"tag": tag, "application_id": i} for i in set(ids)]
        if rows:
            self.connection.execute(sa.insert(_TABLE), rows)
        return (sa.select(_TABLE.c.application_id)
                .where(_TABLE.c.tag == sa.bindparam("tag", tag, unique=True)))
