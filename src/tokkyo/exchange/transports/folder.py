"""`file:///abs/dir`: a local folder as a transport (exchange.md §3): operator-imported
media (a partner's hard disk mounted on the server) and local directories. It keeps the
transport contract: paths stay under the root (no `..`, no symbolic link leading out), a
fetch resumes a partial local copy from its end, a put writes under a temporary name and
renames when whole."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from tokkyo.exchange.transports.base import (
    Endpoint,
    RemoteFile,
    TransferFailed,
    TransferRefused,
)

CHUNK = 1 << 20


class FolderTransport:
    """The files under one local folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _inside(self, relative: str) -> Path:
        path = PurePosixPath(relative)
        if path.is_absolute() or ".." in path.parts:
            raise TransferRefused(f"{relative}: a path outside the endpoint's folder")
        target = self.root.joinpath(*path.parts)
        resolved = target.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise TransferRefused(f"{relative}: leads outside the endpoint's folder "
                                  "(a symbolic link)")
        return target

    def list(self, directory: str = "") -> list[RemoteFile]:
        base = self._inside(directory) if directory else self.root
        if not base.is_dir():
            raise TransferFailed(f"{base}: no such folder (is the medium mounted?)")
        found: list[RemoteFile] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.is_symlink():
                    continue          # never followed: it could lead anywhere
                stat = path.stat()
                found.append(RemoteFile(path.relative_to(self.root).as_posix(),
                                        stat.st_size, stat.st_mtime))
        return found

    def fetch(self, remote: RemoteFile, local: Path) -> int:
        source = self._inside(remote.path)
        have = local.stat().st_size if local.exists() else 0
        moved = 0
        try:
            with source.open("rb") as reading, local.open("ab") as writing:
                reading.seek(have)
                while chunk := reading.read(CHUNK):
                    writing.write(chunk)
                    moved += len(chunk)
                writing.flush()
                os.fsync(writing.fileno())
        except FileNotFoundError:
            raise TransferFailed(f"{source}: gone while being copied") from None
        except OSError as exc:
            raise TransferFailed(f"{source}: {exc.strerror or exc}") from None
        return moved

    def put(self, local: Path, remote_path: str) -> None:
        target = self._inside(remote_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        with local.open("rb") as reading, partial.open("wb") as writing:
            while chunk := reading.read(CHUNK):
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
        partial.replace(target)

    def close(self) -> None:
        return None


def open(endpoint: Endpoint) -> FolderTransport:
    """The folder of a `file:///abs/dir` URL; TransferRefused for a URL naming a host or
    a relative path."""
    parts = urlsplit(endpoint.url)
    if parts.netloc not in ("", "localhost"):
        raise TransferRefused(f"{endpoint.url}: a file URL names a local folder, not a host")
    path = Path(unquote(parts.path))
    if not path.is_absolute():
        raise TransferRefused(f"{endpoint.url}: the folder must be an absolute path")
    return FolderTransport(path.resolve())
