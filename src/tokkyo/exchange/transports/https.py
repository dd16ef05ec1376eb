"""HTTPS (exchange.md §3) with httpx, streamed: a fetch resumes with `Range` from the
local copy's end and `If-Range` with the validator the copy was started under, so a file
replaced on the server restarts from zero instead of splicing two versions. The validator
is the server's `Last-Modified`, kept as the partial copy's own modification time: no
side file, and a copy without it (a crash before it was set) simply starts again.

Listing reads the delivery's `manifest.json` (bulk.md §3.3) where there is one, else an
nginx `autoindex_format json` listing, recursively. A put is a WebDAV PUT to a hidden
temporary name and a MOVE onto the final one (nginx `dav_methods PUT MOVE`)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from tokkyo.exchange.transports import confine, partial
from tokkyo.exchange.transports.base import (
    Endpoint,
    RemoteFile,
    TransferFailed,
    TransferRefused,
    Transport,
)
from tokkyo.exchange.transports.ftp import tls_context

#: Class bodies define a method `list`; these name the builtin's types outside them.
Files = list[RemoteFile]


MANIFEST = "manifest.json"


class HttpsTransport:
    """An HTTP(S) client bound to a partner's base URL."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urlsplit(endpoint.url)
        self.url = endpoint.url
        self.root = confine.root_of(unquote(parts.path))
        self.base = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme == "http" and endpoint.username and not endpoint.allow_plain_ftp:
            raise TransferRefused(f"{endpoint.url}: plain HTTP would send the password "
                                  "unencrypted; the agreement must allow unencrypted "
                                  "transfer for this partner, or use https://")
        auth = (endpoint.username, endpoint.password or "") if endpoint.username else None
        verify: Any = tls_context(endpoint.host_key) if parts.scheme == "https" else False
        self.client = httpx.Client(auth=auth, verify=verify, timeout=endpoint.timeout_s,
                                   follow_redirects=False)

    def _address(self, rel: str, directory: bool = False) -> str:
        path = confine.join(self.root, rel) if rel else (self.root or "")
        path = "/" + path.lstrip("/") if path not in ("", ".") else "/"
        if directory and not path.endswith("/"):
            path += "/"
        return self.base + quote(path)

    def _request(self, method: str, address: str, what: str, **kwargs: Any
                 ) -> httpx.Response:
        try:
            response = self.client.request(method, address, **kwargs)
        except httpx.TransportError as exc:
            raise self._broken(exc, f"{what} broke off") from exc
        _check(response, self.url, what)
        return response

    def _broken(self, exc: httpx.TransportError, what: str) -> TransferFailed | TransferRefused:
        """The error to raise for a transport-level failure: a certificate that is not
        the agreed one is refused; a connection that fails or breaks may recover."""
        if isinstance(exc, httpx.ConnectError):
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                return TransferRefused(f"{self.url}: the server's TLS certificate is not "
                                       "the one agreed for this partner")
            return TransferFailed(f"{self.url}: cannot connect: {exc}")
        return TransferFailed(f"{self.url}: {what}: {exc}")

    # -- listing -----------------------------------------------------------------------

    def list(self, directory: str = "") -> Files:
        """The files of the delivery's manifest.json, else of the server's JSON index."""
        start = confine.directory(directory)
        manifest = self._manifest(start)
        if manifest is not None:
            return manifest
        found: Files = []
        pending = [start]
        while pending:
            rel_dir = pending.pop()
            response = self._request("GET", self._address(rel_dir, directory=True),
                                     f"list {rel_dir or '/'!r}",
                                     headers={"Accept": "application/json"})
            try:
                entries = response.json()
            except ValueError as exc:
                raise TransferRefused(f"{self.url}: {rel_dir or '/'!r} has neither a "
                                      f"{MANIFEST} nor a JSON directory index (nginx "
                                      "autoindex_format json)") from exc
            for entry in entries:
                name = str(entry.get("name", ""))
                if not confine.listable(name):
                    continue
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if entry.get("type") == "directory":
                    pending.append(rel)
                elif entry.get("type") == "file":
                    found.append(RemoteFile(rel, int(entry.get("size", 0)),
                                            _http_time(entry.get("mtime"))))
        return sorted(found, key=lambda f: f.path)

    def _manifest(self, rel_dir: str) -> Files | None:
        rel = f"{rel_dir}/{MANIFEST}" if rel_dir else MANIFEST
        try:
            response = self.client.get(self._address(rel))
        except httpx.TransportError as exc:
            raise self._broken(exc, f"reading {rel!r} broke off") from exc
        if response.status_code == 404:
            return None
        _check(response, self.url, f"read {rel!r}")
        try:
            document = json.loads(response.content)
            files = [RemoteFile(f"{rel_dir}/{confine.relative(str(f['name']))}".lstrip("/"),
                                int(f["bytes"])) for f in document["files"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise TransferRefused(f"{self.url}: {rel!r} is not a tokkyo manifest "
                                  f"(files[].name, files[].bytes): {exc}") from exc
        return sorted([RemoteFile(rel, len(response.content),
                                  _http_time(response.headers.get("last-modified"))),
                       *files], key=lambda f: f.path)

    # -- transfers -----------------------------------------------------------------------

    def fetch(self, remote: RemoteFile, local: Path) -> int:
        """Copy `remote` to `local`, resuming with Range/If-Range; the bytes moved."""
        rel = confine.relative(remote.path)
        offset = partial.resume_offset(local, remote.size or None)
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            headers["If-Range"] = format_datetime(
                datetime.fromtimestamp(local.stat().st_mtime, UTC), usegmt=True)
        moved = 0
        validator: float | None = None
        try:
            with self.client.stream("GET", self._address(rel), headers=headers) as response:
                if response.status_code == 416:
                    whole = _range_total(response.headers.get("content-range", ""))
                    if whole == offset:                  # the copy is already whole
                        return 0
                    local.unlink()                       # longer than the file: again
                    return self.fetch(remote, local)
                _check(response, self.url, f"fetch {rel!r}")
                if response.status_code == 206:
                    start = _range_start(response.headers.get("content-range", ""))
                    if start != offset:
                        raise TransferFailed(f"{self.url}: asked for bytes from {offset} "
                                             f"of {rel!r}, got a range from {start}")
                else:
                    offset = 0                   # 200: the whole (possibly new) file
                total = offset + int(response.headers.get("content-length", "-1"))
                validator = _http_time(response.headers.get("last-modified"))
                with partial.open_at(local, offset) as out:
                    try:
                        for block in response.iter_raw(partial.CHUNK):
                            out.write(block)
                            moved += len(block)
                    finally:
                        out.flush()
                        _stamp(local, validator)
        except httpx.TransportError as exc:
            raise self._broken(exc, f"fetch of {rel!r} broke off after {moved} bytes"
                               ) from exc
        if total >= offset and local.stat().st_size != total:
            raise TransferFailed(f"{self.url}: fetch of {rel!r} ended at "
                                 f"{local.stat().st_size} of {total} bytes")
        return moved

    def put(self, local: Path, remote_path: str) -> None:
        """PUT `local` to a hidden temporary name, then MOVE it onto `remote_path`."""
        rel = confine.relative(remote_path)
        temporary = self._address(confine.staging(rel))
        with local.open("rb") as source:
            self._request("PUT", temporary, f"put {rel!r}", content=_chunks(source),
                          headers={"Content-Length": str(local.stat().st_size)})
        self._request("MOVE", temporary, f"put {rel!r}",
                      headers={"Destination": self._address(rel), "Overwrite": "T"})

    def close(self) -> None:
        self.client.close()


def _chunks(source: Any) -> Any:
    while block := source.read(partial.CHUNK):
        yield block


def _check(response: httpx.Response, url: str, what: str) -> None:
    """HTTP errors as TransferRefused (4xx: this request will not work) or TransferFailed
    (5xx and 408/429: the server may recover)."""
    status = response.status_code
    if status < 400:
        return
    if status in (401, 403):
        raise TransferRefused(f"{url}: cannot {what}: login refused or not permitted "
                              f"(HTTP {status})")
    if status >= 500 or status in (408, 429):
        raise TransferFailed(f"{url}: cannot {what}: HTTP {status}")
    raise TransferRefused(f"{url}: cannot {what}: HTTP {status}")


def _range_start(content_range: str) -> int:
    """The first byte of `Content-Range: bytes a-b/n`."""
    try:
        return int(content_range.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1


def _range_total(content_range: str) -> int:
    """The full size in `Content-Range: bytes */n` (a 416 answer); -1 if not given."""
    try:
        return int(content_range.rsplit("/", 1)[1])
    except (IndexError, ValueError):
        return -1


def _http_time(value: Any) -> float | None:
    """An HTTP date (as in Last-Modified and nginx's JSON index) as Unix seconds."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value)).timestamp()
    except (TypeError, ValueError):
        return None


def _stamp(local: Path, validator: float | None) -> None:
    """Record the server's Last-Modified as the partial copy's mtime (its If-Range on
    resumption); without one, mark the copy so that a resumption starts again."""
    moment = validator if validator is not None else 0.0
    os.utime(local, (moment, moment))


def open(endpoint: Endpoint) -> Transport:
    """An HTTP(S) client for `endpoint`. (Typed as the protocol: mypy then
    proves the class implements it.)"""
    return HttpsTransport(endpoint)
