"""The raw text of index units: title, abstract, claims, paragraphs and party names of
publications."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.store.tables import claims, paragraphs, parties, publications

#: The name field of each party role (right holders are searched as applicants, AP).
ROLE_FIELDS = {"applicant": "AP", "right-holder": "AP", "inventor": "IN", "attorney": "AG"}


def of_publication(conn: sa.Connection, publication_id: int) -> list[tuple[str, int, str]]:
    """(field, position, text) of every unit of one stored publication."""
    head = conn.execute(sa.select(publications.c.title, publications.c.abstract)
                        .where(publications.c.id == publication_id)).first()
    if head is None:
        return []
    units = [("TI", 0, head.title), ("AB", 0, head.abstract)]
    units += [("CL", r.position, r.text) for r in conn.execute(
        sa.select(claims.c.position, claims.c.text).where(claims.c.publication_id ==
                                                          publication_id))]
    units += [("DE", r.position, r.text) for r in conn.execute(
        sa.select(paragraphs.c.position, paragraphs.c.text).where(
            paragraphs.c.publication_id == publication_id))]
    units += [(ROLE_FIELDS[r.role], r.position, r.name) for r in conn.execute(
        sa.select(parties.c.role, parties.c.position, parties.c.name).where(
            parties.c.publication_id == publication_id))]
    return units


def texts(conn: sa.Connection, refs: Sequence[tuple[int, str, int]]
          ) -> dict[tuple[int, str, int], str]:
    """The texts of the given (publication id, field, position) units."""
    out: dict[tuple[int, str, int], str] = {}
    by_field: dict[str, set[int]] = {}
    positions: dict[str, set[int]] = {}
    for pub_id, field, position in refs:
        by_field.setdefault(field, set()).add(pub_id)
        positions.setdefault(field, set()).add(position)
    if by_field.keys() & {"TI", "AB"}:
        ids = list(by_field.get("TI", set()) | by_field.get("AB", set()))
        for row in conn.execute(sa.select(publications.c.id, publications.c.title,
                                          publications.c.abstract)
                                .where(publications.c.id.in_(ids))):
            out[(row.id, "TI", 0)] = row.title
            out[(row.id, "AB", 0)] = row.abstract
    wanted = set(refs)
    for field, table in (("CL", claims), ("DE", paragraphs)):
        if field in by_field:
            # the positions asked for, as a second list: the (publication_id, position)
            # index reads those rows only, where a row-value IN would make SQLite scan
            rows = conn.execute(sa.select(table.c.publication_id, table.c.position,
                                          table.c.text)
                                .where(table.c.publication_id.in_(list(by_field[field])),
                                       table.c.position.in_(sorted(positions[field]))))
            for row in rows:
                key = (row.publication_id, field, row.position)
                if key in wanted:
                    out[key] = row.text
    if by_field.keys() & {"AP", "IN", "AG"}:
        ids = list(by_field.get("AP", set()) | by_field.get("IN", set())
                   | by_field.get("AG", set()))
        for row in conn.execute(sa.select(parties.c.publication_id, parties.c.role,
                                          parties.c.position, parties.c.name)
                                .where(parties.c.publication_id.in_(ids))):
            key = (row.publication_id, ROLE_FIELDS[row.role], row.position)
            if key in wanted:
                out[key] = row.name
    return out
