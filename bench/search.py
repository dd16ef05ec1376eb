"""Search: index build time and query latency (p50/p95) at growing corpus sizes, on SQLite
and PostgreSQL, plus a 3000-row CSV.

    python bench/search.py [--sizes 10000,100000] [--repeat 20]
                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Documents beyond the three real gazette files are GENERATED: the generator takes its
structure (title, abstract, claims, paragraphs, parties, FI / F-term / IPC codes) and its
vocabulary (sentences, katakana and kanji runs, names, codes) from the real files in
samples/jp-gazette, and recombines them at random (seeded). The output says so.

Build: documents are written with the store's own write path (`publications.write`) and
indexed with tokkyo's indexer in batches of 1000, one transaction each, as ingest does
minus file parsing and per-file bookkeeping. Queries: tokkyo's whole search (parse, atoms
to SQL, set operations, count, first page of 50 with relevance, summaries of the page)
next to the reference: one bare index lookup for the query's first term in the same run
(FTS5 MATCH or tsvector @@, count only). Printed: p50/p95 in ms and the ratio of medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokkyo.config import load_settings  # noqa: E402
from tokkyo.documents import csv_export, results  # noqa: E402
from tokkyo.documents.summaries import summaries  # noqa: E402
from tokkyo.ingest.items import SourceItem  # noqa: E402
from tokkyo.ingest.readers import parse  # noqa: E402
from tokkyo.model.documents import Claim, Paragraph, Publication  # noqa: E402
from tokkyo.model.parties import Party  # noqa: E402
from tokkyo.search.index import backend_for  # noqa: E402
from tokkyo.search.indexer import BigramIndexer  # noqa: E402
from tokkyo.search.normalize import normalise_text  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import normalise_url  # noqa: E402
from tokkyo.store.repositories import publications, sources  # noqa: E402

QUERIES = [
    ("1 character", "車"),
    ("2 characters", "電池"),
    ("multi-term AND", "ウェーハ*加工*分割"),
    ("OR and NOT", "[電池+セパレータ]-リサイクル"),
    ("classification + keyword", "H01L21/?/FI*ウェーハ/CL"),
    ("F-term + applicant", "5F063?/FT*ディスコ/AP"),
    ("proximity", "ウェーハ,5C,分割/TX"),
    ("date range + keyword", "20210101:20211231/PD*電池/TI"),
]
_SENTENCES = re.compile(r"[^。\n]{8,120}。")
_RUNS = re.compile(r"[ァ-ヶー]{3,}|[一-龥]{2,4}")


class Vocabulary:
    """What the generator recombines, all taken from the real gazette files."""

    def __init__(self, real: list[Publication]) -> None:
        texts = [p.abstract for p in real] + [c.text for p in real for c in p.claims] + [
            x.text for p in real for x in p.paragraphs]
        self.sentences = sorted({s for t in texts for s in _SENTENCES.findall(t)})
        self.runs = sorted({r for t in texts for r in _RUNS.findall(t)})
        self.titles = [p.title for p in real]
        self.classifications = [c for p in real for c in p.classifications]
        self.parties = [x for p in real for x in p.parties]
        self.template = real[0]


def generate(vocab: Vocabulary, serial: int, rng: random.Random) -> Publication:
    def sentences(n: int) -> str:
        return "".join(rng.choice(vocab.sentences) for _ in range(n))

    title = rng.choice(vocab.runs) + rng.choice(("の", "用", "及び")) + rng.choice(vocab.runs) \
        + rng.choice(("", "の製造方法", "装置", "方法"))
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    codes = rng.sample(vocab.classifications, min(12, len(vocab.classifications)))
    people = rng.sample(vocab.parties, min(6, len(vocab.parties)))
    return replace(
        vocab.template, number=f"{day.year}{rng.randrange(1, 500000):06d}",
        application_number=f"{day.year - 1}{rng.randrange(1, 999999):06d}", date=day,
        filing_date=day - dt.timedelta(days=540), title=title, abstract=sentences(3),
        claims=tuple(Claim(i + 1, sentences(2)) for i in range(3)),
        paragraphs=tuple(Paragraph(f"{i + 1:04d}", "description", sentences(1))
                         for i in range(6)),
        parties=tuple(Party(p.role, p.name, p.code) for p in people),
        classifications=tuple(codes), drawings=(), amendments=(), patent_citations=(),
        non_patent_citations=(), priorities=(), registration_number="")


def real_publications() -> list[Publication]:
    return [parse(SourceItem(p.name, p.read_bytes())).payload
            for p in sorted((REPO / "samples/jp-gazette").glob("*.xml"))]


def build(db: Database, size: int, existing: set[str], seed: int = 7) -> float:
    """Write and index `size` more documents (numbers not in `existing`); seconds taken."""
    vocab = Vocabulary(real_publications())
    rng = random.Random(seed)
    indexer = BigramIndexer.for_engine(db.engine)
    started = time.perf_counter()
    seen = existing
    batch: list[Publication] = []

    written = [0]

    def flush() -> None:
        with db.engine.begin() as conn:
            source_id = bench_source(conn)
            for pub in batch:
                pub_id = publications.write(conn, pub, source_id, None)
                indexer.add(conn, pub_id, indexer.prepare(pub))
        written[0] += len(batch)
        batch.clear()

    serial = 0
    while len(batch) + written[0] < size:
        pub = generate(vocab, serial, rng)
        serial += 1
        if pub.number in seen or pub.application_number in seen:
            continue
        seen.update((pub.number, pub.application_number))
        batch.append(pub)
        if len(batch) == 1000:
            flush()
    if batch:
        flush()
    return time.perf_counter() - started


def bench_source(conn: sa.Connection) -> int:
    found = sources.current(conn, "bench:generated")
    if found is not None:
        return found.id
    sources.record_blob(conn, "0" * 64, 0)
    return sources.add_version(conn, key="bench:generated", format="jp-gazette",
                               name="generated", blob_sha256="0" * 64, fingerprint="0" * 64,
                               batch_id=None, problems="", previous=None).id


def bare_lookup(conn: sa.Connection, term: str) -> int:
    """The reference: one index lookup for a normalised term, counted (no tokkyo layers)."""
    with conn.begin():
        units = backend_for(conn).units(normalise_text(term))
        return conn.execute(sa.select(sa.func.count()).select_from(units)).scalar_one()


def first_term(expression: str) -> str:
    return re.split(r"[*+\-\[\](),/]", expression.strip("["))[0] or "電池"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def run_queries(db: Database, repeat: int) -> None:
    with db.engine.connect() as conn:
        for label, expression in QUERIES:
            def tokkyo(expression: str = expression) -> None:
                with conn.begin():
                    results.run(conn, expression, limit=50)

            term = first_term(expression)
            ours = timed(tokkyo, repeat)
            bare = timed(lambda t=term: bare_lookup(conn, t), repeat)
            with conn.begin():
                total = results.run(conn, expression, limit=1).total
            ratio = statistics.median(ours) / max(statistics.median(bare), 0.001)
            print(f"    {label:<26} {expression:<34} hits {total:>7}  "
                  f"p50 {statistics.median(ours):8.1f} ms  p95 {p95(ours):8.1f} ms  "
                  f"bare lookup p50 {statistics.median(bare):7.2f} ms  ×{ratio:6.1f}")
        with conn.begin():
            total, ids = results.all_ids(conn, "電池+ウェーハ", law="all",
                                         folds=results.Folds(), sort="date", limit=3000)
        started = time.perf_counter()
        with conn.begin():
            rows = summaries(conn, ids)
        cols = csv_export.columns(False, "http://x", lambda r: r.document_number,
                                  lambda r: r.application_number)
        body, _ = csv_export.encode(rows, cols, lambda k: k)
        took = time.perf_counter() - started
        print(f"    CSV of {len(rows)} rows without abstracts ({len(body) / 1e6:.1f} MB): "
              f"{took * 1000:.0f} ms (target < 1000 ms)")


def run_backend(label: str, url: str, sizes: list[int], repeat: int) -> None:
    print(f"{label}:")
    built = 0
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=url, data_dir=tmp)
        db = Database.open(settings)
        db.upgrade()
        existing: set[str] = set()
        for size in sizes:
            seconds = build(db, size - built, existing, seed=size)
            print(f"  {size:,} generated documents: {size - built:,} built and indexed in "
                  f"{seconds:.1f} s ({(size - built) / seconds:.0f} docs/s)")
            built = size
            run_queries(db, repeat)
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print("corpus: GENERATED documents; structure and vocabulary taken from the 3 real "
          "gazette files in samples/jp-gazette (title, abstract, 3 claims, 6 paragraphs, "
          f"parties, FI/F-term/IPC codes each); sizes {sizes}; machine: {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", sizes, args.repeat)
    if args.postgres_url:
        name = f"bench_search_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(normalise_url(args.postgres_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            url = sa.engine.make_url(normalise_url(args.postgres_url)).set(database=name)
            run_backend("postgresql", url.render_as_string(False), sizes, args.repeat)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()
    else:
        print("PostgreSQL: skipped (give --postgres-url or set TOKKYO_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
