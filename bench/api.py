"""API throughput and latency: `app_progress` with auth, quota and store, next to a bare
JSON endpoint in the same app under the same load.

    python bench/api.py [--seconds 10] [--concurrency 16] [--workers 1]
                        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

The server is tokkyo's own app (create_app) run by uvicorn in a separate process, with
one extra route, `/bench/bare`, that answers the same bytes as the real `app_progress`
answer for 2020-123456 without token check, quota, access log or store. The load
generator keeps --concurrency requests in flight over loopback (httpx, asyncio). Each
endpoint runs twice, alternating; the better run counts. Printed: requests/s, p50 and p99
latency of both, and the ratio tokkyo / bare (target >= 0.5).
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
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokkyo.store.engine import normalise_url  # noqa: E402

PASSWORD = "bench-password-123"
PROGRESS = "/api/patent/v1/app_progress/2020123456"


def serve(port: int, workers: int) -> None:
    """Run in the server process: tokkyo's app plus the bare endpoint."""
    import uvicorn
    from fastapi import Response

    from tokkyo.app import create_app

    recorded = (REPO / "samples/jpo-api/real/patent__v1__app_progress__2020123456.json"
                ).read_bytes()

    def factory():
        app = create_app()

        @app.get("/bench/bare", include_in_schema=False)
        def bare() -> Response:
            return Response(recorded, media_type="application/json")

        return app

    if workers > 1:
        raise SystemExit("the bench server runs one process; use --workers 1")
    uvicorn.run(factory(), host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, data: Path) -> None:
    """Schema, the real answers, a user."""
    from tokkyo.accounts import service as accounts
    from tokkyo.accounts.policy import Policy
    from tokkyo.config import load_settings
    from tokkyo.ingest.items import walk
    from tokkyo.ingest.service import Ingestor
    from tokkyo.store.database import Database

    settings = load_settings()
    db = Database.open(settings)
    db.upgrade()
    Ingestor(db.engine, db.blobs).run(
        walk([REPO / "samples/jpo-api/real"]))
    with db.engine.begin() as conn:
        accounts.add_user(conn, Policy.from_settings(settings), "bench-user1", PASSWORD)
    db.close()


async def load(base: str, path: str, token: str, seconds: float, concurrency: int
               ) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, errors)."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                answer = await client.get(path)
                latencies.append(time.perf_counter() - start)
                if answer.status_code != 200 or b'"statusCode":"100"' not in answer.content:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / elapsed, p(0.50), p(0.99), errors


def run_backend(backend: str, url: str, args: argparse.Namespace) -> dict[str, tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TOKKYO_DATABASE_URL=url, TOKKYO_DATA_DIR=tmp,
                   TOKKYO_SECRET_KEY="bench-secret-key-of-at-least-32-chars",
                   TOKKYO_QUOTA_CAPS="patent/app_progress=100000000",
                   TOKKYO_RATE_LIMIT_PER_MINUTE="100000000", TOKKYO_INGEST_WORKERS="0")
        os.environ.update(env)
        prepare(url, Path(tmp))
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = httpx.post(base + "/auth/token", data={
                "grant_type": "password", "username": "bench-user1",
                "password": PASSWORD}).json()["access_token"]
            asyncio.run(load(base, PROGRESS, token, 2, args.concurrency))        # warm up
            runs: dict[str, list[tuple]] = {"bare": [], "tokkyo": []}
            for _ in range(2):
                for label, path in (("bare", "/bench/bare"), ("tokkyo", PROGRESS)):
                    runs[label].append(asyncio.run(load(base, path, token, args.seconds,
                                                        args.concurrency)))
            return {label: max(found, key=lambda r: r[0]) for label, found in runs.items()}
        finally:
            server.terminate()
            server.wait()


def postgres_database(url: str) -> tuple[str, str]:
    name = f"bench_api_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return name, sa.engine.make_url(normalise_url(url)).set(database=name).render_as_string(
        False)


def drop_postgres_database(url: str, name: str) -> None:
    admin = sa.create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, 1)
        return
    print(f"load: {args.concurrency} requests in flight over loopback, {args.seconds:.0f} s "
          f"per run, best of 2; machine: {os.cpu_count()} CPUs (server and load generator "
          "share them); data: the real recorded case 2020-123456")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.postgres_url:
        name, url = postgres_database(args.postgres_url)
        try:
            results["postgresql"] = run_backend("postgresql", url, args)
        finally:
            drop_postgres_database(args.postgres_url, name)
    else:
        print("PostgreSQL: skipped (give --postgres-url or set TOKKYO_TEST_POSTGRES_URL)")
    for backend, runs in results.items():
        print(f"{backend}:")
        for label, (rps, p50, p99, errors) in runs.items():
            print(f"  {label:<34} {rps:8.1f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms"
                  f"   errors {errors}")
        ratio = runs["tokkyo"][0] / runs["bare"][0]
        print(f"  ratio tokkyo / bare (requests/s)   {ratio:.2f}   (target >= 0.50)")


if __name__ == "__main__":
    main()
