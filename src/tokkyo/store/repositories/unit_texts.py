"""The raw text of index units: title, abstract, claims, paragraphs and party names of
publications, by field code (the codes and the stored text each reads:
model/text_fields.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.model.text_fields import NAME_FIELDS, ROLE_FIELDS
from tokkyo.store.tables import claims, paragraphs, parties, publication_texts, publications


def of_publication(conn: sa.Connection, publication_id: int) -> list[tuple[str, int, str]]:
    """(field, position, text) of every unit of one stored publication."""
    head = conn.execute(sa.select(publications.c.title, publications.c.abstract,
                                  publications.c.trademark)
                        .where(publications.c.id == publication_id)).first()
    if head is None:
        return []
    units = [("TI", 0, head.title), ("AB", 0, head.abstract)]
    units += _extra_heads(conn, publication_id, head.trademark)
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


def _extra_heads(conn: sa.Connection, publication_id: int, trademark: str | None
                 ) -> list[tuple[str, int, str]]:
    """TI and AB units 1…: titles and abstracts in other languages, then a mark's
    readings (as `search.units.extra_titles_and_abstracts` indexes them)."""
    found: dict[str, list[str]] = {"title": [], "abstract": []}
    for row in conn.execute(sa.select(publication_texts.c.part, publication_texts.c.text)
                            .where(publication_texts.c.publication_id == publication_id)
                            .order_by(publication_texts.c.position)):
        found[row.part].append(row.text)
    if trademark is not None:
        found["title"] += json.loads(trademark).get("readings", [])
    return ([("TI", i + 1, text) for i, text in enumerate(found["title"])]
            + [("AB", i + 1, text) for i, text in enumerate(found["abstract"])])


#: (publication id, position) pairs per statement: two parameters each, well under
#: SQLite's 32,766 and PostgreSQL's 65,535.
PAIRS_PER_STATEMENT = 5000


def _exact_rows(conn: sa.Connection, table: sa.Table, asked: list[tuple[int, int]]
                ) -> sa.CursorResult:
    """(publication_id, position, text) of exactly these (publication id, position)
    pairs: a VALUES list joined to the (publication_id, position) index, one seek per
    pair. Two IN lists read every asked position of every asked publication (four times
    the rows for a proximity search's candidates), and a row-value IN makes SQLite scan.
    A driver-level statement: SQLAlchemy took 10 ms to compile a VALUES of 500 rows,
    which the database then ran in 1.4."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    rows = ", ".join([f"({mark}, {mark})"] * len(asked))
    return conn.exec_driver_sql(
        f"WITH wanted(p, q) AS (VALUES {rows}) "
        f"SELECT t.publication_id, t.position, t.text FROM wanted "
        f"JOIN {table.name} t ON t.publication_id = wanted.p AND t.position = wanted.q",
        tuple(value for pair in asked for value in pair))


def texts(conn: sa.Connection, refs: Sequence[tuple[int, str, int]]
          ) -> dict[tuple[int, str, int], str]:
    """The texts of the given (publication id, field, position) units."""
    out: dict[tuple[int, str, int], str] = {}
    by_field: dict[str, set[int]] = {}
    pairs: dict[str, set[tuple[int, int]]] = {}
    for pub_id, field, position in refs:
        by_field.setdefault(field, set()).add(pub_id)
        pairs.setdefault(field, set()).add((pub_id, position))
    if by_field.keys() & {"TI", "AB"}:
        ids = list(by_field.get("TI", set()) | by_field.get("AB", set()))
        extra = {pub_id for pub_id, field, position in refs
                 if field in ("TI", "AB") and position > 0}
        for row in conn.execute(sa.select(publications.c.id, publications.c.title,
                                          publications.c.abstract, publications.c.trademark)
                                .where(publications.c.id.in_(ids))):
            out[(row.id, "TI", 0)] = row.title
            out[(row.id, "AB", 0)] = row.abstract
            if row.id in extra:
                for field, position, text in _extra_heads(conn, row.id, row.trademark):
                    out[(row.id, field, position)] = text
    wanted = set(refs)
    for field, table in (("CL", claims), ("DE", paragraphs)):
        asked = sorted(pairs.get(field, ()))
        for start in range(0, len(asked), PAIRS_PER_STATEMENT):
            chunk = asked[start:start + PAIRS_PER_STATEMENT]
            for pub_id, position, text in _exact_rows(conn, table, chunk):
                out[(pub_id, field, position)] = text
    if by_field.keys() & NAME_FIELDS:
        ids = sorted({pub_id for f in NAME_FIELDS for pub_id in by_field.get(f, ())})
        for party in conn.execute(sa.select(parties.c.publication_id, parties.c.role,
                                          parties.c.position, parties.c.name)
                                .where(parties.c.publication_id.in_(ids))):
            key = (party.publication_id, ROLE_FIELDS[party.role], party.position)
            if key in wanted:
                out[key] = party.name
    return out
