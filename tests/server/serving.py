"""An ASGI app served by uvicorn with tokkyo's zero-copy protocol on a loopback port, in a
thread of the test process, for tests that need real HTTP to a small app."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from tokkyo.server.zerocopy import ZeroCopyH11Protocol


@contextmanager
def served_on_loopback(app: Any) -> Iterator[str]:
    """The app's base URL while the server runs; stopped when the block ends."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # without uvicorn's proxy handling, as `tokkyo serve` runs it (tokkyo.web.proxies)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                           http=ZeroCopyH11Protocol, log_level="warning",
                                           proxy_headers=False))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
