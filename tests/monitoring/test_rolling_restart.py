"""A rolling restart of two `tokkyo serve` processes behind Debian's nginx drops no
request: each process in turn gets SIGTERM (it refuses new connections, which nginx
sends to the other, and finishes those in flight), is started again and answers before
the next is stopped. Clients call the whole time; every answer must be a 200."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.api.server import Server, free_port
from tests.conftest import fresh_database
from tests.monitoring import stores
from tests.nginx_proxy import nginx_binary, nginx_proxy

CLIENTS = 6
PATHS = ("/documents", "/d/JP/patent/app/2020123456", "/health")


def test_rolling_restart_behind_nginx_drops_no_request(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    nginx_binary()
    with fresh_database("sqlite", request, tmp_path) as url:
        stores.load(url, tmp_path)
        ports = [free_port(), free_port()]
        settings = {"trusted_proxies": "127.0.0.1", "shutdown_grace_seconds": "10"}
        servers = [Server(url, tmp_path, port=p, **settings) for p in ports]
        outcomes: Counter[str] = Counter()
        failures: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()
        try:
            with nginx_proxy(tmp_path / "nginx", ports) as base:

                def client(k: int) -> None:
                    with httpx.Client(base_url=base, timeout=30) as http:
                        n = 0
                        while not stop.is_set():
                            path = PATHS[(k + n) % len(PATHS)]
                            n += 1
                            try:
                                answer = http.get(path)
                                seen = str(answer.status_code)
                                if answer.status_code != 200:
                                    failures.append(f"{path}: {answer.status_code} "
                                                    f"{answer.text[:100]}")
                            except httpx.HTTPError as exc:
                                seen = type(exc).__name__
                                failures.append(f"{path}: {exc!r}")
                            with lock:
                                outcomes[seen] += 1

                threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
                for thread in threads:
                    thread.start()
                for i, port in enumerate(ports):
                    before = outcomes["200"]
                    servers[i].stop()                   # SIGTERM, waits for the exit
                    servers[i] = Server(url, tmp_path, port=port, **settings)
                    assert servers[i].client.get("/ready").status_code == 200
                    while outcomes["200"] < before + 50:   # traffic went on meanwhile
                        threading.Event().wait(0.05)
                stop.set()
                for thread in threads:
                    thread.join(30)
                via_nginx = httpx.get(f"{base}/health", headers={"X-Request-ID":
                                                               "not well formed!"})
                assert len(via_nginx.headers["X-Request-ID"]) == 32   # nginx's $request_id
        finally:
            stop.set()
            for server in servers:
                server.stop()
    assert not failures, failures[:10]
    assert outcomes["200"] >= 100, outcomes
