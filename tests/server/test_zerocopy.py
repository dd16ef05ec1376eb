"""The ASGI zero-copy send extension of `tokkyo serve`'s protocol, over real HTTP on
loopback: uvicorn with ZeroCopyH11Protocol in a thread, a small ASGI app sending spans of
a real file, a raw socket client."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.serving import served_on_loopback
from tokkyo.server.zerocopy import EXTENSION, POSITION

SIZE = 48 * 1024 * 1024            # larger than any loopback socket buffer


class FileApp:
    """/span?offset=&count= sends that span of the file (Content-Length framing),
    /chunked the whole file in two spans without a length (chunked framing),
    /early sends a span before the start, which must be refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[str, Any] = {}
        self.finished = threading.Event()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query = dict(p.split("=") for p in scope["query_string"].decode().split("&") if p)
        self.seen["extensions"] = dict(scope.get("extensions", {}))
        with self.path.open("rb") as handle:
            if scope["path"] == "/early":
                try:
                    await send({"type": EXTENSION, "file": handle, "count": 10})
                except RuntimeError as error:
                    self.seen["error"] = str(error)
                await send({"type": "http.response.start", "status": 500, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            if scope["path"] == "/chunked":
                await send({"type": "http.response.start", "status": 200, "headers": []})
                half = SIZE // 2
                await send({"type": EXTENSION, "file": handle, "offset": 0, "count": half,
                            "more_body": True})
                await send({"type": EXTENSION, "file": handle, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            offset, count = int(query["offset"]), int(query["count"])
            promised = int(query.get("promise", count))
            await send({"type": "http.response.start", "status": 206,
                        "headers": [(b"content-length", str(promised).encode())]})
            await send({"type": EXTENSION, "file": handle, "offset": offset, "count": count})
            self.seen["position"] = handle.tell()
            self.finished.set()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zerocopy") / "big.bin"
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for i in range(SIZE >> 20):
            out.write(block[i:] + block[:i])
    return path


@pytest.fixture(scope="module")
def served(big_file: Path) -> Iterator[tuple[str, FileApp]]:
    app = FileApp(big_file)
    with served_on_loopback(app) as base:
        yield base, app


def test_the_extension_is_offered_and_spans_arrive_exactly(served, big_file):
    base, app = served
    data = big_file.read_bytes()
    for offset, count in ((0, SIZE), (1, 1), (12345, 3 * 1024 * 1024 + 7), (SIZE - 9, 9)):
        app.finished.clear()
        answer = httpx.get(f"{base}/span?offset={offset}&count={count}", timeout=60)
        assert answer.status_code == 206
        assert answer.headers["content-length"] == str(count)
        assert answer.content == data[offset:offset + count]
        assert app.finished.wait(10)
        assert app.seen["position"] == offset + count      # the file is just past the span
    assert app.seen["extensions"][EXTENSION] == {POSITION: True}


def test_spans_without_a_length_are_sent_chunked(served, big_file):
    base, _ = served
    answer = httpx.get(f"{base}/chunked", timeout=60)
    assert answer.headers["transfer-encoding"] == "chunked"
    assert hashlib.sha256(answer.content).digest() == hashlib.sha256(
        big_file.read_bytes()).digest()


def test_a_span_before_the_response_start_is_refused(served):
    base, app = served
    assert httpx.get(f"{base}/early", timeout=10).status_code == 500
    assert "only allowed after 'http.response.start'" in app.seen["error"]


def test_a_client_that_goes_away_ends_the_send_and_the_position_says_how_far(served):
    base, app = served
    app.finished.clear()
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sock.sendall(f"GET /span?offset=0&count={SIZE} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        got = 0
        while got < 1 << 20:
            got += len(sock.recv(65536))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert app.finished.wait(20), "the app's send did not return after the client left"
    assert 0 < app.seen["position"] < SIZE
    assert httpx.get(f"{base}/span?offset=0&count=5", timeout=10).status_code == 206


def test_one_connection_carries_several_spans(served, big_file):
    """Keep-alive: after a span the connection reads the next request."""
    base, _ = served
    data = big_file.read_bytes()
    with httpx.Client(base_url=base, timeout=60) as client:
        for offset, count in ((0, 10), (5 << 20, 2 << 20), (SIZE - 3, 3), (7, 7)):
            answer = client.get(f"/span?offset={offset}&count={count}")
            assert answer.content == data[offset:offset + count]
        assert client.get("/chunked").content == data


def test_a_file_shorter_than_its_span_ends_the_connection_not_the_server(served):
    base, app = served
    app.finished.clear()
    # the app promises 100 bytes more than the file has past the offset
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{base}/span?offset={SIZE - 50}&count=150&promise=150", timeout=10)
    assert app.finished.wait(10)
    assert app.seen["position"] == SIZE                 # what there was went out
    assert httpx.get(f"{base}/span?offset=0&count=5", timeout=10).status_code == 206
