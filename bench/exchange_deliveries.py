"""Receiving a partner's delivery (`tokkyo.exchange.deliveries.receive`) next to the bare
ingest of the same bytes, in one run: what the delivery pipeline's checks and records cost.

    python bench/exchange_deliveries.py [--copies 1] [--repeat 3] [--postgres-url URL]

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
Printed: documents/s and MB/s of each, and exchange / bare ingest (wall clock and CPU).
The search engine is the store's own SQL index in both (written in the load's
transaction), so "loaded" is "searchable".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokkyo.exchange import deliveries, partners  # noqa: E402
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
    args = parser.parse_args()
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
        if not args.postgres_url:
            print("postgresql: skipped (no --postgres-url or TOKKYO_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
