"""The real-time cache: engine outputs kept under `(engine, version, source, target, kind,
sha256(segment))` until they expire (translation.md §2: 30 days by default). The segment
is the one the engine saw, with its placeholders, so one entry serves every document and
every glossary. This one lives in the process; the store-backed one shared by several
processes (`store_cache.StoreCache`) implements the same methods."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

from tokkyo.translate.kinds import ContentKind, Translation

CacheKey = tuple[str, str, str, str, str, str]


def key(engine: str, version: str, source: str, target: str, kind: ContentKind,
        segment: str) -> CacheKey:
    digest = hashlib.sha256(segment.encode("utf-8")).hexdigest()
    return (engine, version, source, target, kind.value, digest)


class SegmentCache(Protocol):
    def get(self, key: CacheKey) -> Translation | None: ...

    def put(self, key: CacheKey, value: Translation) -> None: ...

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, Translation]:
        """The outputs found for `keys` (one look-up for a whole text)."""
        ...

    def put_many(self, items: Sequence[tuple[CacheKey, Translation]]) -> None:
        """Keep every (key, output) (one write for a whole text)."""
        ...


class MemoryCache:
    """At most `size` entries, each kept `ttl` seconds; least recently used leave first."""

    def __init__(self, size: int = 100_000, ttl: float = 30 * 86400,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.ttl, self.clock = size, ttl, clock
        self._items: OrderedDict[CacheKey, tuple[float, Translation]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: CacheKey) -> Translation | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] <= self.clock():
                if found is not None:
                    del self._items[key]
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: CacheKey, value: Translation) -> None:
        with self._lock:
            self._items[key] = (self.clock() + self.ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, Translation]:
        found = {k: self.get(k) for k in keys}
        return {k: v for k, v in found.items() if v is not None}

    def put_many(self, items: Sequence[tuple[CacheKey, Translation]]) -> None:
        for k, v in items:
            self.put(k, v)

    def __len__(self) -> int:
        return len(self._items)
