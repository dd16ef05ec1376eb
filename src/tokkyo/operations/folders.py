"""What copying many blobs needs: a few threads, and folders made once each."""

from __future__ import annotations

import threading
from pathlib import Path

#: Threads that copy blobs: hashing and file writes run without the GIL, so a few keep the
#: CPUs and the disk busy at once.
COPIERS = 4


class Folders:
    """Folders made so far (`ab/cd/` of a blob store): each is made once, not asked for
    again per blob (a `mkdir` of a folder that exists costs a system call that fails)."""

    def __init__(self) -> None:
        self._made: set[Path] = set()
        self._lock = threading.Lock()

    def make(self, folder: Path) -> None:
        if folder in self._made:
            return
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._made.add(folder)
