"""Bulk download throughput: tokkyo serving a large file over loopback, whole and in
ranges, as ratios to a bare transfer of the same file over loopback (sendfile, no
framework) and to a bare read of it, in the same run (and to nginx serving it, when nginx
is installed). Also the server's CPU time per GB and its memory before and after, to show
it stays flat whatever the file size.

    .venv/bin/python bench/bulk.py                 # 1 GB, 5 rounds
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
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

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


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Download `url` with a bare HTTP/1.1 client on a socket (recv_into a 4 MB buffer,
    the bytes thrown away), so the figure is the server's and the transport's, not a
    client library's. Checks the status and that Content-Length bytes arrived."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    buffer = bytearray(4 * CHUNK)
    view = memoryview(buffer)
    start = time.perf_counter()
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        head = b""
        while b"\r\n\r\n" not in head:
            got = sock.recv(65536)
            if not got:
                raise RuntimeError(f"no answer from {url}")
            head += got
        head, _, body = head.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        if status not in (200, 206):
            raise RuntimeError(f"{url}: HTTP {status}")
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        received = len(body)
        while received < length:
            got = sock.recv_into(view)
            if not got:
                break
            received += got
    return time.perf_counter() - start, received


def bare_server(path: Path) -> tuple[str, threading.Thread]:
    """The transport's own limit: a bare server in this process that answers one GET with
    a minimal HTTP head and the file through `sendfile` (no checks, no framework)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    size = path.stat().st_size

    def answer() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn, path.open("rb") as handle:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n" % size)
                offset = 0
                while offset < size:
                    offset += os.sendfile(conn.fileno(), handle.fileno(), offset,
                                          size - offset)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/", thread


def bare_transfer(path: Path) -> float:
    url, thread = bare_server(path)
    seconds, got = fetch(url)
    thread.join()
    assert got == path.stat().st_size, got
    return seconds


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its own threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    parser.add_argument("--repeat", type=int, default=5)
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
            bare, wire, full, ranged, cpu_full, cpu_ranged = [], [], [], [], [], []
            step = args.range_mb * CHUNK
            for _ in range(args.repeat):
                bare.append(bare_read(stored))
                wire.append(bare_transfer(stored))
                cpu = cpu_seconds(server.pid)
                seconds, got = fetch(link)
                assert got == size, (got, size)
                full.append(seconds)
                cpu_full.append(cpu_seconds(server.pid) - cpu)
                cpu = cpu_seconds(server.pid)
                start = time.perf_counter()
                for offset in range(0, size, step):
                    _, got = fetch(link, {"Range": f"bytes={offset}-{offset + step - 1}"})
                    assert got == min(step, size - offset)
                ranged.append(time.perf_counter() - start)
                cpu_ranged.append(cpu_seconds(server.pid) - cpu)
            after = memory_kb(server.pid)
        finally:
            server.terminate()
            server.wait()
        mb = args.size_mb
        b, w, f, r = (statistics.median(x) for x in (bare, wire, full, ranged))
        print(f"file: {mb} MB of random bytes; median of {args.repeat}; server: tokkyo serve "
              "(1 uvicorn process); client: a bare socket client in this process")
        print(f"  bare read (same file, 1 MB reads)     {mb / b:9.1f} MB/s")
        print(f"  bare transfer (sendfile, loopback)    {mb / w:9.1f} MB/s   "
              f"{b / w:.2f} of the bare read: the transport's limit")
        print(f"  tokkyo, whole file (200)              {mb / f:9.1f} MB/s   "
              f"ratio {w / f:.2f} of the bare transfer (target >= 0.80), "
              f"{b / f:.2f} of the bare read")
        print(f"  tokkyo, {args.range_mb} MB ranges (206)            {mb / r:9.1f} MB/s   "
              f"ratio {w / r:.2f} of the bare transfer, {b / r:.2f} of the bare read")
        gb = mb / 1024
        print(f"  server CPU per GB served: whole {statistics.median(cpu_full) / gb:.2f} s, "
              f"ranges {statistics.median(cpu_ranged) / gb:.2f} s "
              "(user + system time of the server process)")
        nginx = nginx_rate(stored, args.repeat)
        if nginx is None:
            print("  nginx: not installed (apt-get install nginx-light to compare)")
        else:
            print(f"  nginx, whole file (sendfile)          {mb / nginx:9.1f} MB/s   "
                  f"tokkyo / nginx {nginx / f:.2f}")
        print(f"  server memory: RSS {before['VmRSS'] // 1024} MB before, "
              f"{after['VmRSS'] // 1024} MB after; peak {after['VmHWM'] // 1024} MB "
              f"(file {mb} MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
