"""The real-time cache and the served endpoints' rate limit kept in the store, so that
every server process of one tokkyo shares them (translation.md §2: a segment is
translated once however many processes show it; a caller's limit is the same whichever
process answers). Same interfaces as `cache.MemoryCache` and `ratelimit.RateLimit`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from tokkyo.store.database import Database
from tokkyo.store.repositories import translations
from tokkyo.translate.cache import CacheKey
from tokkyo.translate.kinds import Translation
from tokkyo.translate.ratelimit import RateLimited

Clock = Callable[[], dt.datetime]
#: Expired outputs are deleted after this many stores, not on every one.
PRUNE_EVERY = 200


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StoreCache:
    """Outputs kept `ttl` seconds in the store's `translation_cache`. The engine and
    version are in the key, so an output is returned only for the engine version that
    made it; an entry is one row, whoever reads it."""

    def __init__(self, database: Database, ttl: float = 30 * 86400,
                 clock: Clock = _utc_now) -> None:
        self.database, self.ttl, self.clock = database, ttl, clock
        self.hits = self.misses = 0
        self._stores = 0

    def get(self, key: CacheKey) -> Translation | None:
        return self.get_many([key]).get(key)

    def put(self, key: CacheKey, value: Translation) -> None:
        self.put_many([(key, value)])

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, Translation]:
        """The unexpired outputs of `keys`, in one read."""
        if not keys:
            return {}
        with self.database.read_primary() as conn:
            rows = translations.cached(conn, keys, self.clock())
        found = {k: Translation(v.text, k[0], k[1], v.spans) for k, v in rows.items()}
        self.hits += len(found)
        self.misses += len(set(keys)) - len(found)
        return found

    def put_many(self, items: Sequence[tuple[CacheKey, Translation]]) -> None:
        """Store the outputs in one transaction; now and then the expired ones go."""
        if not items:
            return
        now = self.clock()
        with self.database.transaction() as conn:
            translations.store(conn, [(k, t.text, t.untranslated_spans) for k, t in items],
                               now + dt.timedelta(seconds=self.ttl))
            self._stores += 1
            if self._stores % PRUNE_EVERY == 0:
                translations.prune(conn, now)

    def prune(self) -> int:
        """Delete the expired outputs now; how many."""
        with self.database.transaction() as conn:
            return translations.prune(conn, self.clock())

    def __len__(self) -> int:
        with self.database.read_primary() as conn:
            return translations.entries(conn)


class StoreRateLimit:
    """At most `per_window` calls per caller in any `window` seconds, counted in the
    store's `translate_calls` by every process."""

    def __init__(self, database: Database, per_window: int, window: float = 60.0,
                 clock: Clock = _utc_now) -> None:
        self.database, self.per_window, self.window, self.clock = (
            database, per_window, window, clock)

    def admit(self, key: str) -> None:
        """Count one call of `key`; RateLimited (with the seconds to wait) when full."""
        now = self.clock()
        with self.database.transaction() as conn:
            free_at = translations.admit_call(conn, key, now, self.per_window,
                                              dt.timedelta(seconds=self.window))
        if free_at is not None:
            wait = max(1, math.ceil((free_at - now).total_seconds()))
            raise RateLimited(f"too many requests: {self.per_window} per "
                              f"{self.window:g} s; try again in {wait} s", wait)
