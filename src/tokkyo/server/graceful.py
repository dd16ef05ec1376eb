"""Knowing that the server is shutting down.

On SIGTERM (or SIGINT) uvicorn stops accepting connections, lets the requests in flight
finish for up to `timeout_graceful_shutdown` seconds, then cancels what is left (a
download's answer ends; its slot and its log row are settled by its own clean-up) and
runs the app's shutdown. `watch_signals`, called by the serving app once uvicorn has
installed its handlers, also sets `DRAINING` on those signals, which `/ready` reads, so
that a load balancer still holding a keep-alive connection to this process hears 503
and sends new requests elsewhere."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

#: Set once this process has been told to stop.
DRAINING = threading.Event()
SIGNALS = (signal.SIGTERM, signal.SIGINT)


def draining() -> bool:
    return DRAINING.is_set()


def watch_signals() -> None:
    """Chain a handler that sets DRAINING before the server's own (main thread only;
    elsewhere, as in tests that run a server on a thread, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in SIGNALS:
        previous = signal.getsignal(sig)
        if not callable(previous) or getattr(previous, "sets_draining", False):
            continue

        def handler(number: int, frame: FrameType | None, _previous: Any = previous) -> None:
            DRAINING.set()
            _previous(number, frame)

        handler.sets_draining = True  # type: ignore[attr-defined]
        signal.signal(sig, handler)
