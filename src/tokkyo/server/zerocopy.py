"""ASGI "Zero Copy Send" (`http.response.zerocopysend`) on top of uvicorn's h11 protocol.

The ASGI spec defines the extension; uvicorn does not implement it. With it an app sends
a body straight from an open file: the server hands the file descriptor to the kernel
(`loop.sendfile`, i.e. `sendfile(2)` on a plain TCP socket), so bulk downloads never copy
their bytes through Python. The app sends, after `http.response.start`::

    {"type": "http.response.zerocopysend", "file": <file object>, "offset": int,
     "count": int, "more_body": bool}

and the server sends `count` bytes of `file` from `offset` (default: the file's position
and the rest of the file). Afterwards the file's position is just past the bytes that
were sent, so an app can tell how much reached the socket when the client went away; the
scope says so (`scope["extensions"][EXTENSION][POSITION]`), as the spec leaves it open.
Where the loop or transport cannot `sendfile` (TLS, other event loops), asyncio falls back
to reading and writing chunks. h11 still frames the body (Content-Length or chunked):
the span is handed to h11 as a placeholder of the right length and never materialised.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, BinaryIO, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

#: What this module uses of uvicorn's h11 protocol beyond its public interface: private
#: methods and attributes, which uvicorn may change in any release. pyproject.toml pins
#: uvicorn below the next minor version; tests/server/test_zerocopy_pins.py fails, naming
#: what is gone, when the installed uvicorn no longer has one of them.
UVICORN_NEEDS: dict[str, tuple[str, ...]] = {
    "H11Protocol": ("handle_events", "cycle"),
    "RequestResponseCycle": ("scope", "send", "conn", "transport", "flow", "disconnected",
                             "response_started", "response_complete"),
    "FlowControl": ("write_paused", "drain"),
}

EXTENSION = "http.response.zerocopysend"
# said in the extension's scope entry: after a send the file position is past what was
# sent (the spec does not say what a server does with it)
POSITION = "position_after_send"
#: Bytes handed to one `sendfile` call: small enough that a cancelled send still knows,
#: to this much, what was sent; large enough that the per-call cost is negligible.
SPAN_CHUNK = 4 << 20


class _Span:
    """Stands in for `count` bytes of a file in h11's framing."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count


class ZeroCopyH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, advertising and serving `http.response.zerocopysend`."""

    def handle_events(self) -> None:
        super().handle_events()
        cycle = getattr(self, "cycle", None)
        if cycle is not None and not getattr(cycle, "zero_copy", False):
            cycle.zero_copy = True                        # type: ignore[attr-defined]
            cycle.scope.setdefault("extensions", {})[EXTENSION] = {POSITION: True}
            plain_send = cycle.send

            async def send(message: Any) -> None:
                if message.get("type") == EXTENSION:
                    await _send_file(cycle, plain_send, message)
                else:
                    await plain_send(message)

            cycle.send = send                             # type: ignore[method-assign]


async def _send_span(cycle: RequestResponseCycle, loop: asyncio.AbstractEventLoop,
                     file: BinaryIO, offset: int, count: int) -> bool:
    """Send `count` bytes of `file` from `offset`, SPAN_CHUNK at a time, the file's
    position following each chunk sent: when the send is cancelled (a shutdown's grace
    ran out) the position still tells, to a chunk, how much went out. False when the
    connection cannot go on (the client went away, or the file ended early)."""
    done = 0
    file.seek(offset)
    while done < count:
        size = min(SPAN_CHUNK, count - done)
        try:
            sent = await loop.sendfile(cycle.transport, file, offset + done, size)
        except (ConnectionError, RuntimeError):
            # the client went away (or the transport closed under us)
            sent = max(0, os.lseek(file.fileno(), 0, os.SEEK_CUR) - offset - done)
            file.seek(offset + done + sent)
            cycle.disconnected = True
            cycle.transport.close()
            return False
        done += sent
        file.seek(offset + done)
        if sent < size:
            # the file ended early (truncated under us): the framing promised more, so
            # the connection cannot go on; the client sees a short body
            cycle.disconnected = True
            cycle.transport.close()
            return False
    return True


async def _send_file(cycle: RequestResponseCycle, plain_send: Any,
                     message: dict[str, Any]) -> None:
    if not cycle.response_started or cycle.response_complete:
        raise RuntimeError(f"'{EXTENSION}' is only allowed after 'http.response.start' and "
                           "before the end of the body")
    file: BinaryIO = message["file"]
    offset = message.get("offset")
    offset = file.tell() if offset is None else int(offset)
    count = message.get("count")
    count = os.fstat(file.fileno()).st_size - offset if count is None else int(count)
    more_body = bool(message.get("more_body", False))
    if cycle.flow.write_paused and not cycle.disconnected:
        await cycle.flow.drain()
    if cycle.disconnected:
        return
    if count > 0 and cycle.scope["method"] != "HEAD":
        # h11 frames a body by its len() alone: the span passes for the file's bytes
        span = cast(bytes, _Span(count))
        pieces = cycle.conn.send_with_data_passthrough(h11.Data(data=span))
        assert pieces is not None         # None only when the event closes the connection
        loop = asyncio.get_running_loop()
        for piece in pieces:
            if isinstance(piece, _Span):
                if not await _send_span(cycle, loop, file, offset, count):
                    return
            else:
                cycle.transport.write(piece)
    if not more_body:
        await plain_send({"type": "http.response.body", "body": b"", "more_body": False})
