"""The database pool's use as metrics: connections checked out now, and how many the
pool may hold, from the pool's own events."""

from __future__ import annotations

from typing import Any
from weakref import WeakSet

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tokkyo.monitoring import metrics

_WATCHED: WeakSet[Engine] = WeakSet()


def watch(engine: Engine) -> None:
    """Count the engine's checkouts (once per engine, however many apps share it)."""
    if engine in _WATCHED:
        return
    _WATCHED.add(engine)
    pool: Any = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        metrics.POOL_CAPACITY.set(size() + max(0, int(overflow)))

    @event.listens_for(engine, "checkout")
    def _out(*_: Any) -> None:
        metrics.POOL_IN_USE.inc()

    @event.listens_for(engine, "checkin")
    def _in(*_: Any) -> None:
        metrics.POOL_IN_USE.dec()
