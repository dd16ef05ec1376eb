"""What ingest needs from a search index, so that ingest does not depend on search.

The application wires the implementation in (`tokkyo.search.indexer.BigramIndexer`);
`prepare` runs where the file is read (possibly a worker process) and does the CPU work,
`add` and `remove` run in the batch transaction.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa

from tokkyo.model.documents import Publication


class Indexer(Protocol):
    def prepare(self, publication: Publication) -> Any:
        """Index entries of a publication, ready to write (picklable)."""
        ...

    def add(self, connection: sa.Connection, publication_id: int, prepared: Any) -> None: ...

    def remove(self, connection: sa.Connection, publication_id: int) -> None:
        """Take a stored publication's entries out before its text is replaced."""
        ...
