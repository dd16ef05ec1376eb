"""Blob storage: original files and document bodies, addressed by SHA-256.

`BlobStore` is the interface (local disk now, object storage later); `LocalBlobStore`
writes each blob once, atomically (temporary file, fsync, rename), under
`ab/cd/abcd…` so that no folder grows too large. Writing the same bytes twice is free.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from tokkyo.errors import TerminalError


class BlobMissing(TerminalError):
    """A blob the database refers to is not in the blob store."""


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store `data`; return its SHA-256 (hex)."""
        ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"blob {sha256} is not in {self.root}") from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()
