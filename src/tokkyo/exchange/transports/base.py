"""The one interface every transfer goes through (exchange.md §3): list a partner's
directory, fetch a file (resuming a partial copy), put a file. FTP(S), SFTP, HTTPS and a
local folder (operator-imported media, the inbox) implement it, so the delivery pipeline
never knows which one carried the bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tokkyo.errors import TerminalError, TransientError


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file on the other side: its path relative to the endpoint's root (POSIX, never
    absolute, never with `..`), its size in bytes and its modification time (Unix seconds)
    where the protocol gives one."""

    path: str
    size: int
    mtime: float | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to reach a partner's server: `url` is `ftps://host:port/dir`,
    `ftp://…` (plain FTP only when `allow_plain_ftp`, i.e. the agreement says so),
    `sftp://host:port/dir`, `https://host/dir/` or `file:///abs/dir`. Secrets are the
    decrypted ones (`exchange.credentials` keeps them sealed at rest). `host_key` is the SSH
    server's public key line (`ssh-ed25519 AAAA…`) or the FTPS/HTTPS server's certificate
    (PEM) to trust; None trusts the system store (HTTPS, FTPS) and refuses SFTP."""

    url: str
    username: str | None = None
    password: str | None = None
    private_key: str | None = None
    host_key: str | None = None
    allow_plain_ftp: bool = False
    timeout_s: float = 30.0


class TransferFailed(TransientError):
    """A transfer broke off (connection reset, timeout, server gone); trying again resumes
    where the local copy ends."""


class TransferRefused(TerminalError):
    """The transfer cannot succeed as configured: bad credentials, an unknown host key, a
    plain-FTP URL the agreement does not allow, a path outside the endpoint's root."""


class Transport(Protocol):
    """One open connection to an endpoint."""

    def list(self, directory: str = "") -> list[RemoteFile]:
        """Every file below `directory` (recursively), paths relative to the root."""
        ...

    def fetch(self, remote: RemoteFile, local: Path) -> int:
        """Copy `remote` to `local`. A partial `local` left by an interrupted fetch is
        resumed from its end (FTP `REST`, SFTP offsets, HTTP `Range`), never restarted.
        Returns the bytes moved by this call; raises TransferFailed or TransferRefused."""
        ...

    def put(self, local: Path, remote_path: str) -> None:
        """Upload `local` to `remote_path` under a temporary name, renamed when whole."""
        ...

    def close(self) -> None:
        ...
