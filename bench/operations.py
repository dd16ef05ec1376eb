"""What the operations middlewares cost each request: the request log and metrics
(`RequestLog`), the security headers and the maintenance gate, measured as requests/s of
the same app with and without them.

    python bench/operations.py [--seconds 5] [--concurrency 8]

The server is tokkyo's own app (create_app over a fresh SQLite store holding the recorded
API answers) run by uvicorn in a separate process, once as built and once with those
three middlewares taken off its stack (`--strip`). The load generator keeps
--concurrency requests in flight over loopback (httpx, asyncio) on `/health` (the
smallest answer: the middlewares' share is largest there) and `/documents?limit=1` (a
read of the store). Runs alternate, twice each; the better run counts. Printed:
requests/s of both and the ratio with / without (target >= 0.9 on /documents).

Over loopback on a shared machine the two differ by less than the noise; so the same two
apps are also called in this process through ASGI (no sockets, one request at a time,
interleaved batches, the median batch counts): the CPU time per request of each, and
what the middlewares add.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
PATHS = ("/health", "/documents?limit=1")


def build(strip: bool) -> Any:
    from tokkyo.app import create_app
    from tokkyo.monitoring.maintenance import MaintenanceGate
    from tokkyo.monitoring.requests import RequestLog
    from tokkyo.web.headers import SecurityHeaders

    app = create_app()
    if strip:
        app.user_middleware = [m for m in app.user_middleware
                               if m.cls not in (RequestLog, SecurityHeaders, MaintenanceGate)]
    return app


def serve(port: int, strip: bool) -> None:
    """Run in the server process."""
    import uvicorn

    uvicorn.run(build(strip), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


async def in_process(batches: int = 15, size: int = 200) -> dict[tuple[bool, str], float]:
    """Median microseconds per request of each app and path, called through ASGI."""
    apps = {strip: build(strip) for strip in (True, False)}
    times: dict[tuple[bool, str], list[float]] = {}
    clients = {strip: httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                        base_url="http://bench")
               for strip, app in apps.items()}
    for _ in range(batches):
        for path in PATHS:
            for strip, client in clients.items():
                started = time.process_time()
                for _ in range(size):
                    assert (await client.get(path)).status_code == 200
                times.setdefault((strip, path), []).append(
                    (time.process_time() - started) / size * 1e6)
    for client in clients.values():
        await client.aclose()
    return {key: sorted(values)[len(values) // 2] for key, values in times.items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(base: str, path: str, seconds: float, concurrency: int) -> float:
    done = 0
    until = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < until:
                answer = await client.get(path)
                assert answer.status_code == 200, answer.text
                done += 1
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started)


def run(data: Path, strip: bool, seconds: float, concurrency: int) -> dict[str, float]:
    port = free_port()
    env = dict(os.environ, TOKKYO_DATA_DIR=str(data), PYTHONPATH=str(REPO / "src"))
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)]
                              + (["--strip"] if strip else []), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        asyncio.run(load(base, "/health", 1.0, concurrency))          # warm-up
        return {path: asyncio.run(load(base, path, seconds, concurrency)) for path in PATHS}
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--strip", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.strip)
        return
    from tokkyo.config import load_settings
    from tokkyo.ingest.items import walk
    from tokkyo.ingest.service import Ingestor
    from tokkyo.store.database import Database

    data = Path(tempfile.mkdtemp(prefix="tokkyo-bench-ops-"))
    db = Database.open(load_settings(data_dir=str(data)))
    db.upgrade()
    Ingestor(db.engine, db.blobs, workers=0).run(walk([REPO / "samples" / "jpo-api" / "real"]))
    db.close()
    best: dict[bool, dict[str, float]] = {True: {}, False: {}}
    for _ in range(2):
        for strip in (True, False):
            rates = run(data, strip, args.seconds, args.concurrency)
            for path, rate in rates.items():
                best[strip][path] = max(best[strip].get(path, 0.0), rate)
    print(f"requests/s, {args.concurrency} in flight, better of 2 runs of {args.seconds:g} s")
    for path in PATHS:
        with_, without = best[False][path], best[True][path]
        print(f"  {path:22} without {without:8.0f}  with {with_:8.0f}  "
              f"ratio {with_ / without:.2f}")
    os.environ["TOKKYO_DATA_DIR"] = str(data)
    cost = asyncio.run(in_process())
    print("CPU time per request in this process (ASGI, no sockets), median of 15 batches")
    for path in PATHS:
        without, with_ = cost[(True, path)], cost[(False, path)]
        print(f"  {path:22} without {without:7.0f} µs  with {with_:7.0f} µs  "
              f"+{with_ - without:.0f} µs  ratio (requests/s) {without / with_:.2f}")


if __name__ == "__main__":
    main()
