"""The bigram index behind one interface, with a backend per database.

Backends hold (unit key, bigram document) entries (`search/indexer.py` writes them);
`find` returns the units whose text contains a query: the backend names candidates, and
every candidate is verified against the stored text, so a backend may over-approximate
but never decides a match alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import sqlalchemy as sa

from tokkyo.search.normalize import normalise_field, normalise_text
from tokkyo.search.units import FIELD_CODES, UnitRef, unit_ref
from tokkyo.store.repositories import unit_texts


class IndexBackend(Protocol):
    name: str

    def encode(self, normalised: str) -> str:
        """The entry for one unit's normalised text, as this backend stores it."""
        ...

    def add(self, connection: sa.Connection, publication_id: int,
            entries: Sequence[tuple[int, str]]) -> None: ...

    def remove(self, connection: sa.Connection, publication_id: int,
               entries: Sequence[tuple[int, str]]) -> None: ...

    def units(self, query: str) -> sa.Subquery:
        """Keys of the units whose normalised text contains `query` (column `unit_key`)."""
        ...

    def candidates(self, connection: sa.Connection, query: str) -> list[int]: ...

    def near_units(self, parts: Sequence[str], gaps: Sequence[tuple[int, bool]]
                   ) -> sa.Subquery | None:
        """Keys of a superset of the units where the parts occur linked by `gaps`
        ((distance in characters, ordered) per link, as `proximity.near` reads them), to
        verify. None where the backend cannot narrow so."""
        ...


def backend_for(connection: sa.Connection) -> IndexBackend:
    return backend_named(connection.dialect.name)


def backend_named(dialect: str) -> IndexBackend:
    if dialect == "sqlite":
        from tokkyo.search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend()
    if dialect == "postgresql":
        from tokkyo.search.postgres_grams import PostgresGramsBackend

        return PostgresGramsBackend()
    raise ValueError(f"no search backend for the {dialect} database")


def find(connection: sa.Connection, query: str, fields: Sequence[str] = ()) -> list[UnitRef]:
    """Units whose normalised text contains the normalised `query` (verified)."""
    if not normalise_text(query):
        return []
    backend = backend_for(connection)
    refs: set[UnitRef] = set()
    for needle in {normalise_field(f, query) for f in (fields or FIELD_CODES)} - {""}:
        refs |= {unit_ref(key) for key in backend.candidates(connection, needle)}
    if fields:
        refs = {r for r in refs if r.field in fields}
    texts = unit_texts.texts(connection, [(r.publication_id, r.field, r.position) for r in refs])
    hits = [r for r in refs
            if normalise_field(r.field, query) in normalise_field(
                r.field, texts.get((r.publication_id, r.field, r.position), ""))]
    return sorted(hits, key=lambda r: (r.publication_id, r.field, r.position))
