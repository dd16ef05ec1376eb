"""What the criteria of one search share: its connection, the index backend, the query's
folds, the day statuses are read for, and the scratch table that carries sets computed
in Python into the SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.search.index import IndexBackend
from tokkyo.search.scratch import Scratch
from tokkyo.search.variants import Folds


@dataclass
class Scope:
    """One search on one connection; each kind of criteria (texts.py, codes.py, ...) is a
    part of the compiler built on it."""

    connection: sa.Connection
    backend: IndexBackend
    folds: Folds = field(default_factory=Folds)
    on: dt.date | None = None              # the day statuses are read for (ST)
    _scratch: Scratch | None = None

    @property
    def scratch(self) -> Scratch:
        """The scratch table, created on first use (most searches need none)."""
        if self._scratch is None:
            self._scratch = Scratch(self.connection)
        return self._scratch
