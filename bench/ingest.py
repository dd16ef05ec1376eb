"""Ingest throughput of tokkyo next to two references over the same bytes.

    python bench/ingest.py [--docs 600] [--repeat 3] [--batch-size 100] [--workers N]
                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Input: the three real JPO gazette files of samples/jp-gazette, copied and renumbered
(publication and application numbers only) until there are --docs documents. The
figures therefore come from real documents, repeated; nothing in their text is made up.

Each run prints documents/s and MB/s for
  bare parse      lxml parses each file, nothing else (the physical limit of this machine)
  bare pipeline   parse, pull out the text units with a few XPath lines, insert them into
                  one plain table and add them to a bare tantivy index (bench/bare_index.py:
                  the bigram and character terms of the same fields tokkyo's tantivy index
                  holds), committing both every --batch-size documents
  tokkyo ingest   the real Ingestor: detection, full reader, versions and blobs, every
                  table, the outbox, quarantine bookkeeping, then the index worker's
                  drain of the outbox into tokkyo's tantivy index (what `tokkyo ingest`
                  does before it returns); once in one process (the like-for-like
                  comparison) and once with --workers reader processes
and the ratios tokkyo/bare-pipeline (target >= 0.7) and tokkyo/bare-parse.
Medians of --repeat runs, each on a fresh database.

Beside each wall-clock time, the CPU time the run used (this process and its reader
processes; on SQLite the database's work too, which runs in the process): on a machine
whose CPUs other jobs share, the wall clock of a run depends on them, its CPU time much
less, so the CPU ratio tells a slower tokkyo from a busier machine. It leaves out what
waits on the disk (fsync) and, on PostgreSQL, the server's work.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bare_index import BareIndex  # noqa: E402  (bench/bare_index.py)
from tokkyo.ingest.items import SourceItem  # noqa: E402
from tokkyo.ingest.service import Ingestor, default_workers  # noqa: E402
from tokkyo.search import outbox  # noqa: E402
from tokkyo.search.backends.tantivy import TantivyBackend  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.engine import make_engine, normalise_url  # noqa: E402

SOURCES = sorted((REPO / "samples" / "jp-gazette").glob("*.xml"))


def corpus(count: int) -> list[tuple[str, bytes]]:
    """`count` documents: the real files in turn, each copy renumbered."""
    originals = []
    for path in SOURCES:
        data = path.read_bytes()
        root = etree.fromstring(data)
        pub = root.findtext("bibliographic-data/publication-reference/document-id/doc-number")
        app = root.findtext("bibliographic-data/application-reference/document-id/doc-number")
        originals.append((data, pub.encode(), app.encode()))
    docs = []
    for i in range(count):
        data, pub, app = originals[i % len(originals)]
        new_pub = f"{2030 + i // 900000}{100000 + i % 900000:06d}".encode()
        new_app = f"{2029 + i // 900000}{100000 + i % 900000:06d}".encode()
        docs.append((f"copy{i:06d}.xml", data.replace(b">" + pub + b"<", b">" + new_pub + b"<", 1)
                     .replace(b">" + app + b"<", b">" + new_app + b"<", 1)))
    return docs


def bare_parse(docs: list[tuple[str, bytes]]) -> None:
    for _name, data in docs:
        etree.fromstring(data)


def _units(data: bytes) -> list[tuple[str, int, str]]:
    root = etree.fromstring(data)
    units = [("TI", 0, root.findtext("bibliographic-data/invention-title") or ""),
             ("AB", 0, "".join(root.find("abstract").itertext()))]
    units += [("CL", i, "".join(c.itertext())) for i, c in enumerate(root.iterfind("claims/claim"))]
    units += [("DE", i, "".join(p.itertext()))
              for i, p in enumerate(root.find("description").iter("p"))]
    return units


def bare_pipeline(engine: sa.Engine, docs: list[tuple[str, bytes]], batch: int,
                  index_dir: Path) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE units (id INTEGER PRIMARY KEY, doc TEXT, field TEXT,"
                             " pos INTEGER, text TEXT)")
    index = BareIndex(index_dir)
    insert = sa.text("INSERT INTO units VALUES (:id, :doc, :field, :pos, :text)")
    next_id = 1
    for start in range(0, len(docs), batch):
        with engine.begin() as conn:
            for n, (name, data) in enumerate(docs[start:start + batch], start):
                units = _units(data)
                rows = [{"id": next_id + i, "doc": name, "field": f, "pos": p, "text": t}
                        for i, (f, p, t) in enumerate(units)]
                next_id += len(rows)
                conn.execute(insert, rows)
                index.add(n, units)
        index.commit()
    index.close()


def tokkyo_ingest(engine: sa.Engine, blobs: Path, docs: list[tuple[str, bytes]],
                  batch: int, workers: int, index_dir: Path) -> None:
    report = Ingestor(engine, LocalBlobStore(blobs), batch_size=batch, workers=workers).run(
        SourceItem(name, data) for name, data in docs)
    assert report.counts == {"loaded": len(docs)}, report.counts
    written = outbox.drain(engine, TantivyBackend(index_dir))
    assert written == len(docs), written


class Databases:
    """Fresh databases for each run: SQLite files, or PostgreSQL databases on a server."""

    def __init__(self, workdir: Path, postgres_url: str | None) -> None:
        self.workdir = workdir
        self.postgres_url = postgres_url
        self.created: list[str] = []

    def fresh(self, backend: str) -> sa.Engine:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            return make_engine(f"sqlite:///{self.workdir / (name + '.sqlite3')}")
        admin = sa.create_engine(normalise_url(self.postgres_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        self.created.append(name)
        url = sa.engine.make_url(normalise_url(self.postgres_url)).set(database=name)
        return make_engine(url.render_as_string(False))

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = sa.create_engine(normalise_url(self.postgres_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def cpu_seconds() -> float:
    """CPU time of this process and of its ended child processes (the readers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], None], cpu: list[float] | None = None) -> float:
    """Wall-clock seconds of `run`; its CPU seconds appended to `cpu`."""
    start, start_cpu = time.perf_counter(), cpu_seconds()
    run()
    if cpu is not None:
        cpu.append(cpu_seconds() - start_cpu)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=max(1, default_workers()),
                        help="reader processes for the parallel tokkyo run (default: "
                             "tokkyo's, at least one)")
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()

    docs = corpus(args.docs)
    megabytes = sum(len(d) for _n, d in docs) / 1e6
    print(f"input: {len(docs)} documents, {megabytes:.1f} MB — copies of the {len(SOURCES)} "
          "real gazette files in samples/jp-gazette (renumbered; real text)")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"lxml {etree.__version__}, SQLite {__import__('sqlite3').sqlite_version}")
    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    if not args.postgres_url:
        print("PostgreSQL: skipped (give --postgres-url or set TOKKYO_TEST_POSTGRES_URL)")

    parse_time = statistics.median(timed(lambda: bare_parse(docs)) for _ in range(args.repeat))
    with tempfile.TemporaryDirectory() as tmp:
        databases = Databases(Path(tmp), args.postgres_url)
        try:
            results: dict[str, dict[str, float]] = {}
            cpu_results: dict[str, dict[str, float]] = {}
            for backend in backends:
                runs: dict[str, list[float]] = {"pipeline": [], "ingest": [], "parallel": []}
                cpu: dict[str, list[float]] = {"pipeline": [], "ingest": [], "parallel": []}
                for run in range(args.repeat):
                    engine = databases.fresh(backend)
                    bare_dir = Path(tmp) / f"bare-{backend}-{run}"
                    runs["pipeline"].append(timed(lambda e=engine, d=bare_dir: bare_pipeline(
                        e, docs, args.batch_size, d), cpu["pipeline"]))
                    engine.dispose()
                    for label, workers in (("ingest", 0), ("parallel", args.workers)):
                        engine = databases.fresh(backend)
                        migrate.upgrade(engine)        # schema set-up is not ingest work
                        blobs = Path(tmp) / f"blobs-{backend}-{label}-{run}"
                        index_dir = Path(tmp) / f"search-{backend}-{label}-{run}"
                        runs[label].append(timed(lambda e=engine, b=blobs, w=workers,
                                                 d=index_dir: tokkyo_ingest(
                                                     e, b, docs, args.batch_size, w, d),
                                                 cpu[label]))
                        engine.dispose()
                results[backend] = {k: statistics.median(v) for k, v in runs.items()}
                cpu_results[backend] = {k: statistics.median(v) for k, v in cpu.items()}
        finally:
            databases.drop_all()

    def line(label: str, seconds: float, cpu: float | None = None) -> str:
        spent = "" if cpu is None else f", {cpu:.2f} s CPU"
        return (f"  {label:<26} {len(docs) / seconds:9.1f} docs/s {megabytes / seconds:8.2f} MB/s"
                f"   ({seconds:.2f} s{spent})")

    print(f"\nmedian of {args.repeat} runs, batch size {args.batch_size}")
    print(line("bare lxml parse", parse_time))
    for backend, times in results.items():
        cpu_of = cpu_results[backend]
        print(f"{backend}:")
        print(line("bare pipeline", times["pipeline"], cpu_of["pipeline"]))
        print(line("tokkyo ingest, 1 process", times["ingest"], cpu_of["ingest"]))
        print(line(f"tokkyo ingest, {args.workers} reader(s)", times["parallel"],
                   cpu_of["parallel"]))
        for label, key in (("1 process", "ingest"), (f"{args.workers} reader(s)", "parallel")):
            print(f"  ratio tokkyo ({label}) / bare pipeline  "
                  f"{times['pipeline'] / times[key]:.2f}   (target >= 0.70; "
                  f"CPU time {cpu_of['pipeline'] / cpu_of[key]:.2f})")
        print(f"  ratio tokkyo (1 process) / bare parse     {parse_time / times['ingest']:.3f}")


if __name__ == "__main__":
    main()
