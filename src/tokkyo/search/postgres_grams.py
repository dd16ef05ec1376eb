"""PostgreSQL backend: a tsvector of bigram tokens per unit, with a GIN index.

A phrase of bigram tokens (`a <-> b <-> c`) matches where the query is a substring; a
1-character query is a prefix match (`az:*`). Entries are written as tsvector literals
built where the file is read (a reader process), which costs PostgreSQL half of what
`to_tsvector` costs. Rows go with their publication (ON DELETE CASCADE).

Known limit, for the search issue: tsvector keeps positions up to 16,383 and at most 256
positions per lexeme, so in a very long unit, or one where a bigram occurs more than 256
times, a phrase can miss an occurrence (a false negative; `find` verifies candidates, so
there are no false positives).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.search.grams import bigram_tokens, prefix_of, query_bigrams
from tokkyo.store.bulk import insert_rows

MAX_POSITION = 16383
#: The most `<N>` alternatives a proximity tsquery may have: each is checked on every
#: candidate's positions, and past about twenty they cost more than the Python check
#: they save (100 k documents: `ウェーハ,5C,分割` 43 ms narrowed against 134 plain,
#: `,10N,` (22) 88 against 98, `,20N,` (42) 145 against 97, `,99N,` 299 against 104).
MAX_NEAR_OPTIONS = 24
_DELETE = sa.text("DELETE FROM search_grams WHERE publication_id = :publication_id")


class PostgresGramsBackend:
    name = "postgresql-tsvector"

    def encode(self, normalised: str) -> str:
        """A tsvector literal: each bigram with its positions (`abzcd:1,7 cdzef:2`)."""
        positions: dict[str, list[str]] = {}
        for i, token in enumerate(bigram_tokens(normalised)[:MAX_POSITION], 1):
            found = positions.get(token)
            if found is None:
                positions[token] = [str(i)]
            elif len(found) < 256:
                found.append(str(i))
        return " ".join(f"{token}:{','.join(at)}" for token, at in positions.items())

    def add(self, connection: sa.Connection, publication_id: int,
            entries: Sequence[tuple[int, str]]) -> None:
        # COPY parses each literal with tsvector's input function.
        insert_rows(connection, "search_grams", [
            {"unit_key": key, "publication_id": publication_id, "grams": grams}
            for key, grams in entries])

    def remove(self, connection: sa.Connection, publication_id: int,
               entries: Sequence[tuple[int, str]]) -> None:
        connection.execute(_DELETE, {"publication_id": publication_id})

    def match(self, query: str) -> str:
        """The tsquery: a phrase of bigrams, or a prefix for one character."""
        if len(query) == 1:
            return f"{prefix_of(query)}:*"
        return " <-> ".join(query_bigrams(query))

    def _operand(self, part: str) -> str:
        return f"({self.match(part)})"

    def _link(self, left: str, right: str, distance: int) -> list[str]:
        """`right` starting 0..`distance` characters after `left` ends, as tsquery's
        `L <N> R`, which holds where R's first position is N after L's last: a phrase
        of n characters ends on its bigram at n - 2 from its start (a prefix, one
        character, at 0), and `right` starts at len(left) + gap."""
        shift = 2 if len(left) > 1 else 1
        return [f"{self._operand(left)} <{gap + shift}> {self._operand(right)}"
                for gap in range(distance + 1)]

    def near_units(self, parts: Sequence[str], gaps: Sequence[tuple[int, bool]]
                   ) -> sa.Subquery | None:
        """Every link as a disjunction of exact distances (`<N>` for each allowed gap,
        both orders where the link has none), the links ANDed. Exact for a chain of two
        parts; a chain of more may link its links through different occurrences of a
        middle part (a superset). GIN finds the units holding every part and checks the
        positions of those alone. None past MAX_NEAR_OPTIONS alternatives."""
        links = []
        for (distance, ordered), left, right in zip(gaps, parts, parts[1:], strict=False):
            options = self._link(left, right, distance)
            if not ordered:
                options += self._link(right, left, distance)
            links.append(options)
        if sum(map(len, links)) > MAX_NEAR_OPTIONS:
            return None
        return self._select(" & ".join("(" + " | ".join(o) + ")" for o in links))

    def _select(self, tsquery: str) -> sa.Subquery:
        return (sa.text("SELECT unit_key FROM search_grams "
                        "WHERE grams @@ to_tsquery('simple', :q)")
                .bindparams(sa.bindparam("q", tsquery, unique=True))
                .columns(sa.column("unit_key", sa.BigInteger)).subquery())

    def units(self, query: str) -> sa.Subquery:
        """Keys of the units containing `query`, as a subquery with column `unit_key`."""
        return self._select(self.match(query))

    def candidates(self, connection: sa.Connection, query: str) -> list[int]:
        return [r[0] for r in connection.execute(sa.select(self.units(query).c.unit_key))]
