"""SQLite backend: a contentless FTS5 table of bigram tokens, rowid = unit key.

Contentless tables keep only the index; a unit is removed with FTS5's `delete` command,
which needs the tokens it was indexed with (the indexer rebuilds them from the text).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.search.grams import bigram_document, prefix_of, query_bigrams

# Driver-level statements: rows go to sqlite3's executemany untouched.
_INSERT = "INSERT INTO search_fts(rowid, grams) VALUES (?, ?)"
_DELETE = "INSERT INTO search_fts(search_fts, rowid, grams) VALUES ('delete', ?, ?)"


class SqliteFtsBackend:
    name = "sqlite-fts5"

    def encode(self, normalised: str) -> str:
        """The unit's bigrams as a space-separated token document (FTS5 tokenises it)."""
        return bigram_document(normalised)

    def add(self, connection: sa.Connection, publication_id: int,
            entries: Sequence[tuple[int, str]]) -> None:
        if entries:
            connection.exec_driver_sql(_INSERT, list(entries))

    def remove(self, connection: sa.Connection, publication_id: int,
               entries: Sequence[tuple[int, str]]) -> None:
        if entries:
            connection.exec_driver_sql(_DELETE, list(entries))

    def candidates(self, connection: sa.Connection, query: str) -> list[int]:
        if len(query) == 1:
            match = f"{prefix_of(query)}*"
        else:
            match = '"' + " ".join(query_bigrams(query)) + '"'
        rows = connection.execute(
            sa.text("SELECT rowid FROM search_fts WHERE search_fts MATCH :m"), {"m": match})
        return [r[0] for r in rows]
