"""Bulk download throughput: tokkyo serving a large file over loopback, whole and in
ranges, as a ratio to a bare read of the same file in the same run (and to nginx serving
it, when nginx is installed). Also the server's memory before and after, to show it stays
flat whatever the file size.

    .venv/bin/python bench/bulk.py                 # 1 GB, 3 rounds
    .venv/bin/python bench/bulk.py --size-mb 256 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog
from tokkyo.config import load_settings
from tokkyo.store.database import Database
from tokkyo.store.repositories import products as rows

SECRET = "bench-secret-key-for-the-bulk-benchmark"
CHUNK = 1 << 20
USER, PASSWORD = "bench-user1", "bench-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_file(path: Path, size_mb: int) -> None:
    block = os.urandom(CHUNK)
    with path.open("wb") as out:
        for i in range(size_mb):
            out.write(block[i % 251:] + block[:i % 251])   # not one repeated block


def bare_read(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        while handle.read(CHUNK):
            pass
    return time.perf_counter() - start


CURL = shutil.which("curl")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Download `url` and throw the bytes away: with curl when installed (so the figure
    is the server's, not a Python client's), else with httpx."""
    if CURL:
        command = [CURL, "-sf", "-o", "/dev/null", "-w", "%{size_download}"]
        for key, value in (headers or {}).items():
            command += ["-H", f"{key}: {value}"]
        start = time.perf_counter()
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True)
        return time.perf_counter() - start, int(out.stdout.strip())
    received = 0
    start = time.perf_counter()
    with httpx.stream("GET", url, headers=headers, timeout=600) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_raw(CHUNK):
            received += len(chunk)
    return time.perf_counter() - start, received


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def setup(data: Path, source: Path) -> tuple[str, int, str]:
    url = f"sqlite:///{data / 'tokkyo.sqlite3'}"
    db = Database.open(load_settings(database_url=url, data_dir=str(data), environ={}))
    db.upgrade()
    now = dt.datetime.now(dt.UTC)
    with db.engine.begin() as conn:
        accounts.add_user(conn, Policy(secret=SECRET.encode()), USER, PASSWORD)
        catalog.ensure_products(conn)
        sha, size = db.blobs.put_file(source)
        rows.insert_release(conn, id="jp-gazette-a-bench-1", product_id="jp-gazette-a",
                            type="backfile", published_at=now, revision=1)
        file_id = rows.insert_file(conn, release_id="jp-gazette-a-bench-1", name="big.bin",
                                   bytes=size, sha256=sha, media_type="application/octet-stream",
                                   records_total=1, status="current", created_at=now)
    db.close()
    return url, file_id, sha


def nginx_rate(path: Path, repeat: int) -> float | None:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    if binary is None:
        return None
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="nginx-"))
    (root / "logs").mkdir()
    conf = root / "nginx.conf"
    user = "user root; " if os.geteuid() == 0 else ""
    conf.write_text(user + f"""daemon off; pid {root}/nginx.pid; error_log {root}/logs/error.log;
events {{}} http {{ access_log off; sendfile on; server {{ listen 127.0.0.1:{port};
location / {{ root {path.parent}; }} }} }}""")
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(root)])
    try:
        time.sleep(1)
        times = [fetch(f"http://127.0.0.1:{port}/{path.name}")[0] for _ in range(repeat)]
        return statistics.median(times)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--range-mb", type=int, default=64, help="size of each ranged request")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tokkyo-bench-bulk-"))
    try:
        source = work / "big.bin"
        make_file(source, args.size_mb)
        data = work / "data"
        url, file_id, sha = setup(data, source)
        stored = data / "blobs" / sha[:2] / sha[2:4] / sha
        port = free_port()
        env = dict(os.environ, TOKKYO_DATABASE_URL=url, TOKKYO_DATA_DIR=str(data),
                   TOKKYO_SECRET_KEY=SECRET)
        server = subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", "serve", "--port",
                                   str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = httpx.post(f"{base}/auth/token", data={
                "grant_type": "password", "username": USER, "password": PASSWORD}
            ).json()["access_token"]
            link = httpx.post(f"{base}/bulk/api/v1/files/{file_id}/link",
                              headers={"Authorization": f"Bearer {token}"}).json()["url"]
            fetch(link, {"Range": "bytes=0-1048575"})        # warm the server
            before = memory_kb(server.pid)
            size = args.size_mb * CHUNK
            bare, full, ranged = [], [], []
            step = args.range_mb * CHUNK
            for _ in range(args.repeat):
                bare.append(bare_read(stored))
                seconds, got = fetch(link)
                assert got == size, (got, size)
                full.append(seconds)
                start = time.perf_counter()
                for offset in range(0, size, step):
                    _, got = fetch(link, {"Range": f"bytes={offset}-{offset + step - 1}"})
                    assert got == min(step, size - offset)
                ranged.append(time.perf_counter() - start)
            after = memory_kb(server.pid)
        finally:
            server.terminate()
            server.wait()
        mb = args.size_mb
        b, f, r = (statistics.median(x) for x in (bare, full, ranged))
        print(f"file: {mb} MB of random bytes; median of {args.repeat}; server: tokkyo serve "
              f"(1 uvicorn process), client: {'curl' if CURL else 'httpx'} on the same machine")
        print(f"  bare read (same file, 1 MB reads)   {mb / b:9.1f} MB/s")
        print(f"  tokkyo, whole file (200)            {mb / f:9.1f} MB/s   ratio {b / f:.2f}"
              "   (target >= 0.80)")
        print(f"  tokkyo, {args.range_mb} MB ranges (206)          {mb / r:9.1f} MB/s   "
              f"ratio {b / r:.2f}")
        nginx = nginx_rate(stored, args.repeat)
        if nginx is None:
            print("  nginx: not installed (apt-get install nginx-light to compare)")
        else:
            print(f"  nginx, whole file (sendfile)        {mb / nginx:9.1f} MB/s   "
                  f"tokkyo / nginx {nginx / f:.2f}")
        print(f"  server memory: RSS {before['VmRSS'] // 1024} MB before, "
              f"{after['VmRSS'] // 1024} MB after; peak {after['VmHWM'] // 1024} MB "
              f"(file {mb} MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
