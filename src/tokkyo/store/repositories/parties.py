"""Parties of cases and publications, and the code-to-name register."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.model.parties import Party, PartyName, PartyRole
from tokkyo.store.bulk import insert_rows
from tokkyo.store.tables import parties, party_names

_RANK = {"gazette": 1, "case": 2, "lookup": 3}

# Statements ingest runs for every document, built once (a built statement keeps its
# cache key; see repositories/publications.py).
_NAMES_OF = sa.select(party_names.c.code, party_names.c.name, party_names.c.origin).where(
    party_names.c.code.in_(sa.bindparam("b_codes", expanding=True)))
_NEW_NAMES = sa.insert(party_names)
_RENAME = sa.update(party_names).where(party_names.c.code == sa.bindparam("b_code"))


def insert(conn: sa.Connection, app_id: int, publication_id: int | None,
           rows: Sequence[Party]) -> None:
    insert_rows(conn, parties, _rows(app_id, publication_id, rows))


def insert_many(conn: sa.Connection,
                owners: Sequence[tuple[int, int | None, Sequence[Party]]]) -> None:
    """`insert` for several owners (application id, publication id, their parties) in
    one statement: a foreign delivery's documents written together."""
    insert_rows(conn, parties, [row for app_id, publication_id, rows in owners
                                for row in _rows(app_id, publication_id, rows)])


def _rows(app_id: int, publication_id: int | None, rows: Sequence[Party]
          ) -> list[dict[str, object]]:
    return [{"application_id": app_id, "publication_id": publication_id, "role": p.role.value,
             "position": i, "sequence": p.sequence, "code": p.code, "name": p.name,
             "address": p.address, "agent_kind": p.agent_kind}
            for i, p in enumerate(rows)]


def select(conn: sa.Connection, app_id: int, publication_id: int | None,
           roles: Sequence[PartyRole]) -> tuple[Party, ...]:
    owner = (parties.c.publication_id.is_(None) if publication_id is None
             else parties.c.publication_id == publication_id)
    rows = conn.execute(sa.select(parties).where(
        parties.c.application_id == app_id, owner,
        parties.c.role.in_([r.value for r in roles])).order_by(parties.c.position)).all()
    return tuple(Party(role=PartyRole(r.role), name=r.name, code=r.code, sequence=r.sequence,
                       address=r.address, agent_kind=r.agent_kind) for r in rows)


def learn_names(conn: sa.Connection, rows: Sequence[Party | PartyName], origin: str) -> None:
    """Remember code → name; a lookup answer outranks a case, a case a gazette."""
    seen: dict[str, str] = {}
    for row in rows:
        if row.code and row.name:
            seen[row.code] = row.name
    if not seen:
        return
    existing = {r.code: r for r in conn.execute(_NAMES_OF, {"b_codes": list(seen)})}
    new = [{"code": code, "name": name, "origin": origin}
           for code, name in seen.items() if code not in existing]
    if new:
        conn.execute(_NEW_NAMES, new)
    for code, name in seen.items():
        old = existing.get(code)
        if old is not None and _RANK[origin] >= _RANK[old.origin] and (old.name, old.origin) != (
                name, origin):
            conn.execute(_RENAME, {"b_code": code, "name": name, "origin": origin})


def name_of(conn: sa.Connection, code: str) -> str | None:
    return conn.execute(sa.select(party_names.c.name).where(party_names.c.code == code)
                        ).scalar_one_or_none()


def codes_named(conn: sa.Connection, name: str) -> list[PartyName]:
    rows = conn.execute(sa.select(party_names.c.code, party_names.c.name)
                        .where(party_names.c.name == name).order_by(party_names.c.code)).all()
    return [PartyName(r.code, r.name) for r in rows]
