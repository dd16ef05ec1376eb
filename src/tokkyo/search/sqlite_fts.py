"""SQLite backend: a contentless FTS5 table of bigram tokens, rowid = unit key.

Contentless tables keep only the index; a unit is removed with FTS5's `delete` command,
which needs the tokens it was indexed with (the indexer rebuilds them from the text).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.search.grams import bigram_document, prefix_of, query_bigrams
from tokkyo.search.proximity import near_window

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
        """Insert a publication's entries in ascending unit-key order. FTS5 keeps the
        rows of a transaction in memory only while their rowids increase: a smaller
        rowid than the last one flushes what it holds to a new segment on disk (and
        more segments mean more merging). A publication's units come in reading order,
        in which one field's keys can follow a larger field's (a gazette's attorneys
        (AG) before its inventors (IN)), so unsorted they cost a flush per document."""
        if entries:
            connection.exec_driver_sql(_INSERT, sorted(entries))

    def remove(self, connection: sa.Connection, publication_id: int,
               entries: Sequence[tuple[int, str]]) -> None:
        """Remove a publication's entries, in ascending unit-key order as `add` (a delete
        of a smaller rowid than the last flushes FTS5's pending rows too)."""
        if entries:
            connection.exec_driver_sql(_DELETE, sorted(entries))

    def match(self, query: str) -> str:
        """The FTS5 query: a phrase of bigrams, or a prefix for one character."""
        if len(query) == 1:
            return f"{prefix_of(query)}*"
        return '"' + " ".join(query_bigrams(query)) + '"'

    def _phrase(self, query: str) -> str:
        return f"{prefix_of(query)}*" if len(query) == 1 else self.match(query)

    def near_units(self, parts: Sequence[str], gaps: Sequence[tuple[int, bool]]
                   ) -> sa.Subquery | None:
        """FTS5's NEAR over the window that holds every chain (`near_window`): unordered,
        and one window for the whole chain, so a superset."""
        return self.within(parts, near_window(parts, [d for d, _ in gaps]))

    def within(self, parts: Sequence[str], window: int) -> sa.Subquery:
        """Units holding every part with at most `window` tokens between the first and
        the last, in any order (FTS5's NEAR; one bigram per character position)."""
        match = f"NEAR({' '.join(self._phrase(p) for p in parts)}, {window})"
        return (sa.text("SELECT rowid AS unit_key FROM search_fts WHERE search_fts MATCH :m")
                .bindparams(sa.bindparam("m", match, unique=True))
                .columns(sa.column("unit_key", sa.BigInteger)).subquery())

    def units(self, query: str) -> sa.Subquery:
        """Keys of the units containing `query`, as a subquery with column `unit_key`."""
        return (sa.text("SELECT rowid AS unit_key FROM search_fts WHERE search_fts MATCH :m")
                .bindparams(sa.bindparam("m", self.match(query), unique=True))
                .columns(sa.column("unit_key", sa.BigInteger)).subquery())

    def candidates(self, connection: sa.Connection, query: str) -> list[int]:
        return [r[0] for r in connection.execute(sa.select(self.units(query).c.unit_key))]
