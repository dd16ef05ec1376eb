"""Search on the sphinx backend: build time, index size and query latency (p50/p95) on
clusters of 1 and 3 shards on loopback, hit counts checked equal to tantivy's.

    python bench/search_sphinx.py [--sizes 20000,100000] [--shards 1,3] [--repeat 20]
                                  [--sqlite-path FILE] [--keep DIR]
                                  [--fill-only [--rounds 2]]

The corpus is bench/search.py's GENERATED one (seeded; see its docstring), built into a
SQLite store (`--sqlite-path` keeps and reuses it). For each size and shard count a fresh
cluster of Debian's searchd (tests/sphinx_cluster.py: each node its shard and a mirror of
its neighbour's, the distributed index on each) is filled from the store, as a reindex
does: the case documents read from the store (`documents.all_documents`), then written
(`SphinxBackend.write`, 2000 a call); the index size is the nodes' folders after FLUSH
RTINDEX (with 3 nodes every shard is held twice: the mirrors). Queries: bench/search.py's,
tokkyo's whole search on the cluster (parse, compile, one SphinxQL search with its count
and first page of 50 by relevance, verification where an atom needs it) next to two
references in the same run: tantivy, the default engine, filled from the same store
(hits must be equal; until migration 0020 this was the SQL engine), and a bare SphinxQL
search of the query's first term as a phrase (count only): its pairs' phrase, or its
character's word, in every field.

`--keep DIR` keeps the tantivy index and the filled cluster of each size and shard count
in DIR (with the SQLite store of `--sqlite-path`), and a later run with the same DIR
restarts the cluster on them and only queries: a change to the query path is measured
on a 1 M cluster without filling it again (the fill of a kept cluster is printed from
its record).

`--fill-only` measures the fill alone (`fill_ratios`): tokkyo's write path against a
bare multi-row REPLACE of the same prepared rows over PyMySQL and against the writer
before 2026-12-07, interleaved, each run into a fresh cluster.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from bench.search import QUERIES, build, p95, timed  # noqa: E402

from tests.sphinx_cluster import find_searchd, start_cluster  # noqa: E402
from tokkyo.config import load_settings  # noqa: E402
from tokkyo.search import documents, outbox  # noqa: E402
from tokkyo.search.backends.base import SearchBackend  # noqa: E402
from tokkyo.search.backends.sphinx import SphinxBackend, writer  # noqa: E402
from tokkyo.search.backends.sphinx.cluster import shard_of  # noqa: E402
from tokkyo.search.backends.sphinx.tokens import phrase, term_phrase  # noqa: E402
from tokkyo.search.backends.tantivy import TantivyBackend  # noqa: E402
from tokkyo.search.normalize import normalise_text  # noqa: E402
from tokkyo.search.query import parse  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.tables import applications, publications  # noqa: E402


def fill(db: Database, backend: SphinxBackend) -> tuple[float, float, int]:
    """Every case of the store written to the cluster: (seconds reading documents,
    seconds writing them, documents)."""
    reading = writing = 0.0
    count = 0
    with db.engine.connect() as conn:
        chunks = documents.all_documents(conn, chunk=2000)
        while True:
            started = time.perf_counter()
            chunk = next(chunks, None)
            reading += time.perf_counter() - started
            if chunk is None:
                return reading, writing, count
            started = time.perf_counter()
            backend.write(chunk, [])
            writing += time.perf_counter() - started
            count += len(chunk)


def _statement(index: str, batch: list[tuple]) -> str:
    one = "(" + ", ".join(["%s"] * len(writer.COLUMNS)) + ")"
    return (f"REPLACE INTO {index} ({', '.join(writer.COLUMNS)}) VALUES "
            + ", ".join([one] * len(batch)))


def bare_replace(backend: SphinxBackend, rows: list[tuple]) -> None:
    """The reference: the same prepared rows (writer.row) sent by hand over PyMySQL, a
    multi-row REPLACE of writer.BATCH_ROWS rows per statement, one copy after the other
    on one connection each, no tokkyo layers (no threads, no row making)."""
    by_shard: dict[int, list[tuple]] = {}
    for values in rows:
        by_shard.setdefault(shard_of(int(values[0]), len(backend.shards)), []).append(values)
    for n, shard_rows in sorted(by_shard.items()):
        shard = backend.shards[n]
        for node in shard.nodes:
            with backend.connections.cursor(node) as cur:
                for start in range(0, len(shard_rows), writer.BATCH_ROWS):
                    batch = shard_rows[start:start + writer.BATCH_ROWS]
                    cur.execute(_statement(shard.name, batch), [v for r in batch for v in r])


def before_write(backend: SphinxBackend, docs: list) -> None:
    """The writer before 2026-12-07 (commit 832f920), for the ratio: rows made first,
    then each copy in turn in one transaction of 2 MB statements."""
    rows: dict[int, list[tuple]] = {}
    for doc in docs:
        rows.setdefault(shard_of(doc.id, len(backend.shards)), []).append(writer.row(doc))
    for n, shard_rows in sorted(rows.items()):
        shard = backend.shards[n]
        for node in shard.nodes:
            with backend.connections.cursor(node) as cur:
                cur.execute("BEGIN")
                batch: list[tuple] = []
                size = 0
                for values in [*shard_rows, None]:
                    length = 0 if values is None else sum(
                        len(v) for v in values if isinstance(v, str))
                    if batch and (values is None or size + length > 2_000_000):
                        cur.execute(_statement(shard.name, batch),
                                    [v for r in batch for v in r])
                        batch, size = [], 0
                    if values is not None:
                        batch.append(values)
                        size += length
                cur.execute("COMMIT")


def fill_ratios(db: Database, searchd: str, shard_counts: list[int], rounds: int) -> None:
    """Docs/s of tokkyo's fill (SphinxBackend.write, 2000 documents a call as a reindex
    does, rows made from the documents included), of a bare multi-row REPLACE of the same
    prepared rows, and of the writer before this change, interleaved round by round,
    each into a fresh cluster; the documents are read from the store once beforehand."""
    with db.engine.connect() as conn:
        docs = [d for chunk in documents.all_documents(conn, chunk=2000) for d in chunk]
    started = time.perf_counter()
    rows = [writer.row(d) for d in docs]
    making = time.perf_counter() - started
    print(f"  fill: {len(docs):,} documents; rows made in {making:.1f} s "
          f"({len(docs) / making:.0f} docs/s, one thread); load {os.getloadavg()[0]:.2f}")

    def tokkyo(backend: SphinxBackend) -> None:
        for start in range(0, len(docs), 2000):
            backend.write(docs[start:start + 2000], [])

    runs = {"tokkyo fill": tokkyo, "bare REPLACE": lambda b: bare_replace(b, rows),
            "before (832f920)": lambda b: before_write(b, docs)}
    for shards in shard_counts:
        rates: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(rounds):
            for label, run in runs.items():
                root = Path(tempfile.mkdtemp(prefix="tokkyo-sphinx-fill-"))
                cluster = start_cluster(root, searchd, nodes=shards)
                backend = cluster.backend()
                try:
                    began = time.perf_counter()
                    run(backend)
                    seconds = time.perf_counter() - began
                    assert backend.count() == len(docs)
                    rates[label].append(len(docs) / seconds)
                finally:
                    backend.close()
                    cluster.stop()
                    shutil.rmtree(root, ignore_errors=True)
        bare = statistics.median(rates["bare REPLACE"])
        ours = statistics.median(rates["tokkyo fill"])
        print(f"  {shards} shard(s), median of {rounds} interleaved rounds, load "
              f"{os.getloadavg()[0]:.2f}:")
        for label, values in rates.items():
            rate = statistics.median(values)
            print(f"    {label:<18} {rate:7.0f} docs/s  (rounds: "
                  f"{', '.join(f'{v:.0f}' for v in values)})  tokkyo / this "
                  f"{ours / rate:5.2f}")
        print(f"    tokkyo fill / bare REPLACE {ours / bare:.2f}")


def first_term(expression: str) -> str:
    return re.split(r"[*+\-\[\](),/]", expression.strip("["))[0] or "電池"


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def flushed_size(cluster, backend: SphinxBackend) -> int:
    for shard in backend.shards:
        for node in shard.nodes:
            with backend.connections.cursor(node) as cur:
                cur.execute(f"FLUSH RTINDEX {shard.name}")
    return sum(folder_bytes(n.config.folder) for n in cluster.nodes)


def bare_count(backend: SphinxBackend, term: str) -> int:
    """The term's count by hand: its pairs' phrase (its character's word for one
    character) in every field, no tokkyo layers."""
    text = normalise_text(term)
    words = term_phrase(text) if len(text) > 1 else phrase(text)
    return backend._read(f"SELECT id FROM {backend.reader.name} WHERE MATCH(%s) LIMIT 0, 1",
                         (words,))[1]


def run_queries(db: Database, backend: SphinxBackend, tantivy: SearchBackend,
                repeat: int) -> None:
    with db.engine.connect() as conn:
        for label, expression in QUERIES:
            tree = parse(expression).tree

            def ours(tree=tree) -> None:
                with conn.begin():
                    backend.search(conn, tree, limit=50)

            def reference_search(tree=tree) -> None:
                with conn.begin():
                    tantivy.search(conn, tree, limit=50)

            with conn.begin():
                want = tantivy.search(conn, tree, limit=0).total
                got = backend.search(conn, tree, limit=0).total
            first = timed(ours, 1)[0]
            times = timed(ours, repeat)
            reference = timed(reference_search, repeat)
            term = first_term(expression)
            bare = timed(lambda t=term: bare_count(backend, t), repeat)
            same = "equal" if got == want else f"DIFFER (tantivy {want})"
            print(f"    {label:<26} {expression:<30} hits {got:>7} {same}  first {first:7.1f} ms"
                  f"  p50 {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms  "
                  f"bare phrase p50 {statistics.median(bare):6.2f} ms  "
                  f"tantivy p50 {statistics.median(reference):8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000")
    parser.add_argument("--shards", default="1,3")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fill-only", action="store_true", help="measure the fill "
                        "only: tokkyo's, a bare multi-row REPLACE of the same rows and the "
                        "writer before 2026-12-07, interleaved (no queries)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved fill rounds")
    parser.add_argument("--sqlite-path", help="keep the SQLite store in this file and reuse "
                        "it (documents already in it are not built again)")
    parser.add_argument("--keep", help="keep the tantivy index and filled clusters in this "
                        "folder, and reuse them (query only) when a later run finds them")
    args = parser.parse_args()
    searchd, reason = find_searchd()
    if searchd is None:
        sys.exit(reason)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    shard_counts = [int(s) for s in args.shards.split(",")]
    print(f"corpus: GENERATED documents (bench/search.py), sizes {sizes}; shards "
          f"{shard_counts} on loopback; machine: {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.sqlite_path).resolve() if args.sqlite_path else Path(tmp) / "b.sqlite3"
        db = Database.open(load_settings(database_url=f"sqlite:///{path}", data_dir=tmp))
        db.upgrade()
        with db.engine.connect() as conn:
            existing = set(conn.execute(sa.select(publications.c.number)).scalars()) | set(
                conn.execute(sa.select(applications.c.application_number)).scalars())
            built = conn.execute(sa.select(sa.func.count()).select_from(applications)
                                 ).scalar_one()
        for size in sizes:
            if size > built:
                seconds = build(db, size - built, existing, seed=size)
                print(f"  store: {size - built:,} generated documents built in {seconds:.1f} s")
                built = size
            if args.fill_only:
                fill_ratios(db, searchd, shard_counts, args.rounds)
                continue
            keep = Path(args.keep).resolve() if args.keep else None
            tantivy_dir = (keep or Path(tmp)) / f"tantivy-{size}"
            tantivy_done = tantivy_dir.with_suffix(".done")
            kept_index = keep is not None and tantivy_done.exists()
            if not kept_index:
                shutil.rmtree(tantivy_dir, ignore_errors=True)
                tantivy = TantivyBackend(tantivy_dir)
                started = time.perf_counter()
                outbox.reindex(db.engine, tantivy)
                seconds = time.perf_counter() - started
                if keep is not None:
                    tantivy_done.write_text(f"{seconds:.1f}\n")
            else:
                tantivy = TantivyBackend(tantivy_dir)
                seconds = float(tantivy_done.read_text())
            print(f"  tantivy (the reference): {built:,} cases written in {seconds:.1f} s"
                  + (" (kept index)" if kept_index else ""))
            for shards in shard_counts:
                root = ((keep / f"sphinx-{size}-{shards}") if keep
                        else Path(tempfile.mkdtemp(prefix="tokkyo-sphinx-bench-")))
                done = root.with_suffix(".done")
                reuse = done.exists()
                if not reuse:
                    shutil.rmtree(root, ignore_errors=True)
                cluster = start_cluster(root, searchd, nodes=shards, reuse=reuse)
                backend = cluster.backend()
                try:
                    if reuse:
                        print(done.read_text().rstrip() + " (kept cluster, filled earlier)")
                    else:
                        reading, writing, count = fill(db, backend)
                        size_bytes = flushed_size(cluster, backend)
                        line = (f"  {count:,} cases, {shards} shard(s): documents read from "
                                f"the store {reading:.1f} s, written to sphinx {writing:.1f} s "
                                f"({count / writing:.0f} docs/s; with the reading "
                                f"{count / (reading + writing):.0f} docs/s); index on disk "
                                f"{size_bytes / 1e6:.0f} MB")
                        print(line)
                        if keep is not None:
                            done.write_text(line + "\n")
                    run_queries(db, backend, tantivy, args.repeat)
                finally:
                    backend.close()
                    cluster.stop(keep=keep is not None)
        db.close()


if __name__ == "__main__":
    main()
