"""A backup folder's description: `manifest.json` (what was backed up: tokkyo's version,
the schema revision, the database file, rows per table, blob totals) and `SHA256SUMS`
(the SHA-256 of every file of the backup, in the format `sha256sum -c` reads, so a
backup can be checked without tokkyo too). The manifest holds the SHA-256 of SHA256SUMS.

The folder:

    manifest.json
    SHA256SUMS
    database-<UTC time>.sqlite3 | .pgdump
    blobs/ab/cd/abcd…            (laid out as the local blob store lays them out)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tokkyo.operations.errors import BackupError

FORMAT = "tokkyo-backup/1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
BLOBS = "blobs"
CHUNK = 1 << 20


@dataclass
class Manifest:
    tokkyo_version: str
    created_at: str                 # ISO 8601, UTC
    backend: str                    # "sqlite" | "postgresql"
    schema_revision: str
    database_file: str              # its name in the folder
    database_sha256: str
    database_size: int
    counts: dict[str, int]          # rows per table
    blob_count: int
    blob_bytes: int
    sums_sha256: str                # of SHA256SUMS
    missing_blobs: list[str] = field(default_factory=list)   # referenced, not stored
    bad_blobs: list[str] = field(default_factory=list)       # stored, bytes wrong
    format: str = FORMAT

    def write(self, folder: Path) -> None:
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)
        write_atomically(folder / MANIFEST, text.encode() + b"\n")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not folder.is_dir():
            raise BackupError(f"{folder} is not a folder")
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise BackupError(f"{folder} holds no tokkyo backup (no {MANIFEST})") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise BackupError(f"{path} is not a backup manifest: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"{path} is not a manifest of this kind ({FORMAT}); it says "
                              f"{data.get('format') if isinstance(data, dict) else data!r}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise BackupError(f"{path} is incomplete or has unknown fields: {exc}") from None


def blob_path(sha256: str) -> str:
    """A blob's place in the folder, as SHA256SUMS names it."""
    return f"{BLOBS}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def write_sums(folder: Path, entries: list[tuple[str, str]]) -> str:
    """Write SHA256SUMS (`sha  path` lines, sorted by path); its own SHA-256."""
    text = "".join(f"{sha}  {path}\n" for sha, path in sorted(entries, key=lambda e: e[1]))
    data = text.encode()
    write_atomically(folder / SUMS, data)
    return hashlib.sha256(data).hexdigest()


def read_sums(folder: Path, manifest: Manifest) -> Iterator[tuple[str, str]]:
    """(sha, path) of every line of SHA256SUMS, once its own SHA-256 is the manifest's."""
    try:
        data = (folder / SUMS).read_bytes()
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {SUMS}: the backup is incomplete") from None
    if hashlib.sha256(data).hexdigest() != manifest.sums_sha256:
        raise BackupError(f"{folder / SUMS} is not the one the manifest describes (its "
                          "SHA-256 differs): the backup is damaged or was interrupted")
    for number, line in enumerate(data.decode().splitlines(), 1):
        sha, sep, path = line.partition("  ")
        if not sep or len(sha) != 64 or not path or ".." in Path(path).parts:
            raise BackupError(f"{folder / SUMS} line {number} is not `SHA-256  path`")
        yield sha, path


def hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole (a temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.incoming")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
