"""At most N downloads at a time per user (bulk.md §4), across every server process.

Each user has N slot files under the data folder (`run/downloads/u{id}/{k}.lock`); a
download holds an exclusive `flock` on one of them while its body is sent. The kernel
drops the lock when the file is closed or the process dies, so a crashed worker never
leaves a slot taken, and every `tokkyo serve --workers` process sharing the data folder
sees the same count.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class Slot:
    """A taken slot; `release()` (idempotent) gives it back."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)                 # closing drops the lock
            self._fd = None


class DownloadSlots:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def take(self, user_pk: int, limit: int) -> Slot | None:
        """A free slot of the user's `limit`, or None when all are in use."""
        folder = self.root / f"u{int(user_pk)}"
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(limit):
            fd = os.open(folder / f"{k}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return Slot(fd)
        return None
