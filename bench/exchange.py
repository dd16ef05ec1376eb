"""Data exchange transfers: a partner's delivery (`--files` files of random bytes,
`--size-mb` in all) fetched over FTPS and SFTP on loopback through tokkyo's transports
(list, then a resumable fetch of each file), next to bare transfers of the same files from
the same servers in the same run: `curl --ssl-reqd` for FTPS (when curl is installed) and
bare ftplib, OpenSSH's `sftp` client at its defaults (when installed) and asyncssh's own
`get` with the same ciphers as tokkyo for SFTP.
Prints MB/s (median of `--repeat`), the ratios tokkyo / bare (target ≥ 0.8) and the
client's CPU seconds per GB (steadier than MB/s on a shared machine).

    .venv/bin/python bench/exchange.py                    # 5 files, 300 MB, median of 3
    .venv/bin/python bench/exchange.py --size-mb 100 --repeat 1
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import ftplib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

import asyncssh  # noqa: E402

from tests.transfer_servers import (  # noqa: E402
    ftps_server,
    make_certificate,
    make_ssh_key,
    sftp_server,
)
from tokkyo.exchange.transports import open_transport  # noqa: E402
from tokkyo.exchange.transports.base import Endpoint  # noqa: E402
from tokkyo.exchange.transports.ftp import tls_context  # noqa: E402
from tokkyo.exchange.transports.sftp import CIPHERS  # noqa: E402

USER, PASSWORD = "bench-partner", "bench-password"


def make_delivery(root: Path, files: int, size_mb: int) -> list[str]:
    """`files` files of random bytes, `size_mb` MB in all, under root/out/delivery/."""
    folder = root / "out" / "delivery"
    folder.mkdir(parents=True)
    names = []
    each = size_mb * 1024 * 1024 // files
    for i in range(files):
        name = f"part-{i + 1:02d}.bin"
        with (folder / name).open("wb") as out:
            left = each
            while left:
                block = os.urandom(min(left, 8 << 20))
                out.write(block)
                left -= len(block)
        names.append(name)
    return names


def timed(run: Callable[[Path], None], target: Path) -> tuple[float, float]:
    """Wall-clock seconds of `run`, and the client's CPU seconds: this process's (all
    threads) plus any client process it ran and waited for (curl, sftp)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    start = time.perf_counter()
    run(target)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = (time.process_time() - cpu + after.ru_utime - children.ru_utime
              + after.ru_stime - children.ru_stime)
    return wall, client


def tokkyo_fetch(endpoint: Endpoint) -> Callable[[Path], None]:
    def run(target: Path) -> None:
        transport = open_transport(endpoint)
        try:
            for remote in transport.list("delivery"):
                transport.fetch(remote, target / Path(remote.path).name)
        finally:
            transport.close()
    return run


def bare_ftplib(port: int, pem: str, names: list[str]) -> Callable[[Path], None]:
    def run(target: Path) -> None:
        ftp = ftplib.FTP_TLS(context=tls_context(pem), timeout=30)
        ftp.connect("127.0.0.1", port)
        ftp.login(USER, PASSWORD)
        ftp.prot_p()
        for name in names:
            with (target / name).open("wb") as out:
                ftp.retrbinary(f"RETR out/delivery/{name}", out.write, blocksize=1 << 20)
        ftp.quit()
    return run


def bare_curl(port: int, cert: Path, names: list[str]) -> Callable[[Path], None]:
    def run(target: Path) -> None:
        argv = ["curl", "-s", "--ssl-reqd", "--cacert", str(cert), "-u",
                f"{USER}:{PASSWORD}"]
        for name in names:
            argv += [f"ftp://127.0.0.1:{port}/out/delivery/{name}", "-o", str(target / name)]
        subprocess.run(argv, check=True)
    return run


def bare_asyncssh(port: int, host_line: str, names: list[str]) -> Callable[[Path], None]:
    async def fetch(target: Path) -> None:
        async with asyncssh.connect(
                "127.0.0.1", port, username=USER, password=PASSWORD, client_keys=None,
                known_hosts=([asyncssh.import_public_key(host_line)], [], []),
                encryption_algs=list(CIPHERS), agent_path=None, config=[]) as conn, \
                conn.start_sftp_client() as sftp:
            await sftp.get([f"out/delivery/{n}" for n in names], str(target))

    def run(target: Path) -> None:
        asyncio.run(fetch(target))
    return run


def bare_openssh(port: int, key: Path, known: Path, names: list[str]
                 ) -> Callable[[Path], None]:
    def run(target: Path) -> None:
        batch = "".join(f"get out/delivery/{n} {target / n}\n" for n in names)
        subprocess.run(["sftp", "-q", "-b", "-", "-P", str(port), "-i", str(key),
                        "-o", f"UserKnownHostsFile={known}", "-o", "BatchMode=yes",
                        "-o", "StrictHostKeyChecking=yes", f"{USER}@127.0.0.1"],
                       input=batch, text=True, check=True, capture_output=True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tokkyo-bench-exchange-") as tmp:
        base = Path(tmp)
        root = base / "home"
        names = make_delivery(root, args.files, args.size_mb)
        total_mb = sum((root / "out/delivery" / n).stat().st_size for n in names) / 1e6
        tls = make_certificate(base / "keys")
        host = make_ssh_key(base / "keys", "host")
        client = make_ssh_key(base / "keys", "client")
        (base / "authorized_keys").write_text(client.public_line + "\n")
        runs: dict[str, dict[str, Callable[[Path], None]]] = {}
        with ftps_server(base / "ftps", [(USER, PASSWORD, root)], tls) as ftps, \
                sftp_server(base / "sftp", [(USER, PASSWORD, root)], host,
                            base / "authorized_keys") as sftp:
            known = base / "known_hosts"
            known.write_text(f"[127.0.0.1]:{sftp.port} {host.public_line}\n")
            ftps_runs = {
                "tokkyo": tokkyo_fetch(Endpoint(
                    url=f"ftps://127.0.0.1:{ftps.port}/out", username=USER,
                    password=PASSWORD, host_key=tls.pem)),
                "bare ftplib": bare_ftplib(ftps.port, tls.pem, names)}
            if shutil.which("curl"):
                ftps_runs["bare curl"] = bare_curl(ftps.port, tls.cert, names)
            sftp_runs = {
                "tokkyo": tokkyo_fetch(Endpoint(
                    url=f"sftp://127.0.0.1:{sftp.port}/out", username=USER,
                    password=PASSWORD, host_key=host.public_line)),
                "bare asyncssh get": bare_asyncssh(sftp.port, host.public_line, names)}
            if shutil.which("sftp"):
                sftp_runs["bare openssh sftp"] = bare_openssh(sftp.port, client.private,
                                                              known, names)
            runs = {"FTPS": ftps_runs, "SFTP": sftp_runs}
            seconds: dict[tuple[str, str], list[float]] = {}
            cpu: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.repeat):
                for protocol, variants in runs.items():
                    for name, run in variants.items():
                        wall, client = timed(run, base / "got")
                        seconds.setdefault((protocol, name), []).append(wall)
                        cpu.setdefault((protocol, name), []).append(client)

        load = os.getloadavg()
        print(f"# exchange transfers, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: "
              f"{args.files} files, {total_mb:.0f} MB, median of {args.repeat}, "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
              f"{os.cpu_count()} CPUs")
        print("| protocol | run | MB/s | tokkyo / this | client CPU s/GB |")
        print("|---|---|---:|---:|---:|")
        for protocol, variants in runs.items():
            ours = statistics.median(seconds[(protocol, "tokkyo")])
            for name in variants:
                median = statistics.median(seconds[(protocol, name)])
                ratio = "" if name == "tokkyo" else f"{median / ours:.2f}"
                per_gb = statistics.median(cpu[(protocol, name)]) / (total_mb / 1000)
                print(f"| {protocol} | {name} | {total_mb / median:.0f} | {ratio} | "
                      f"{per_gb:.1f} |")


if __name__ == "__main__":
    main()
