"""A rolling-window limit on calls per key, kept in the process (the served `/translate`
endpoint: `TOKKYO_TRANSLATE_RATE_LIMIT_PER_MINUTE`)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from tokkyo.errors import TransientError
from tokkyo.translate.errors import TranslationError


class RateLimited(TranslationError, TransientError):
    """Too many calls in the window; `retry_after` seconds until one leaves it."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimit:
    def __init__(self, per_window: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_window, self.window, self.clock = per_window, window, clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> None:
        """Count one call of `key`; RateLimited when the window is full."""
        now = self.clock()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.per_window:
                wait = max(1, math.ceil(calls[0] + self.window - now))
                raise RateLimited(f"too many requests: {self.per_window} per "
                                  f"{self.window:g} s; try again in {wait} s", wait)
            calls.append(now)
