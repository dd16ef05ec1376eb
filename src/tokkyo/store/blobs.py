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
from typing import BinaryIO, Protocol

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

    def put_file(self, source: Path) -> tuple[str, int]:
        return put_file(self, source)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobMissing(f"blob {sha256} is not in {self.root}") from None

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobMissing(f"blob {sha256} is not in {self.root}") from None


class FileStore(Protocol):
    """Large files (bulk downloads): stored from a path and read back as a stream, never
    held in memory whole. Addressed by SHA-256 like every blob."""

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy `source` in; return its SHA-256 (hex) and size in bytes."""
        ...

    def open(self, sha256: str) -> BinaryIO: ...

    def size(self, sha256: str) -> int: ...


CHUNK = 1 << 20


def put_file(store: LocalBlobStore, source: Path) -> tuple[str, int]:
    """Stream `source` into the store, hashing as it copies (one pass, flat memory)."""
    store.root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=store.root, prefix=".incoming-")
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        target = store.path(digest.hexdigest())
        if target.exists():
            Path(tmp).unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size
