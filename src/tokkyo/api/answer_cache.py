"""A per-process cache of answers, valid while the store holds the same data.

Answers change only when ingest adds a source version; the newest source id is the
store's data version, one indexed lookup. A cached answer is served while the version it
was computed at is still the newest, so every process of every server stays correct
without talking to the others. Least recently used answers leave first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import sqlalchemy as sa

from tokkyo.store.repositories import sources


def data_version(conn: sa.Connection) -> int:
    return sources.latest_id(conn)


class AnswerCache:
    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, conn: sa.Connection, key: Hashable, compute: Callable[[], Any]) -> Any:
        version = data_version(conn)
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == version:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[1]
        value = compute()
        with self._lock:
            self.misses += 1
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value
