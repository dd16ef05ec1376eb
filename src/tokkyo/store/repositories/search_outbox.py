"""The search outbox (`search_outbox`): cases whose search documents are due, recorded
in the transaction that changed them, taken off by the index worker once written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from tokkyo.store.tables import applications, search_outbox


def record(conn: sa.Connection, case_ids: Iterable[int]) -> None:
    """Note that these cases' documents are due (again)."""
    rows = [{"application_id": case_id} for case_id in sorted(set(case_ids))]
    if rows:
        conn.execute(sa.insert(search_outbox), rows)


def record_all(conn: sa.Connection) -> int:
    """Note every stored case (a reindex through the worker). Returns how many."""
    result = conn.execute(sa.insert(search_outbox).from_select(
        ["application_id"], sa.select(applications.c.id).order_by(applications.c.id)))
    return result.rowcount or 0


def due(conn: sa.Connection, limit: int) -> tuple[list[int], list[int]]:
    """The first `limit` entries: (their ids, the distinct cases they name)."""
    rows = conn.execute(sa.select(search_outbox.c.id, search_outbox.c.application_id)
                        .order_by(search_outbox.c.id).limit(limit)).all()
    return [r.id for r in rows], sorted({r.application_id for r in rows})


def done(conn: sa.Connection, entry_ids: Sequence[int]) -> None:
    """Take off exactly these entries: one recorded meanwhile stays, even with a lower id
    (PostgreSQL's sequence numbers are handed out before their transactions commit)."""
    for start in range(0, len(entry_ids), 1000):
        conn.execute(sa.delete(search_outbox)
                     .where(search_outbox.c.id.in_(entry_ids[start:start + 1000])))


def due_cases(conn: sa.Connection) -> list[int]:
    """The distinct cases whose work is due."""
    return list(conn.execute(sa.select(search_outbox.c.application_id).distinct()).scalars())


def pending(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(search_outbox)).scalar_one()


def clear(conn: sa.Connection) -> None:
    conn.execute(sa.delete(search_outbox))
