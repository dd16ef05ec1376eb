"""The local side of a resumable fetch: a partial copy is continued from its end, one
longer than the remote file (the file was replaced by a shorter one) starts again from
zero, and bytes are written strictly in order so the partial copy is always a prefix of
the remote file, never a file with holes."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

#: Bytes read and written per step: large enough for loopback speed, small enough that no
#: file of any size is ever held in memory.
CHUNK = 1 << 20


def resume_offset(local: Path, remote_size: int | None) -> int:
    """Where to resume: the local copy's size, or 0 when there is none or it is longer
    than the remote file (so it cannot be a prefix of it)."""
    try:
        have = local.stat().st_size
    except FileNotFoundError:
        return 0
    if remote_size is not None and have > remote_size:
        return 0
    return have


def open_at(local: Path, offset: int) -> BinaryIO:
    """`local` opened for writing at `offset`, anything after it cut off; parents made."""
    local.parent.mkdir(parents=True, exist_ok=True)
    handle = local.open("r+b" if offset and local.exists() else "wb")
    handle.seek(offset)
    handle.truncate()
    return handle
