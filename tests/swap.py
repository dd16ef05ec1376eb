"""A reader during a swap: what a search answers, asked again and again on a thread of
its own while an action (an index worker's catch-up) runs, and once more after it. The
accumulated-translation tests of both engines use it to show that a reader never misses a
document while its translation is replaced."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def seen_during(search: Callable[[], T], action: Callable[[], object]) -> list[T]:
    """Every answer of `search` while `action` ran, and the one after it."""
    seen: list[T] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(search())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        action()
    finally:
        stop.set()
        thread.join()
    seen.append(search())
    return seen
