"""SFTP (exchange.md §3) through asyncssh: the server's host key must be the one agreed
with the partner (`Endpoint.host_key`, an OpenSSH public-key line; none or another key is
TransferRefused), login by password or private key. A fetch resumes at the local copy's
end with pipelined reads at offsets (written strictly in order, so a partial copy is
always a prefix); a put goes to a hidden temporary name and is renamed when whole.

asyncssh is asynchronous; the Transport interface is not. Each transport runs its own
event loop in one background thread and waits on it, so it works the same from plain
code, from worker threads and from inside another running event loop."""

from __future__ import annotations

import asyncio
import stat as stat_mode
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import asyncssh

from tokkyo.exchange.transports import confine, partial
from tokkyo.exchange.transports.base import (
    Endpoint,
    RemoteFile,
    TransferFailed,
    TransferRefused,
    Transport,
)

#: Class bodies define a method `list`; these name the builtin's types outside them.
Files = list[RemoteFile]
Counter = list[int]


T = TypeVar("T")

#: Bytes per SFTP read request and how many are in flight at once: 128 × 256 KiB keeps a
#: loopback or long-distance link full without holding more than 32 MiB.
BLOCK = 256 * 1024
REQUESTS = 128

#: AES-GCM first: with the AES instructions every server CPU has, it moves bytes more than
#: twice as fast as asyncssh's default ChaCha20-Poly1305 (measured on loopback: 60 against
#: 26 MB/s); the rest as asyncssh orders them, for servers without GCM.
CIPHERS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
           "chacha20-poly1305@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-ctr")

#: Errors that mean the connection broke: worth another attempt.
BROKEN = (OSError, EOFError, asyncio.TimeoutError, asyncssh.DisconnectError,
          asyncssh.ConnectionLost, asyncssh.ChannelOpenError, asyncssh.SFTPConnectionLost,
          asyncssh.SFTPNoConnection)


class SftpTransport:
    """One authenticated SFTP session to a partner's server."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urlsplit(endpoint.url)
        self.url = endpoint.url
        self.root = confine.root_of(unquote(parts.path))
        if not endpoint.host_key:
            raise TransferRefused(f"{self.url}: no SSH host key is recorded for this "
                                  "partner; tokkyo never trusts an unknown key (record the "
                                  "server's public key line, e.g. from ssh-keyscan)")
        try:
            trusted = asyncssh.import_public_key(endpoint.host_key)
            keys = [asyncssh.import_private_key(endpoint.private_key)] \
                if endpoint.private_key else None
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise TransferRefused(f"{self.url}: a recorded SSH key cannot be read: {exc}"
                                  ) from exc
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="tokkyo-sftp", daemon=True)
        self._thread.start()
        self._timeout = endpoint.timeout_s
        self._conn: asyncssh.SSHClientConnection | None = None
        try:
            self._conn, self._sftp = self._run(self._connect(
                parts.hostname or "", parts.port or 22, endpoint, trusted, keys))
        except BaseException:
            self._stop_loop()
            raise

    async def _connect(self, host: str, port: int, endpoint: Endpoint,
                       trusted: asyncssh.SSHKey, keys: list[asyncssh.SSHKey] | None
                       ) -> tuple[asyncssh.SSHClientConnection, asyncssh.SFTPClient]:
        try:
            conn = await asyncssh.connect(
                host, port, username=endpoint.username, password=endpoint.password,
                client_keys=keys, known_hosts=([trusted], [], []),
                encryption_algs=list(CIPHERS),
                # a server that hangs rather than closes is given up after ~timeout_s
                keepalive_interval=max(1.0, endpoint.timeout_s / 3), keepalive_count_max=3,
                agent_path=None, config=[], connect_timeout=endpoint.timeout_s,
                preferred_auth="publickey,password" if keys else "password")
        except asyncssh.HostKeyNotVerifiable as exc:
            raise TransferRefused(f"{self.url}: the server's host key is not the one "
                                  "recorded for this partner (refused: it may be another "
                                  "server)") from exc
        except asyncssh.PermissionDenied as exc:
            raise TransferRefused(f"{self.url}: login refused for user "
                                  f"{endpoint.username!r} (wrong password or key)") from exc
        except asyncssh.KeyExchangeFailed as exc:
            raise TransferRefused(f"{self.url}: no common key exchange with the server "
                                  f"(is the recorded host key of the right type?): {exc}"
                                  ) from exc
        except BROKEN as exc:
            raise TransferFailed(f"{self.url}: cannot connect: {exc}") from exc
        try:
            return conn, await conn.start_sftp_client()
        except BaseException:
            conn.close()
            raise

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on this transport's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    # -- listing -----------------------------------------------------------------------

    def list(self, directory: str = "") -> Files:
        """Every regular file below `directory`, recursively (links are not followed)."""
        start = confine.directory(directory)
        return sorted(self._call(self._list(start), f"list {directory or '/'!r}"),
                      key=lambda f: f.path)

    async def _list(self, start: str) -> Files:
        found: Files = []
        pending = [start]
        while pending:
            rel_dir = pending.pop()
            async for entry in self._sftp.scandir(confine.join(self.root, rel_dir)):
                name = entry.filename if isinstance(entry.filename, str) \
                    else entry.filename.decode("utf-8", "replace")
                if not confine.listable(name):
                    continue
                rel = f"{rel_dir}/{name}" if rel_dir else name
                mode = entry.attrs.permissions or 0
                if stat_mode.S_ISDIR(mode):
                    pending.append(rel)
                elif stat_mode.S_ISREG(mode):
                    found.append(RemoteFile(rel, entry.attrs.size or 0,
                                            float(entry.attrs.mtime)
                                            if entry.attrs.mtime is not None else None))
        return found

    # -- transfers -----------------------------------------------------------------------

    def fetch(self, remote: RemoteFile, local: Path) -> int:
        """Copy `remote` to `local` from the local copy's end; the bytes moved."""
        path = confine.join(self.root, confine.relative(remote.path))
        progress = [0]
        try:
            return self._call(self._fetch(path, local, progress),
                              f"fetch {remote.path!r}")
        except TransferFailed as exc:
            raise TransferFailed(f"{exc} (after {progress[0]} bytes)") from exc

    async def _fetch(self, path: str, local: Path, progress: Counter) -> int:
        async with self._sftp.open(path, "rb", block_size=BLOCK,
                                   max_requests=REQUESTS) as source:
            size = (await source.stat()).size or 0
            offset = partial.resume_offset(local, size)
            if offset == size and local.exists():
                return 0
            with partial.open_at(local, offset) as out:
                waiting: dict[int, bytes] = {}
                position = offset
                async for at, data in await source.read_parallel(size - offset, offset):
                    waiting[at] = data
                    while position in waiting:          # in order: a prefix, no holes
                        block = waiting.pop(position)
                        out.write(block)
                        position += len(block)
                        progress[0] = position - offset
        have = local.stat().st_size
        if have != size:
            raise TransferFailed(f"{self.url}: fetch of {path!r} ended at {have} of "
                                 f"{size} bytes")
        return have - offset

    def put(self, local: Path, remote_path: str) -> None:
        """Upload `local` to a hidden temporary name beside `remote_path`, then rename."""
        rel = confine.relative(remote_path)
        self._call(self._put(local, rel), f"put {rel!r}")

    async def _put(self, local: Path, rel: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent:
            await self._sftp.makedirs(confine.join(self.root, parent), exist_ok=True)
        temporary = confine.join(self.root, confine.staging(rel))
        final = confine.join(self.root, rel)
        await self._sftp.put(str(local), temporary, block_size=BLOCK,
                             max_requests=REQUESTS)
        try:
            await self._sftp.posix_rename(temporary, final)     # atomic, replaces
        except asyncssh.SFTPOpUnsupported:
            if await self._sftp.exists(final):
                await self._sftp.remove(final)
            await self._sftp.rename(temporary, final)

    def _call(self, coroutine: Coroutine[Any, Any, T], what: str) -> T:
        """Run one operation, its errors said as TransferFailed / TransferRefused."""
        try:
            return self._run(coroutine)
        except (TransferFailed, TransferRefused):
            raise
        except asyncssh.SFTPError as exc:
            if isinstance(exc, (asyncssh.SFTPConnectionLost, asyncssh.SFTPNoConnection)):
                raise TransferFailed(f"{self.url}: {what} broke off: {exc.reason}") from exc
            raise TransferRefused(f"{self.url}: cannot {what}: {exc.reason}") from exc
        except BROKEN as exc:
            raise TransferFailed(f"{self.url}: {what} broke off: {exc}") from exc

    def close(self) -> None:
        if self._conn is not None:
            conn = self._conn
            self._conn = None

            async def _close() -> None:
                self._sftp.exit()
                conn.close()
                await conn.wait_closed()

            try:
                asyncio.run_coroutine_threadsafe(_close(), self._loop).result(self._timeout)
            except (*BROKEN, TimeoutError):
                pass
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()


def open(endpoint: Endpoint) -> Transport:
    """An authenticated SFTP session to `endpoint`. (Typed as the protocol: mypy then
    proves the class implements it.)"""
    return SftpTransport(endpoint)
