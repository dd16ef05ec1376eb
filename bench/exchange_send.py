"""Sending JP data to a partner (exchange.md §12): `tokkyo exchange send` of `--docs` JP
gazette documents (the real files of samples/jp-gazette, copied and renumbered as
bench/ingest.py does, loaded once by the real ingest) into the partner's outbox, next to a
bare packing of the same stored source files in the same run: one query for the blobs, the
same ZIP (same entry times and compression), SHA-256 of the result, a SHA256SUMS. Also
`send --again` (the delivery rebuilt from what it recorded, the same bytes).

Each tokkyo run sends to a new partner (a new agreement row sends everything), so every
run selects, builds, records and places the whole delivery. Prints documents/s and MB/s
(of the source XML) of each, the median of `--repeat`, and the ratios tokkyo / bare.

    .venv/bin/python bench/exchange_send.py                       # 600 documents, SQLite
    .venv/bin/python bench/exchange_send.py --docs 2000 --postgres-url postgresql://…/x
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from ingest import Databases, corpus  # noqa: E402
from tokkyo.exchange import outbound, partners  # noqa: E402
from tokkyo.exchange.schedule import Places  # noqa: E402
from tokkyo.ingest.items import SourceItem  # noqa: E402
from tokkyo.ingest.service import Ingestor  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402

CODES = ("SG", "TH", "MY", "VN", "ID", "PH", "SA", "AU", "CA", "UA", "RU")
TODAY = dt.date(2026, 12, 7)


def bare_pack(engine: sa.Engine, blobs: LocalBlobStore, out: Path) -> None:
    """The essential work: the stored source files into one ZIP, its SHA-256, SHA256SUMS."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT p.number, p.date, s.blob_sha256 FROM publications p JOIN sources s "
            "ON s.id = p.source_id WHERE p.country = 'JP' ORDER BY p.number")).all()
    out.mkdir(parents=True)
    path = out / "bare.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number, _date, blob in rows:
            info = zipfile.ZipInfo(f"20210318/{number}.xml", date_time=(2021, 3, 18, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, blobs.path(blob).read_bytes(), compresslevel=6)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / "SHA256SUMS").write_text(f"{digest}  bare.zip\n")


def timed(run: Callable[..., object], *args: object, **kwargs: object
          ) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of `run(*args, **kwargs)`, and what it returned."""
    cpu = time.process_time()
    start = time.perf_counter()
    result = run(*args, **kwargs)
    return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    if args.repeat > len(CODES):
        parser.error(f"--repeat at most {len(CODES)}")
    docs = corpus(args.docs)
    megabytes = sum(len(d) for _, d in docs) / 1e6
    print(f"{args.docs} JP gazette documents (real text, renumbered), {megabytes:.1f} MB "
          f"of source XML; load {os.getloadavg()[0]:.2f}")
    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    with tempfile.TemporaryDirectory(prefix="bench-send-") as tmp:
        work = Path(tmp)
        databases = Databases(work, args.postgres_url)
        try:
            for backend in backends:
                engine = databases.fresh(backend)
                migrate.upgrade(engine)
                blobs = LocalBlobStore(work / f"blobs-{backend}")
                Ingestor(engine, blobs, batch_size=100, workers=0).run(
                    SourceItem(n, d) for n, d in docs)
                db = Database(engine, blobs)
                places = Places(work / f"exchange-{backend}")
                runs: dict[str, list[tuple[float, float]]] = {"bare": [], "send": [],
                                                              "again": []}
                for i in range(args.repeat):
                    wall, cpu, _ = timed(bare_pack, engine, blobs,
                                         work / f"bare-{backend}-{i}")
                    runs["bare"].append((wall, cpu))
                    code = CODES[i]
                    with engine.begin() as conn:
                        partners.add_partner(conn, code)
                        partners.add_agreement(conn, code, {
                            "direction": "send", "right": "patent", "content": "text",
                            "product": "publication data", "format": "XML",
                            "kinds": "A", "frequency": "weekly", "transport": "inbox"})
                    wall, cpu, run = timed(outbound.send, db, places, code, secret=None,
                                           today=TODAY)
                    runs["send"].append((wall, cpu))
                    assert isinstance(run, outbound.SendRun)
                    [sent] = run.sent
                    assert sent.documents == args.docs, sent
                    wall, cpu, _ = timed(outbound.send_again, db, places, code,
                                         sent.delivery, secret=None)
                    runs["again"].append((wall, cpu))
                print(f"\n{backend}: median of {args.repeat}")
                bare = statistics.median(w for w, _ in runs["bare"])
                bare_cpu = statistics.median(c for _, c in runs["bare"])
                for name, label in (("bare", "bare pack (query, ZIP, SHA-256)"),
                                    ("send", "tokkyo exchange send (outbox)"),
                                    ("again", "tokkyo exchange send --again")):
                    wall = statistics.median(w for w, _ in runs[name])
                    cpu = statistics.median(c for _, c in runs[name])
                    print(f"  {label:36s} {args.docs / wall:8.0f} docs/s "
                          f"{megabytes / wall:7.1f} MB/s  wall ratio {bare / wall:4.2f}  "
                          f"cpu ratio {bare_cpu / cpu:4.2f}")
                engine.dispose()
        finally:
            databases.drop_all()
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
