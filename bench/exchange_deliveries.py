"""Receiving a partner's delivery (`tokkyo.exchange.deliveries.receive`) next to the bare
ingest of the same bytes, in one run: what the delivery pipeline's checks and records cost.

    python bench/exchange_deliveries.py [--copies 1] [--repeat 3] [--postgres-url URL]
                                        [--over ftps,sftp]

Input: the real sample files of samples/foreign that load in strict mode (EP grants and
applications but the four that are not well-formed, US XML, CN, the ST.96 patent
publication, DOCDB), each once by default (a delivery carries each document once);
--copies N > 1 adds copies made distinct by a trailing comment, which REPLACE the
documents the first loaded: in exchange each file is its own batch, so a replacement
across files costs an index removal and re-preparation the bare ingest (one batch of
200) does not pay. One delivery folder with a `manifest.json` listing every
file with its size and SHA-256.

Runs, each the median of --repeat on a fresh database:
  bare ingest      the real Ingestor over the folder (batches of 200, reading in this
                   process): detection, reading, blobs, every table, the index
  exchange         receive() of the same folder as an inbox delivery: the manifest read,
                   every file hashed and checked against it (and as a ZIP where it is one),
                   every file parsed for its document rows, then loaded by the Ingestor one
                   file per batch (a file loads whole or not at all), the file and document
                   rows and the report written
  bare transfer    (with --over) the same files fetched from a real FTPS (pyftpdlib) or
                   SFTP (asyncssh) server on loopback by a bare client: ftplib, asyncssh
                   `get` (bench/exchange.py's)
  pulled           (with --over) arrival to searchable: the same delivery on the
                   partner's server, `tokkyo exchange fetch` of the partner (the service
                   it calls: schedule.fetch) lists it, fetches it through tokkyo's
                   transport into staging and receives it as above
Printed: documents/s and MB/s of each, exchange / bare ingest (wall clock and CPU), and
pulled / (bare transfer + bare ingest): what arrival to searchable costs over doing the
two bare steps one after the other. The search engine is the store's own SQL index
throughout (written in the load's transaction), so "loaded" is "searchable".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from bench.exchange import PASSWORD, USER, bare_asyncssh, bare_ftplib  # noqa: E402

from tests.transfer_servers import (  # noqa: E402
    ftps_server,
    make_certificate,
    make_ssh_key,
    sftp_server,
)
from tokkyo.exchange import deliveries, partners, schedule  # noqa: E402
from tokkyo.ingest.items import walk  # noqa: E402
from tokkyo.ingest.service import Ingestor  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402

FOREIGN = REPO / "samples" / "foreign"
MALFORMED = {"v1-2-A1.xml", "v1-4-A1.xml", "v1-4-A1-1.xml", "v1-5-1-A1-2.xml"}
PATTERNS = ("ep/*/*.xml", "us/xml20*/*.xml", "us/xmlApp2004/*.xml", "cn/*.xml", "cn/*.XML",
            "st96/wipo_st96_v6_examples/PatentPublication_Example.xml",
            "docdb/DE-backfile.xml", "docdb/AP-*.xml")


def sources() -> list[Path]:
    return sorted(p for pattern in PATTERNS for p in FOREIGN.glob(pattern)
                  if p.name not in MALFORMED)


def build(folder: Path, copies: int) -> tuple[int, int]:
    """The delivery folder; (files, bytes)."""
    folder.mkdir(parents=True)
    entries = []
    total = 0
    for copy in range(copies):
        for path in sources():
            data = path.read_bytes() + f"\n<!-- copy {copy} -->\n".encode("ascii")
            name = f"c{copy:02d}-{path.parent.name}-{path.name}"
            (folder / name).write_bytes(data)
            entries.append({"name": name, "bytes": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
            total += len(data)
    (folder / "manifest.json").write_text(json.dumps(
        {"format": "tokkyo-manifest", "version": 1, "delivery": "bench", "files": entries}))
    return len(entries), total


def fresh(url: str | None, work: Path) -> Database:
    if url is None:
        engine = make_engine(f"sqlite:///{work / 'db.sqlite3'}")
    else:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    migrate.upgrade(engine)
    return Database(engine, LocalBlobStore(work / "blobs"))


def bare(db: Database, folder: Path) -> int:
    report = Ingestor(db.engine, db.blobs, batch_size=200, workers=0, label="bench").run(
        walk(sorted(p for p in folder.iterdir() if p.name != "manifest.json")))
    assert report.ok, [o.reason for o in report.outcomes if o.status == "quarantined"]
    return sum(1 for o in report.outcomes if o.status in ("loaded", "replaced"))


def exchange(db: Database, folder: Path) -> int:
    with db.transaction() as conn:
        partners.add_partner(conn, "EP")
    received = deliveries.receive(db, "EP", folder, origin="import", delivery_key="bench")
    assert received.state == "loaded", received.report["problems"]
    return sum(f["records"] or 0 for f in received.report["files"])


SECRET = b"bench-exchange-secret-key-0123456789abcdef"


def pulled(endpoint: str, host_key: str) -> Callable[[Database, Path], int]:
    """Arrival to searchable: the partner's agreement pulls from `endpoint`; one fetch."""
    def run(db: Database, _folder: Path) -> int:
        with db.transaction() as conn:
            partners.add_partner(conn, "EP")
            partners.add_agreement(conn, "EP", {
                "direction": "receive", "right": "patent", "product": "publication data",
                "content": "text", "format": "XML", "frequency": "weekly",
                "transport": endpoint.split(":")[0], "url": endpoint, "username": USER,
                "password": PASSWORD, "host_key": host_key}, SECRET)
        with tempfile.TemporaryDirectory() as work:
            done = schedule.fetch(db, schedule.Places.under(Path(work)), "EP",
                                  secret=SECRET)
        assert not done.failures and [r.state for r in done.received] == ["loaded"], \
            (done.failures, [r.report["problems"] for r in done.received])
        return sum(f["records"] or 0 for f in done.received[0].report["files"])
    return run


def transfer(run: Callable[[Path], None], repeat: int) -> float:
    walls = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            wall = time.perf_counter()
            run(Path(tmp))
            walls.append(time.perf_counter() - wall)
    return statistics.median(walls)


def over(protocols: list[str], folder: Path, url: str | None, name: str, repeat: int,
         size: int, ingest_wall: float, ingest_cpu: float) -> None:
    """The pulled runs of `protocols`, each next to the bare transfer of the same files
    from the same server and the bare ingest measured before."""
    names = sorted(p.name for p in folder.iterdir() if p.name != "manifest.json")
    with tempfile.TemporaryDirectory() as tmp:
        home, keys = Path(tmp) / "home", Path(tmp) / "keys"
        (home / "out").mkdir(parents=True)
        # the partner's server holds the delivery as out/delivery/ (bench/exchange.py's)
        shutil.copytree(folder, home / "out" / "delivery")
        for protocol in protocols:
            if protocol == "ftps":
                tls = make_certificate(keys)
                context = ftps_server(Path(tmp), [(USER, PASSWORD, home)], tls)
            else:
                host = make_ssh_key(keys, "host")
                context = sftp_server(Path(tmp), [(USER, PASSWORD, home)], host)
            with context as server:
                if protocol == "ftps":
                    bare_run = bare_ftplib(server.port, tls.pem, names)
                    endpoint, key = f"ftps://127.0.0.1:{server.port}/out", tls.pem
                else:
                    bare_run = bare_asyncssh(server.port, host.public_line, names)
                    endpoint, key = f"sftp://127.0.0.1:{server.port}/out", host.public_line
                wall_t = transfer(bare_run, repeat)
                wall_p, cpu_p, docs = measure(pulled(endpoint, key), url, folder, repeat)
            print(f"{name:10} {protocol} bare transfer {size / wall_t / 1e6:6.2f} MB/s  "
                  f"({wall_t:.2f} s)")
            print(f"{name:10} {protocol} pulled {docs:5} docs  {docs / wall_p:8.1f} docs/s  "
                  f"{size / wall_p / 1e6:6.2f} MB/s  ({wall_p:.2f} s)")
            print(f"{name:10} {protocol} (bare transfer + bare ingest) / pulled: "
                  f"{(wall_t + ingest_wall) / wall_p:.2f}; bare ingest / pulled: wall "
                  f"{ingest_wall / wall_p:.2f}, CPU {ingest_cpu / cpu_p:.2f} (this "
                  "process: the client's side of the transfer, the receive)")


def measure(run: Callable[[Database, Path], int], url: str | None, folder: Path,
            repeat: int) -> tuple[float, float, int]:
    walls, cpus, documents = [], [], 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            db = fresh(url, Path(tmp))
            try:
                cpu, wall = time.process_time(), time.perf_counter()
                documents = run(db, folder)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            finally:
                db.close()
    return statistics.median(walls), statistics.median(cpus), documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    parser.add_argument("--over", default="ftps,sftp",
                        help="protocols to pull the delivery over (empty: none)")
    args = parser.parse_args()
    protocols = [p for p in args.over.split(",") if p]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "delivery"
        files, size = build(folder, args.copies)
        print(f"input: {files} files, {size / 1e6:.1f} MB ({len(sources())} real sample "
              f"files x {args.copies} distinct copies), load {os.getloadavg()[0]:.2f}")
        backends = [("sqlite", None)] + ([("postgresql", args.postgres_url)]
                                         if args.postgres_url else [])
        for name, url in backends:
            wall_b, cpu_b, docs_b = measure(bare, url, folder, args.repeat)
            wall_e, cpu_e, docs_e = measure(exchange, url, folder, args.repeat)
            assert docs_b == files, (docs_b, files)       # every file loaded
            for label, wall, docs in (("bare ingest", wall_b, docs_e),
                                      ("exchange", wall_e, docs_e)):
                print(f"{name:10} {label:12} {docs:5} docs  {docs / wall:8.1f} docs/s  "
                      f"{size / wall / 1e6:6.2f} MB/s  ({wall:.2f} s)")
            print(f"{name:10} exchange / bare ingest: wall {wall_b / wall_e:.2f}, "
                  f"CPU {cpu_b / cpu_e:.2f}")
            over(protocols, folder, url, name, args.repeat, size, wall_b, cpu_b)
        if not args.postgres_url:
            print("postgresql: skipped (no --postgres-url or TOKKYO_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
