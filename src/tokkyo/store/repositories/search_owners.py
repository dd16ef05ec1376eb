"""The case of each indexed publication (`search_owners`), written and removed with the
publication's index entries, so that it always names the case the entries belong to.

Single-row statements only: on SQLite a statement that may write several rows (an INSERT
… SELECT) opens a statement journal, at which FTS5 flushes its pending index; ingest
writes these rows between the index writes of a batch, so that would cost a flush per
document.
"""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables import publications, search_owners


def record(conn: sa.Connection, publication_id: int) -> None:
    """Note the stored publication's current case (replacing what was noted)."""
    case_id = conn.execute(sa.select(publications.c.application_id)
                           .where(publications.c.id == publication_id)).scalar_one()
    forget(conn, publication_id)
    conn.execute(sa.insert(search_owners).values(publication_id=publication_id,
                                                 application_id=case_id))


def forget(conn: sa.Connection, publication_id: int) -> None:
    conn.execute(sa.delete(search_owners)
                 .where(search_owners.c.publication_id == publication_id))
