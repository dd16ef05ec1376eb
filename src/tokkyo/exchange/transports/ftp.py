"""FTP with explicit TLS (exchange.md §3; the JPO recommends FTP with ID and password):
`AUTH TLS`, then `PROT P` so file contents are encrypted too; the server's certificate is
checked against the partner's PEM (`Endpoint.host_key`) or the system store, host name
included. Plain FTP only where the agreement allows it. Listing is recursive (MLSD, else
LIST + SIZE), a fetch resumes with `REST` from the local copy's end, a put goes to a hidden
temporary name and is renamed (RNFR/RNTO) when whole, so the partner never sees half a
file."""

from __future__ import annotations

import ftplib
import socket
import ssl
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
Entries = list[tuple[str, str, int, float | None]]


#: Errors that mean the connection broke: worth another attempt.
BROKEN = (OSError, EOFError, ftplib.error_temp, ftplib.error_reply, ftplib.error_proto)


class _TLS(ftplib.FTP_TLS):
    """ftplib's FTP_TLS, with the data connection resuming the control connection's TLS
    session: servers that require session reuse (vsftpd's default `require_ssl_reuse`)
    refuse data connections without it."""

    def ntransfercmd(self, cmd: str, rest: int | str | None = None) -> tuple[socket.socket,
                                                                             int | None]:
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:  # type: ignore[attr-defined]
            session = getattr(self.sock, "session", None)
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=session)
        return conn, size


def tls_context(pem: str | None) -> ssl.SSLContext:
    """A client context trusting `pem` (the partner's certificate or CA) or, without it,
    the system store; host names are always checked."""
    context = ssl.create_default_context(cadata=pem) if pem else ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class FtpTransport:
    """One logged-in FTP(S) control connection to a partner's server."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urlsplit(endpoint.url)
        self.url = endpoint.url
        self.secure = parts.scheme == "ftps"
        if not self.secure and not endpoint.allow_plain_ftp:
            raise TransferRefused(
                f"{endpoint.url}: plain FTP sends the password and the data unencrypted; "
                "the agreement must allow plain FTP for this partner, or use ftps://")
        self.root = confine.root_of(unquote(parts.path))
        self.host = parts.hostname or ""
        port = parts.port or 21
        self.ftp: ftplib.FTP
        try:
            if self.secure:
                self.ftp = _TLS(context=tls_context(endpoint.host_key),
                                timeout=endpoint.timeout_s)
            else:
                self.ftp = ftplib.FTP(timeout=endpoint.timeout_s)
            self.ftp.connect(self.host, port)
            if isinstance(self.ftp, _TLS):
                self.ftp.auth()
            self.ftp.login(endpoint.username or "anonymous", endpoint.password or "")
            if isinstance(self.ftp, _TLS):
                self.ftp.prot_p()
            self.ftp.voidcmd("TYPE I")
        except ssl.SSLCertVerificationError as exc:
            self._abandon()
            raise TransferRefused(f"{self.url}: the server's TLS certificate is not the "
                                  f"one agreed for this partner ({exc.verify_message})"
                                  ) from exc
        except ftplib.error_perm as exc:
            self._abandon()
            if str(exc).startswith("530"):
                raise TransferRefused(f"{self.url}: login refused for user "
                                      f"{endpoint.username!r} (wrong user name or password)"
                                      ) from exc
            raise TransferRefused(f"{self.url}: the server refused the session: {exc}"
                                  ) from exc
        except BROKEN as exc:
            self._abandon()
            raise TransferFailed(f"{self.url}: cannot connect: {exc}") from exc
        self._mlsd = True

    def _abandon(self) -> None:
        ftp = getattr(self, "ftp", None)
        if ftp is not None:
            ftp.close()

    # -- listing -----------------------------------------------------------------------

    def list(self, directory: str = "") -> Files:
        """Every file below `directory`, recursively, sorted by path."""
        start = confine.directory(directory)
        found: Files = []
        pending = [start]
        try:
            while pending:
                rel_dir = pending.pop()
                for name, kind, size, mtime in self._entries(confine.join(self.root,
                                                                          rel_dir)):
                    if not confine.listable(name):
                        continue
                    rel = f"{rel_dir}/{name}" if rel_dir else name
                    if kind == "dir":
                        pending.append(rel)
                    elif kind == "file":
                        found.append(RemoteFile(rel, size, mtime))
        except ftplib.error_perm as exc:
            raise TransferRefused(f"{self.url}: cannot list {directory or '/'!r}: {exc}"
                                  ) from exc
        except BROKEN as exc:
            raise TransferFailed(f"{self.url}: listing broke off: {exc}") from exc
        return sorted(found, key=lambda f: f.path)

    def _entries(self, path: str) -> Entries:
        """(name, "file" | "dir" | other, size, mtime) of one directory."""
        if self._mlsd:
            try:
                return [(name, facts.get("type", ""), int(facts.get("size", 0) or 0),
                         _mlsd_time(facts.get("modify")))
                        for name, facts in self.ftp.mlsd(path, ["type", "size", "modify"])]
            except ftplib.error_perm as exc:
                if str(exc)[:3] not in ("500", "501", "502", "504"):
                    raise
                self._mlsd = False          # the server has no MLSD: LIST from now on
        lines: list[str] = []
        self.ftp.retrlines(f"LIST {path}", lines.append)
        entries: Entries = []
        for line in lines:
            fields = line.split(None, 8)
            if len(fields) < 9:
                continue
            name = fields[8]
            if line.startswith("d"):
                entries.append((name, "dir", 0, None))
            elif line.startswith("-"):
                entries.append((name, "file", self._size(f"{path}/{name}"), None))
        return entries

    def _size(self, path: str, listed: int | None = None) -> int:
        """The server's SIZE of `path`; `listed` (the listing's size) where the server
        has no SIZE command."""
        self.ftp.voidcmd("TYPE I")          # listings switch to ASCII; SIZE needs binary
        try:
            size = self.ftp.size(path)
        except ftplib.error_perm as exc:
            if listed is None or str(exc)[:3] not in ("500", "502", "504"):
                raise
            size = listed
        if size is None:
            raise TransferRefused(f"{self.url}: the server gives no size for {path!r}")
        return int(size)

    # -- transfers -----------------------------------------------------------------------

    def fetch(self, remote: RemoteFile, local: Path) -> int:
        """Copy `remote` to `local`, resuming a partial `local` with `REST`; the bytes moved
        by this call. A copy that ends short of the server's size is TransferFailed."""
        path = confine.join(self.root, confine.relative(remote.path))
        moved = 0
        try:
            size = self._size(path, remote.size)
            offset = partial.resume_offset(local, size)
            if offset == size and local.exists():
                return 0
            conn, _ = self.ftp.ntransfercmd(f"RETR {path}", rest=offset or None)
            with partial.open_at(local, offset) as out, conn:
                buffer = bytearray(partial.CHUNK)
                view = memoryview(buffer)
                while True:
                    got = conn.recv_into(buffer)
                    if not got:
                        break
                    out.write(view[:got])
                    moved += got
                if isinstance(conn, ssl.SSLSocket):
                    conn.unwrap()
            self.ftp.voidresp()
        except ftplib.error_perm as exc:
            raise TransferRefused(f"{self.url}: cannot fetch {remote.path!r}: {exc}"
                                  ) from exc
        except BROKEN as exc:
            raise TransferFailed(f"{self.url}: fetch of {remote.path!r} broke off after "
                                 f"{moved} bytes: {exc}") from exc
        have = local.stat().st_size
        if have != size:
            raise TransferFailed(f"{self.url}: fetch of {remote.path!r} ended at {have} of "
                                 f"{size} bytes")
        return moved

    def put(self, local: Path, remote_path: str) -> None:
        """Upload `local` to a hidden temporary name beside `remote_path`, then rename it
        (RNFR/RNTO) so the partner only ever sees the whole file."""
        rel = confine.relative(remote_path)
        final = confine.join(self.root, rel)
        temporary = confine.join(self.root, confine.staging(rel))
        try:
            self._make_dirs(rel.rpartition("/")[0])
            with local.open("rb") as source:
                self.ftp.storbinary(f"STOR {temporary}", source, blocksize=partial.CHUNK)
            try:
                self.ftp.rename(temporary, final)
            except ftplib.error_perm:            # servers that will not rename onto a file
                self.ftp.delete(final)
                self.ftp.rename(temporary, final)
        except ftplib.error_perm as exc:
            raise TransferRefused(f"{self.url}: cannot put {rel!r}: {exc}") from exc
        except BROKEN as exc:
            raise TransferFailed(f"{self.url}: put of {rel!r} broke off: {exc}") from exc

    def _make_dirs(self, rel_dir: str) -> None:
        if not rel_dir:
            return
        built = ""
        for part in rel_dir.split("/"):
            built = f"{built}/{part}" if built else part
            try:
                self.ftp.mkd(confine.join(self.root, built))
            except ftplib.error_perm as exc:
                if not str(exc).startswith("550"):     # 550: exists already
                    raise

    def close(self) -> None:
        try:
            self.ftp.quit()
        except (*BROKEN, ftplib.error_perm):
            self.ftp.close()


def _mlsd_time(value: str | None) -> float | None:
    """An MLSD `modify` fact (YYYYMMDDHHMMSS[.sss], UTC) as Unix seconds."""
    try:
        moment = datetime.strptime((value or "")[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC).timestamp()


def open(endpoint: Endpoint) -> Transport:
    """A logged-in FTP(S) connection to `endpoint`. (Typed as the protocol: mypy then
    proves the class implements it.)"""
    return FtpTransport(endpoint)

