"""Blob storage: original files, document bodies and bulk files, addressed by SHA-256.

`BlobStore` is the one interface, limited to what object storage offers too (put from
bytes, a stream or a file; get whole or as a stream; a byte range; stat; delete), so that
an object-storage implementation is a new class, not a change to its users. Listing
(`names`) and a blob's age (`BlobStat.modified`) are there for the integrity checks and
the garbage collection of unreferenced blobs (`tokkyo blobs verify`, `tokkyo blobs gc`).
`open_blob_store` builds the implementation the settings name (`TOKKYO_BLOB_STORE`).

`LocalBlobStore` keeps blobs in a folder, each written once, atomically (temporary file,
fsync, rename), under `ab/cd/abcd…` so that no folder grows too large. Writing the same
bytes twice costs no copy; it renews the blob's modification time, so that the grace
period of `tokkyo blobs gc` counts from the last write (an unreferenced blob that an
ingest writes again, about to refer to it, is young again and never collected). Its
streams are OS files, which is what lets the bulk site hand them to `sendfile(2)` (the
zero-copy send); streams of other stores are read in chunks.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

from tokkyo.config import Settings
from tokkyo.errors import ConfigError, TerminalError

CHUNK = 1 << 20


class BlobMissing(TerminalError):
    """A blob the database refers to is not in the blob store."""


class BlobStat(NamedTuple):
    size: int
    modified: float = 0.0       # when it was last written (POSIX seconds)


class BlobStore(Protocol):
    """Content-addressed storage: every blob is named by the SHA-256 (hex) of its bytes."""

    def put(self, data: bytes) -> str:
        """Store `data`; return its SHA-256."""
        ...

    def put_stream(self, source: BinaryIO, *, sync: bool = True) -> tuple[str, int]:
        """Store what `source` reads to its end, never held in memory whole; return its
        SHA-256 and size. When reading fails nothing is stored. `sync=False` leaves the
        flush to disk to the caller: a restore writing many blobs syncs once at the end."""
        ...

    def put_file(self, source: Path) -> tuple[str, int]:
        """Store the file at `source`; return its SHA-256 and size."""
        ...

    def get(self, sha256: str) -> bytes:
        """The whole blob; BlobMissing when it is not stored."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a readable, seekable stream (the caller closes it); BlobMissing."""
        ...

    def read_range(self, sha256: str, start: int, length: int) -> bytes:
        """At most `length` bytes from `start`; BlobMissing."""
        ...

    def stat(self, sha256: str) -> BlobStat | None:
        """The blob's size, or None when it is not stored."""
        ...

    def delete(self, sha256: str) -> bool:
        """Remove the blob; whether there was one."""
        ...

    def names(self) -> Iterator[str]:
        """The SHA-256 of every stored blob, in no particular order."""
        ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_blob_store(settings: Settings) -> BlobStore:
    """The blob store `TOKKYO_BLOB_STORE` names: a `file://` URL, or empty for the local
    folder of `TOKKYO_BLOB_DIR` (`blobs/` in the data folder). Any other scheme is a
    ConfigError naming the variable."""
    if not settings.blob_store:
        return LocalBlobStore(settings.blob_path)
    url = urlsplit(settings.blob_store)
    if url.scheme == "file" and url.netloc in ("", "localhost") and url.path:
        return LocalBlobStore(Path(unquote(url.path)))
    raise ConfigError(f"TOKKYO_BLOB_STORE={settings.blob_store!r}: no blob store for "
                      f"{url.scheme + '://' if url.scheme else 'this URL'} (tokkyo keeps "
                      "blobs in a local folder: file:///path, or leave it empty)")


class LocalBlobStore:
    """Blobs in a local folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the blob is (or would be) on disk."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _missing(self, sha256: str) -> BlobMissing:
        return BlobMissing(f"blob {sha256} is not in {self.root}")

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        target = self.path(digest)
        if _renewed(target):
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

    def put_stream(self, source: BinaryIO, *, sync: bool = True) -> tuple[str, int]:
        """Copy `source` in, hashing as it copies (one pass, flat memory)."""
        if not self.root.is_dir():
            self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                if sync:
                    os.fsync(out.fileno())
            target = self.path(digest.hexdigest())
            if _renewed(target):
                Path(tmp).unlink()
            else:
                if not target.parent.is_dir():      # a stat: cheaper than a failing mkdir
                    target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest.hexdigest(), size

    def put_file(self, source: Path) -> tuple[str, int]:
        with open(source, "rb") as stream:
            return self.put_stream(stream)

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise self._missing(sha256) from None

    def open(self, sha256: str) -> BinaryIO:
        """An OS file (it has a file descriptor: the zero-copy send can use it)."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise self._missing(sha256) from None

    def read_range(self, sha256: str, start: int, length: int) -> bytes:
        with self.open(sha256) as handle:
            handle.seek(start)
            return handle.read(length)

    def stat(self, sha256: str) -> BlobStat | None:
        try:
            found = self.path(sha256).stat()
        except FileNotFoundError:
            return None
        return BlobStat(found.st_size, found.st_mtime)

    def delete(self, sha256: str) -> bool:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def names(self) -> Iterator[str]:
        """Every file named like a blob under `ab/cd/` (half-written `.incoming-` files
        and anything else are not blobs)."""
        if not self.root.is_dir():
            return
        for first in sorted(os.scandir(self.root), key=lambda e: e.name):
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in sorted(os.scandir(first.path), key=lambda e: e.name):
                if len(second.name) != 2 or not second.is_dir():
                    continue
                prefix = first.name + second.name
                for entry in os.scandir(second.path):
                    if (len(entry.name) == 64 and entry.name.startswith(prefix)
                            and _HEX.fullmatch(entry.name)):
                        yield entry.name


_HEX = re.compile(r"[0-9a-f]{64}")


def _renewed(target: Path) -> bool:
    """Whether the blob at `target` is stored; if so its modification time becomes now
    (where it can: a blob store mounted read-only still answers for what it holds)."""
    try:
        os.utime(target)
    except FileNotFoundError:
        return False
    except OSError:
        return target.exists()
    return True
