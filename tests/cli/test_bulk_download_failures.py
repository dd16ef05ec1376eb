"""`tokkyo bulk download` when the server is down or the connection drops: one line saying
what happened and what to do, a non-zero exit, and every byte received kept for the resume.

The dropping server is a small real HTTP/1.1 server on a loopback port (the bulk protocol's
four requests, bulk.md §3.3–§5): it sends part of the file's body, then closes the socket.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from tests.cli.test_cli import tokkyo

BODY = os.urandom(300_000)           # less than the client's 1 MiB chunk
SHA = hashlib.sha256(BODY).hexdigest()
CUT = 123_457                        # bytes sent before the first answer is cut off


class Dropping(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    ranges: ClassVar[list[str | None]] = []
    cut = True

    def log_message(self, *_: object) -> None:
        pass

    def _json(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/auth/token":
            self._json({"access_token": "t", "token_type": "bearer"})
        else:                                            # /bulk/api/v1/files/1/link
            host = self.headers["Host"]
            self._json({"url": f"http://{host}/bulk/files/1/data.zip"})

    def do_GET(self) -> None:
        if self.path.startswith("/bulk/api/v1/products/p1/releases"):
            self._json({"releases": [{"release": "p1-20260101", "files": [
                {"id": 1, "name": "data.zip", "bytes": len(BODY), "sha256": SHA}]}]})
            return
        wanted = self.headers.get("Range")
        Dropping.ranges.append(wanted)
        start = int(wanted.removeprefix("bytes=").rstrip("-")) if wanted else 0
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(BODY) - 1}/{len(BODY)}")
        self.send_header("Content-Length", str(len(BODY) - start))
        self.send_header("ETag", f'"sha256-{SHA}"')
        self.end_headers()
        if Dropping.cut:
            Dropping.cut = False
            self.wfile.write(BODY[:CUT])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)      # every byte sent, then FIN
            self.close_connection = True
            return
        self.wfile.write(BODY[start:])


@pytest.fixture
def dropping() -> Iterator[str]:
    Dropping.ranges, Dropping.cut = [], True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Dropping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _env() -> dict[str, str]:
    return dict(os.environ, COLUMNS="80", TOKKYO_BULK_USER="mirror-user1",
                TOKKYO_BULK_PASSWORD="mirror-password-1")


def test_a_dropped_connection_keeps_what_arrived_and_the_next_run_resumes(dropping, tmp_path):
    args = ("bulk", "download", "p1", "--to", str(tmp_path), "--server", dropping)
    cut = tokkyo(*args, env=_env(), check=1)
    assert "Traceback" not in cut.stderr + cut.stdout
    lines = [line for line in cut.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "run the same command again to resume" in lines[0], cut.stderr
    part = tmp_path / "p1-20260101" / "data.zip.part"
    assert part.read_bytes() == BODY[:CUT]                # every byte received, kept
    again = tokkyo(*args, env=_env(), check=0)
    assert "1 downloaded" in again.stdout
    assert Dropping.ranges == [None, f"bytes={CUT}-"]   # the second run really resumed
    assert (tmp_path / "p1-20260101" / "data.zip").read_bytes() == BODY
    assert not part.exists()


def test_a_server_that_is_down_is_one_line_and_debug_shows_the_traceback(tmp_path):
    with socket.socket() as s:                            # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{s.getsockname()[1]}"
    for product in ("p1", ""):
        result = tokkyo("bulk", "download", product, "--to", str(tmp_path), "--server",
                        down, env=_env(), check=1)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert f"cannot connect to {down}" in lines[0]
        assert "is the server running" in lines[0]
        assert result.stdout.strip() == ""
    debug = tokkyo("bulk", "download", "p1", "--server", down, "--debug", env=_env(), check=1)
    assert "Traceback" in debug.stderr and "ConnectError" in debug.stderr
    both = tokkyo("--debug", "bulk", "download", "p1", "--server", down, env=_env(), check=1)
    assert "Traceback" in both.stderr
