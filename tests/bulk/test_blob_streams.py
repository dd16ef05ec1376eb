"""A download is sent from whatever stream the blob store gives: an OS file (the local
store) goes out with the zero-copy send, any other stream in chunks. Real HTTP over
loopback with tokkyo's server protocol, which offers the zero-copy extension."""

from __future__ import annotations

import io
import os
import time
from typing import Any

import httpx
import pytest

from tests.server.serving import served_on_loopback
from tokkyo.bulk.downloads import Served, SpanResponse, has_descriptor
from tokkyo.store.blobs import BlobStore, LocalBlobStore

DATA = os.urandom(3 * 1024 * 1024 + 17)


class BlobApp:
    """/local/START-END and /stream/START-END: that span of the blob, from the local
    store's OS file or from an in-memory stream with no file descriptor."""

    def __init__(self, store: BlobStore, sha: str) -> None:
        self.store, self.sha = store, sha
        self.sent: list[tuple[str, int]] = []

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        _, kind, span = scope["path"].split("/")
        start, end = (int(n) for n in span.split("-"))
        handle = (self.store.open(self.sha) if kind == "local"
                  else io.BufferedReader(io.BytesIO(self.store.get(self.sha))))
        served = Served(206, {"Content-Length": str(end - start)}, start, end - start)
        response = SpanResponse(served, handle, lambda n: self.sent.append((kind, n)))
        await response(scope, receive, send)


@pytest.fixture
def served(tmp_path):
    store = LocalBlobStore(tmp_path)
    app = BlobApp(store, store.put(DATA))
    with served_on_loopback(app) as base:
        yield base, app


def test_only_os_files_have_a_descriptor(tmp_path):
    store = LocalBlobStore(tmp_path)
    sha = store.put(b"abc")
    with store.open(sha) as local:
        assert has_descriptor(local)
    assert not has_descriptor(io.BufferedReader(io.BytesIO(b"abc")))
    closed = store.open(sha)
    closed.close()
    assert not has_descriptor(closed)


@pytest.mark.parametrize("kind", ["local", "stream"])
def test_both_kinds_of_stream_send_the_exact_span(served, kind):
    base, app = served
    start, end = 1000, len(DATA) - 5
    answer = httpx.get(f"{base}/{kind}/{start}-{end}", timeout=30)
    assert answer.status_code == 206
    assert answer.content == DATA[start:end]
    deadline = time.monotonic() + 5
    while not app.sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert app.sent == [(kind, end - start)]
