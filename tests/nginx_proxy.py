"""Debian's nginx in front of tokkyo servers, for the tests: a generated configuration
(docs/nginx/tokkyo.conf's upstream and proxy settings) in a temporary folder, started
with `nginx -c … -p …` on a loopback port and stopped by the PID in its pid file.

Where nginx is not installed the tests skip loudly; `TOKKYO_REQUIRE_NGINX=1` (CI) makes
that a failure. The search-engine tests reuse it: any number of upstream ports.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

PREAMBLE = """\
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon on;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
"""
"""What every test nginx has: one worker, everything it writes inside its folder."""

PROXY = """\
    upstream tokkyo {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /metrics {{ return 404; }}
        location / {{
            proxy_pass http://tokkyo;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-ID $request_id;
            proxy_next_upstream error;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if found is None:
        message = ("nginx is not installed (apt-get install nginx): the tests behind a "
                   "reverse proxy are SKIPPED")
        if os.environ.get("TOKKYO_REQUIRE_NGINX") == "1":
            pytest.fail(f"TOKKYO_REQUIRE_NGINX=1 but {message}")
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_nginx(folder: Path, http_block: str, *, user: str = "") -> Iterator[int]:
    """Start nginx with the common preamble and `http_block` (the inside of `http`),
    yield its master's PID, and stop it gracefully (SIGQUIT: finish what is in flight),
    killing it if it has not gone after 10 s."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(PREAMBLE.format(folder=folder, user=user) + http_block + "}\n")
    started = subprocess.run([binary, "-c", str(config), "-p", str(folder)],
                             capture_output=True, text=True, timeout=30)
    assert started.returncode == 0, started.stderr
    pid_file = folder / "nginx.pid"
    deadline = time.monotonic() + 10
    while not pid_file.exists():
        assert time.monotonic() < deadline, "nginx wrote no pid file"
        time.sleep(0.05)
    pid = int(pid_file.read_text().split()[0])
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_file.exists():
            os.kill(pid, signal.SIGKILL)


@contextmanager
def nginx_proxy(folder: Path, upstream_ports: Sequence[int]) -> Iterator[str]:
    """The base URL of nginx proxying to `upstream_ports` on loopback while the block
    runs."""
    port = _free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in upstream_ports)
    with running_nginx(folder, PROXY.format(port=port, servers=servers)):
        yield f"http://127.0.0.1:{port}"
