"""Serving a file: whole or one range, resumable, streamed in chunks (bulk.md §5).

Strong `ETag: "sha256-{hex}"` (the bytes of a file id never change), `Last-Modified`,
`If-Range` (a mismatch sends the whole file), `If-None-Match` (304), `Content-Length`,
`Content-Disposition`, `Repr-Digest` (RFC 9530) and `HEAD`. Where the server offers the
ASGI zero-copy send extension (`tokkyo serve` does), the body goes from the file to the
socket in the kernel; elsewhere the file is read in worker threads one chunk at a time.
Either way memory stays flat for any size.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from email.utils import format_datetime
from typing import BinaryIO
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from tokkyo.bulk import ranges
from tokkyo.server.zerocopy import EXTENSION as ZERO_COPY
from tokkyo.server.zerocopy import POSITION

CHUNK = 1 << 20


def etag_of(sha256: str) -> str:
    return f'"sha256-{sha256}"'


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _matches(header: str, etag: str) -> bool:
    return header.strip() == "*" or etag in [t.strip() for t in header.split(",")]


class Served:
    """What a download answer sends: status, headers, and the byte span of the body."""

    def __init__(self, status: int, headers: dict[str, str], start: int = 0,
                 length: int = 0) -> None:
        self.status = status
        self.headers = headers
        self.start = start
        self.length = length

    @property
    def byte_range(self) -> str:
        return f"{self.start}-{self.start + self.length - 1}" if self.length else ""


def plan(request: Request, *, name: str, size: int, sha256: str, media_type: str,
         modified: object) -> Served:
    """Decide the answer from the request's Range and conditional headers."""
    etag = etag_of(sha256)
    headers = {
        "ETag": etag, "Accept-Ranges": "bytes", "Content-Type": media_type,
        "Content-Disposition": _disposition(name), "Cache-Control": "private, no-transform",
        "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:",
    }
    if hasattr(modified, "astimezone"):
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)  # type: ignore[arg-type]
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and _matches(if_none_match, etag):
        return Served(304, {k: v for k, v in headers.items()
                            if k in ("ETag", "Last-Modified", "Cache-Control")})
    asked = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if asked and if_range is not None and if_range.strip() != etag:
        asked = None                      # the file changed (or a date): send it whole
    try:
        chosen = ranges.parse(asked, size)
    except ranges.Unsatisfiable:
        headers["Content-Range"] = f"bytes */{size}"
        return Served(416, headers)
    if chosen is None:
        headers["Content-Length"] = str(size)
        return Served(200, headers, 0, size)
    headers["Content-Range"] = chosen.content_range(size)
    headers["Content-Length"] = str(chosen.length)
    return Served(206, headers, chosen.start, chosen.length)


def has_descriptor(handle: BinaryIO) -> bool:
    """Whether `handle` is an OS file, which `sendfile(2)` can send from."""
    try:
        handle.fileno()
    except (AttributeError, OSError, ValueError):    # io.UnsupportedOperation is both
        return False
    return True


class SpanResponse(Response):
    """`length` bytes of an open file from `start`; `done(bytes_sent)` once the body has
    been sent or abandoned, and the file closed."""

    def __init__(self, served: Served, handle: BinaryIO, done: Callable[[int], None]) -> None:
        super().__init__(status_code=served.status, headers=served.headers)
        self.start, self.length = served.start, served.length
        self.handle = handle
        self.done = done
        self.sent = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent_all = False
        ended = False
        zero_copy = None
        try:
            await send({"type": "http.response.start", "status": self.status_code,
                        "headers": self.raw_headers})
            # the zero-copy send needs an OS file (a local blob store's); other stores'
            # streams are read in chunks
            zero_copy = (scope.get("extensions", {}).get(ZERO_COPY)
                         if has_descriptor(self.handle) else None)
            if zero_copy is not None:
                await send({"type": ZERO_COPY, "file": self.handle, "offset": self.start,
                            "count": self.length, "more_body": True})
                # tokkyo's server leaves the file just past what it sent; with another
                # server a send that returned is taken as complete
                self.sent = (self.handle.tell() - self.start if zero_copy.get(POSITION)
                             else self.length)
            else:
                async with anyio.create_task_group() as group:
                    group.start_soon(_cancel_on_disconnect, receive, group.cancel_scope)
                    await self._stream(send)
                    group.cancel_scope.cancel()
            sent_all = self.sent == self.length
        except BaseException:
            # cancelled (the server's shutdown grace ran out) or failed mid-send: the file's
            # position still says how far the kernel got
            ended = True
            if zero_copy is not None and zero_copy.get(POSITION):
                self.sent = max(self.sent, min(self.length, self.handle.tell() - self.start))
            raise
        finally:
            self.handle.close()
            if ended:
                # the loop may be ending (a shutdown cancels, then stops): settle the slot
                # and the log row now, on this thread, rather than await a worker
                self.done(self.sent)
            else:
                # logged before the answer ends, so a client that has the whole file sees
                # its download in the log; written off the event loop
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self.done, self.sent)
        if sent_all:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _stream(self, send: Send) -> None:
        """Chunk by chunk, each read in a worker thread."""
        await anyio.to_thread.run_sync(self.handle.seek, self.start)
        while self.sent < self.length:
            data = await anyio.to_thread.run_sync(self.handle.read,
                                                  min(CHUNK, self.length - self.sent))
            if not data:
                break
            await send({"type": "http.response.body", "body": data, "more_body": True})
            self.sent += len(data)


async def _cancel_on_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


def respond(request: Request, served: Served, handle: BinaryIO | None,
            done: Callable[[int], None]) -> Response:
    """The answer; `done(bytes_sent)` runs when the body has been sent (or abandoned).
    `handle` is the blob opened from the blob store (any BlobStore); it
    is closed when the body is done, or at once when there is no body to send."""
    if handle is None or request.method == "HEAD" or served.status not in (200, 206):
        if handle is not None:
            handle.close()
        done(0)
        response = Response(status_code=served.status, headers=served.headers)
        if request.method == "HEAD" and "Content-Length" in served.headers:
            response.headers["Content-Length"] = served.headers["Content-Length"]
        return response
    return SpanResponse(served, handle, done)
