"""Checking a received file before anything reads it (exchange.md §6): size and SHA-256
against the manifest, and for a ZIP its integrity (every member's CRC), members whose name
leaves the archive, link members, and compression bombs (judged on the sizes the archive
declares, which bound what reading it can produce)."""

from __future__ import annotations

import hashlib
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tokkyo.exchange.manifests import Entry
from tokkyo.ingest.items import EMPTY_ZIP_MAGIC, ZIP_MAGIC, escapes

CHUNK = 1 << 20
#: An archive is a bomb when it declares more than this many bytes per byte it takes …
BOMB_RATIO = 200
#: … and more than this in all (a small, very compressible file is no threat) …
BOMB_FLOOR = 64 << 20
#: … or when it declares more than this whatever its ratio.
BOMB_CEILING = 32 << 30


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file is quarantined before parsing: `code` for machines, `message` for
    people."""

    code: str
    message: str


def digest(path: Path) -> tuple[int, str]:
    """(bytes, SHA-256 hex) of a file, read in chunks (no size limit)."""
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as reading:
        while chunk := reading.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def against_manifest(name: str, size: int, sha256: str, entry: Entry | None,
                     listed: bool) -> Problem | None:
    """The manifest's word on one file; `listed`: the manifest lists files at all."""
    if entry is None:
        return Problem("not-in-manifest", f"{name} is not listed in the manifest") \
            if listed else None
    if entry.bytes is not None and entry.bytes != size:
        return Problem("size-mismatch", f"{name} has {size} bytes, the manifest says "
                                        f"{entry.bytes}")
    if entry.sha256 is not None and entry.sha256 != sha256:
        return Problem("checksum-mismatch", f"{name} has SHA-256 {sha256}, the manifest "
                                            f"says {entry.sha256}")
    return None


def archive(path: Path) -> Problem | None:
    """The checks of a ZIP file (None for a file that is not one, or a sound ZIP)."""
    with path.open("rb") as reading:
        magic = reading.read(4)
    if magic not in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as zipped:
            infos = zipped.infolist()
            for info in infos:
                if escapes(info.filename):
                    return Problem("zip-traversal", f"{path.name}: member {info.filename!r} "
                                   "leaves the archive (an absolute path or '..')")
                if stat.S_ISLNK(info.external_attr >> 16):
                    return Problem("zip-link", f"{path.name}: member {info.filename!r} is a "
                                   "symbolic link")
            declared = sum(i.file_size for i in infos)
            taken = max(1, sum(i.compress_size for i in infos))
            if declared > BOMB_CEILING or (declared > BOMB_FLOOR
                                           and declared > BOMB_RATIO * taken):
                return Problem("zip-bomb", f"{path.name}: declares {declared} bytes "
                               f"uncompressed from {taken} (a compression bomb)")
            bad = zipfile.ZipFile.testzip(zipped)
            if bad is not None:
                return Problem("zip-corrupt", f"{path.name}: member {bad!r} fails its CRC")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return Problem("zip-corrupt", f"{path.name}: not a readable ZIP archive ({exc})")
    return None
