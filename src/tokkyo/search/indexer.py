"""The bigram index as ingest uses it (implements `tokkyo.ingest.indexer.Indexer`): a
publication's entries, and its case in `search_owners`, written and removed together."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.model.documents import Publication
from tokkyo.search.index import IndexBackend, backend_named
from tokkyo.search.normalize import normalise_field
from tokkyo.search.units import texts_of, unit_key
from tokkyo.store.repositories import search_owners, unit_texts

# (field, position, entry) per unit, without the publication id it gets later.
Prepared = list[tuple[str, int, str]]


class BigramIndexer:
    """Built for one database dialect, so that readers (which may run in other processes,
    hence the plain-string state) prepare entries in the form that database stores."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    @classmethod
    def for_engine(cls, engine: sa.Engine) -> BigramIndexer:
        return cls(engine.dialect.name)

    @property
    def backend(self) -> IndexBackend:
        return backend_named(self.dialect)

    def _entries(self, texts: list[tuple[str, int, str]]) -> Prepared:
        backend = self.backend
        out = []
        for field, position, text in texts:
            normalised = normalise_field(field, text)
            if normalised:
                out.append((field, position, backend.encode(normalised)))
        return out

    def prepare(self, publication: Publication) -> Prepared:
        return self._entries(texts_of(publication))

    def add(self, connection: sa.Connection, publication_id: int, prepared: Prepared) -> None:
        entries = [(unit_key(publication_id, f, p), entry) for f, p, entry in prepared]
        self.backend.add(connection, publication_id, entries)
        search_owners.record(connection, publication_id)

    def remove(self, connection: sa.Connection, publication_id: int) -> None:
        texts = unit_texts.of_publication(connection, publication_id)
        entries = [(unit_key(publication_id, f, p), entry) for f, p, entry in self._entries(texts)]
        self.backend.remove(connection, publication_id, entries)
        search_owners.forget(connection, publication_id)
