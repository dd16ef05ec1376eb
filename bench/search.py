"""Search: index build time and query latency (p50/p95) at growing corpus sizes, on SQLite
and PostgreSQL, plus a 3000-row CSV.

    python bench/search.py [--sizes 10000,100000,1000000] [--repeat 20]
                           [--backends tantivy]
                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
                           [--sqlite-path FILE] [--postgres-db NAME] [--skip-sqlite]
                           [--warm]

Backends (`--backends`): `tantivy`, the default engine: the store's cases written to a
tantivy index (`search reindex`, timed as its build) and searched through tokkyo (parse,
compile, search: the page's case ids), next to the reference: bare tantivy running the
same query object, built before the clock starts (no tokkyo layers), fetching the same
page; the result list as the portal shows it (the page's summaries read from the store)
is timed beside them. The SQL n-gram index this bench also timed until migration 0020
is retired; in its place each query's hit count is printed beside the bare query's
count (equal, except where tokkyo verifies candidates against the store: proximity),
and hit counts are held to the recorded oracle by tests/search/test_recorded_oracle.py.
The Sphinx cluster has its own bench (bench/search_sphinx.py).

Every document is GENERATED (the three real files themselves are not loaded): the
generator takes everything it writes from the real gazette files in samples/jp-gazette
and recombines it at random (seeded), with a spread meant to look like a real corpus
rather than like three documents repeated (see `Vocabulary`): terms are drawn with a Zipf
spread over 100,000 terms (the real files' kanji and katakana runs, and terms made of
their characters), a document's topic (one of the three real documents or 400 synthetic
ones) decides a third of its terms, its codes (FI, IPC, themes, F-terms) and its
applicant, and the sentences are the real sentences with their terms replaced. The text
reads as nonsense; what is realistic is how many documents a term or a code hits (a
common term a few %, most much less), which is what search costs depend on. The output
says that the corpus is generated.

Build: documents are written straight into the tables in batches of 5000 (the columns and
rows the store's write path fills for them, and each case's summary); then ANALYZE runs
on PostgreSQL, as autovacuum would, and on SQLite the bounded ANALYZE an ingest run ends
with (`refresh_statistics`). `--sqlite-path` / `--postgres-db` keep the database and reuse
it, so a later run only rebuilds the index and measures queries. Each query's first call
is timed apart (`first`); `--warm` reads the database into the page cache before the
queries of each size. Last, a CSV export of the 3000 newest hits of 材 (the rows'
summaries read from the store, encoded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokkyo.app import freeze_heap  # noqa: E402
from tokkyo.config import load_settings  # noqa: E402
from tokkyo.documents import csv_export, results  # noqa: E402
from tokkyo.documents.summaries import summaries  # noqa: E402
from tokkyo.ingest.items import SourceItem  # noqa: E402
from tokkyo.ingest.readers import parse  # noqa: E402
from tokkyo.model.classifications import Classification, Scheme  # noqa: E402
from tokkyo.model.documents import Claim, Paragraph, Publication  # noqa: E402
from tokkyo.model.parties import Party, PartyRole  # noqa: E402
from tokkyo.store.bulk import insert_rows  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import normalise_url, refresh_statistics  # noqa: E402
from tokkyo.store.repositories import case_summaries, sources  # noqa: E402
from tokkyo.store.tables import (  # noqa: E402
    applications,
    claims,
    classifications,
    paragraphs,
    parties,
    publications,
)

QUERIES = [
    ("1 character", "車"),
    ("1 character, common", "材"),
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
_KANJI = re.compile(r"[一-龥]+")
_KATAKANA = re.compile(r"[ァ-ヶー]+")
GLOBAL_TERMS = 100_000    # vocabulary size: real terms + terms made of real characters
HEAD = 100                # Zipf ranks 1..HEAD are made terms; real terms rank below
TOPICS = 400              # synthetic topics, plus the three real documents as topics
REAL_TOPIC_RANKS = (8, 16, 32)   # Zipf ranks of the three real topics among all topics
TOPICAL_SHARE = 0.35      # share of a document's terms drawn from its topic
CROSS_CODES = 0.15        # chance that a document also gets a code of another topic


def _zipf(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights of ranks 1..n (for random.choices)."""
    return list(itertools.accumulate(1.0 / (r ** s) for r in range(1, n + 1)))


class Topic:
    def __init__(self, terms: list[str], codes: list[Classification], applicants: list[Party],
                 attorneys: list[Party]) -> None:
        self.terms, self.cum = terms, _zipf(len(terms))
        self.codes, self.applicants, self.attorneys = codes, applicants, attorneys


class Vocabulary:
    """What the generator draws from; every term, sentence frame, code form and name is
    taken or composed from the real gazette files.

    Terms: the katakana runs (3+) and kanji runs (2–4) of the real texts, plus made terms
    (2–4 kanji drawn by their frequency in the real texts, or 2–4 two-letter pieces of
    the real katakana runs), GLOBAL_TERMS in all, in a seeded random order drawn with a
    Zipf (1/rank) spread; the real terms rank below HEAD (they are not the most common
    words of the whole corpus). Topics: the three real documents (their own terms by frequency,
    their real codes and parties) and TOPICS synthetic ones (60 terms, an FI main group,
    IPC, 2 themes with F-terms, 4 applicants), chosen per document by a Zipf spread over
    topics; the real topics sit at ranks 8, 16, 32. Sentences: the real sentences as
    frames, every term in them replaced by a drawn term (the particles, punctuation and
    structure stay real).
    """

    def __init__(self, real: list[Publication], seed: int = 1) -> None:
        rng = random.Random(seed)
        texts_of_real = [[p.abstract] + [c.text for c in p.claims]
                         + [x.text for x in p.paragraphs] for p in real]
        counts = [Counter(r for t in ts for r in _RUNS.findall(t)) for ts in texts_of_real]
        real_terms = sorted(set().union(*counts))
        chars = Counter(ch for ts in texts_of_real for t in ts for r in _RUNS.findall(t)
                        for ch in r)
        kanji = [ch for ch in sorted(chars) if _KANJI.fullmatch(ch)]
        kanji_cum = list(itertools.accumulate(chars[ch] for ch in kanji))
        chunks = sorted({r[i:i + 2] for r in real_terms if _KATAKANA.fullmatch(r)
                         for i in range(0, len(r) - 1, 2)})
        made: set[str] = set()
        while len(made) < GLOBAL_TERMS - len(real_terms):
            if rng.random() < 0.7:
                made.add("".join(rng.choices(kanji, cum_weights=kanji_cum,
                                             k=rng.choice((2, 2, 3, 4)))))
            else:
                made.add("".join(rng.choices(chunks, k=rng.randrange(2, 5))))
        synthetic = sorted(made - set(real_terms))
        rng.shuffle(synthetic)
        self.terms = synthetic[:HEAD]
        tail = synthetic[HEAD:] + real_terms
        rng.shuffle(tail)
        self.terms += tail
        self.cum = _zipf(len(self.terms))
        self.frames = [_RUNS.split(s) for ts in texts_of_real for t in ts
                       for s in _SENTENCES.findall(t)]
        real_people = [x for p in real for x in p.parties]
        surnames = sorted({x.name.split()[0] for x in real_people if "  " in x.name})
        given = sorted({x.name.split()[-1] for x in real_people if "  " in x.name})
        kanji2 = sorted({r for r in real_terms if _KANJI.fullmatch(r) and len(r) == 2})
        self.surnames, self.given = surnames + kanji2, given + kanji2
        katakana = sorted({r for r in real_terms if _KATAKANA.fullmatch(r)})
        forms = ("株式会社{}", "{}株式会社", "{}工業株式会社", "{}電機株式会社")

        def company() -> str:
            stem = rng.choice(katakana) if rng.random() < 0.6 else rng.choice(kanji2)
            return rng.choice(forms).format(stem)

        def person(role: PartyRole) -> Party:
            return Party(role, f"{rng.choice(self.surnames)}  {rng.choice(self.given)}")

        self.topics: list[Topic] = []
        for _ in range(TOPICS):
            fi = f"{rng.choice('ABCDEFGH')}{rng.randrange(1, 99):02d}" \
                 f"{rng.choice('ABCDFGHJKLMNPQ')}{rng.randrange(1, 60)}"
            groups = [f"{fi}/{rng.choice(('00', str(rng.randrange(2, 99))))}" for _ in range(3)]
            themes = [f"{rng.randrange(2, 6)}{rng.choice('BCDEFGHJKLM')}{rng.randrange(1, 999):03d}"
                      for _ in range(2)]
            codes = [Classification(Scheme.IPC, g) for g in groups[:2]]
            codes += [Classification(Scheme.FI, g + rng.choice(("", "@A", "@B", "@Z", ",101")))
                      for g in groups]
            codes += [Classification(Scheme.THEME, t) for t in themes]
            codes += [Classification(Scheme.FTERM, f"{t}{rng.choice('ABCDEFGH')}"
                                     f"{rng.choice('ABCDE')}{rng.randrange(1, 40):02d}")
                      for t in themes for _ in range(5)]
            self.topics.append(Topic(
                [rng.choice(self.terms) for _ in range(60)], codes,
                [Party(PartyRole.APPLICANT, company(), f"{rng.randrange(10**8, 10**9)}")
                 for _ in range(4)],
                [person(PartyRole.ATTORNEY) for _ in range(2)]))
        for rank, pub, count in zip(REAL_TOPIC_RANKS, real, counts, strict=True):
            self.topics.insert(rank - 1, Topic(
                [t for t, _ in count.most_common()], list(pub.classifications),
                [x for x in pub.parties if x.role is PartyRole.APPLICANT],
                [x for x in pub.parties if x.role is PartyRole.ATTORNEY]))
        self.topic_cum = _zipf(len(self.topics))
        self.person = person
        self.company = company
        self.template = real[0]


def generate(vocab: Vocabulary, number: str, application_number: str, day: dt.date,
             rng: random.Random) -> Publication:
    topic = rng.choices(vocab.topics, cum_weights=vocab.topic_cum)[0]

    def terms(n: int) -> list[str]:
        own = sum(rng.random() < TOPICAL_SHARE for _ in range(n))
        drawn = rng.choices(topic.terms, cum_weights=topic.cum, k=own) + rng.choices(
            vocab.terms, cum_weights=vocab.cum, k=n - own)
        rng.shuffle(drawn)
        return drawn

    def sentences(n: int) -> str:
        out = []
        for frame in rng.choices(vocab.frames, k=n):
            filled = terms(len(frame) - 1)
            out.append(frame[0] + "".join(t + lit for t, lit in zip(filled, frame[1:],
                                                                      strict=True)))
        return "".join(out)

    a, b = terms(2)
    title = (a + rng.choice(("の", "用", "及び")) + b
             + rng.choice(("", "の製造方法", "装置", "方法")))
    codes = rng.sample(topic.codes, min(len(topic.codes), rng.randrange(6, 13)))
    if rng.random() < CROSS_CODES:
        codes.append(rng.choice(rng.choice(vocab.topics).codes))
    codes = list({(c.scheme, c.code): c for c in codes}.values())
    codes.sort(key=lambda c: ("ipc", "fi", "theme", "f-term").index(c.scheme.value)
               if c.scheme.value in ("ipc", "fi", "theme", "f-term") else 9)
    people = [rng.choice(topic.applicants) if rng.random() < 0.8 else
              Party(PartyRole.APPLICANT, vocab.company())]
    people += [vocab.person(PartyRole.INVENTOR) for _ in range(rng.randrange(1, 5))]
    people += rng.sample(topic.attorneys, min(len(topic.attorneys), rng.randrange(1, 3)))
    return replace(
        vocab.template, number=number, application_number=application_number, date=day,
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


BATCH = 5000


def build(db: Database, size: int, existing: set[str], seed: int = 7) -> float:
    """Generate `size` more documents (numbers not in `existing`) and write them straight
    into the tables in batches of BATCH; seconds taken. The search index is built apart
    (`run_tantivy`)."""
    vocab = Vocabulary(real_publications())
    rng = random.Random(seed)
    started = time.perf_counter()
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as conn:
        source_id = bench_source(conn)
        app_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(applications.c.id), 0))
                              ).scalar_one()
        pub_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(publications.c.id), 0))
                              ).scalar_one()
    done = 0
    while done < size:
        batch = []
        while len(batch) < min(BATCH, size - done):
            day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            number = f"{day.year}{rng.randrange(1, 1000000):06d}"
            application_number = f"{day.year - 1}{rng.randrange(1, 1000000):06d}"
            if number in existing or application_number in existing:
                continue
            existing.update((number, application_number))
            batch.append(generate(vocab, number, application_number, day, rng))
        rows = Rows()
        for pub in batch:
            app_id += 1
            pub_id += 1
            rows.add(app_id, pub_id, pub, source_id)
        with db.engine.begin() as conn:
            rows.write(conn)
        done += len(batch)
    if postgres:        # statistics, as autovacuum would
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    else:               # what ingest does at the end of a run (store/engine.py)
        refresh_statistics(db.engine)
    return time.perf_counter() - started


class Rows:
    """One batch of generated documents as table rows (the columns the store's write
    path fills for them)."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {t.name: [] for t in (
            applications, publications, claims, paragraphs, parties, classifications)}

    def add(self, app_id: int, pub_id: int, pub: Publication, source_id: int) -> None:
        now = dt.datetime.now(dt.UTC)
        self.tables["applications"].append({"id": app_id, "law": pub.law.value,
                                            "application_number": pub.application_number,
                                            "updated_at": now})
        self.tables["publications"].append({
            "id": pub_id, "application_id": app_id, "source_id": source_id,
            "country": pub.country, "kind": pub.kind, "st16_kind": pub.st16_kind,
            "law": pub.law.value, "number": pub.number, "date": pub.date,
            "filing_date": pub.filing_date, "title": pub.title, "abstract": pub.abstract,
            "language": pub.language, "number_of_claims": len(pub.claims)})
        self.tables["claims"] += [{"publication_id": pub_id, "position": i, "number": c.number,
                                   "text": c.text} for i, c in enumerate(pub.claims)]
        self.tables["paragraphs"] += [{"publication_id": pub_id, "position": i,
                                       "number": x.number, "section": x.section,
                                       "text": x.text} for i, x in enumerate(pub.paragraphs)]
        self.tables["parties"] += [{"application_id": app_id, "publication_id": pub_id,
                                    "role": x.role.value, "position": i, "code": x.code,
                                    "name": x.name} for i, x in enumerate(pub.parties)]
        self.tables["classifications"] += [
            {"application_id": app_id, "publication_id": pub_id, "scheme": c.scheme.value,
             "position": i, "code": c.code, "raw": c.raw, "main": c.main, "facet": c.facet}
            for i, c in enumerate(pub.classifications)]

    def write(self, conn: sa.Connection) -> None:
        for table in (applications, publications, claims, paragraphs, parties,
                      classifications):
            insert_rows(conn, table, self.tables[table.name])
        # each case's stored summary, as an ingest batch stores it
        case_summaries.refresh(conn, [row["id"] for row in self.tables["applications"]])


def bench_source(conn: sa.Connection) -> int:
    found = sources.current(conn, "bench:generated")
    if found is not None:
        return found.id
    sources.record_blob(conn, "0" * 64, 0)
    return sources.add_version(conn, key="bench:generated", format="jp-gazette",
                               name="generated", blob_sha256="0" * 64, fingerprint="0" * 64,
                               batch_id=None, problems="", previous=None).id


class GcClock:
    """Milliseconds Python's cyclic garbage collector ran (gc.callbacks), so that a slow
    call can be told apart from a collection that happened to fall into it."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += (time.perf_counter() - self._started) * 1000


GC = GcClock()


def timed(fn: Callable[[], object], repeat: int, cpu: list[float] | None = None,
          collected: list[float] | None = None) -> list[float]:
    """Wall-clock ms of each call; the bench process's CPU ms of each go to `cpu`, the
    garbage collector's ms within each to `collected`."""
    out = []
    for _ in range(repeat):
        started, processor, gc_before = time.perf_counter(), time.process_time(), GC.total
        fn()
        out.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - processor) * 1000)
        if collected is not None:
            collected.append(GC.total - gc_before)
    return out


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: the ceil(0.95 n)-th smallest value (of 20
    calls the 19th, so one outlier in 20 is not the p95; it is printed as `max`)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def warm(db: Database) -> None:
    """Read the whole database once so that it starts in the page cache, as on a server
    that has been answering searches for a while (SQLite: its files; PostgreSQL: every
    relation, with pg_prewarm's 'read' mode, when the extension is there)."""
    started = time.perf_counter()
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database or "")
        size = 0
        for name in (path, Path(f"{path}-wal")):
            if name.exists():
                with name.open("rb", buffering=0) as f:
                    while chunk := f.read(8 << 20):
                        size += len(chunk)
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            try:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            except sa.exc.DBAPIError as exc:
                print(f"  warm: skipped (pg_prewarm: {exc.orig})")
                return
            blocks = conn.exec_driver_sql(
                "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')").scalar_one()
            size = int(blocks) * 8192
    print(f"  warm: read {size / 1e9:.2f} GB into the page cache in "
          f"{time.perf_counter() - started:.1f} s")


def run_tantivy(db: Database, folder: Path, repeat: int) -> None:
    """Write the store's cases to a fresh tantivy index, then time every query through
    tokkyo and bare (hit counts beside each other), then the CSV export."""
    import tantivy

    from tokkyo.search import outbox
    from tokkyo.search import service as search_service
    from tokkyo.search.backends.tantivy import TantivyBackend
    from tokkyo.search.backends.tantivy.compiler import Compiler
    from tokkyo.search.backends.tantivy.texts import TextQueries
    from tokkyo.search.query import parse
    from tokkyo.search.variants import Folds

    backend = TantivyBackend(folder, threads=min(4, os.cpu_count() or 1))
    started = time.perf_counter()
    written = outbox.reindex(db.engine, backend)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in backend.path.rglob("*") if f.is_file())
    print(f"  tantivy: {written:,} case documents written in {seconds:.1f} s "
          f"({written / seconds:.0f} docs/s), index {size / 1e6:.0f} MB, "
          f"{len(list(backend.path.glob('*.idx')))} segments; load average "
          f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    search_service.attach(db.engine, backend)
    # as a server process does once started (tokkyo.app.freeze_heap): else the full
    # collections walk the corpus generator's objects too, and land in the timed calls
    print(f"  heap frozen: {freeze_heap():,} objects (as `tokkyo serve` does at start-up)")
    with db.engine.connect() as conn:
        for label, expression in QUERIES:
            def tokkyo(expression: str = expression) -> None:
                # tokkyo's search: parse, compile, search; the page's case ids
                with conn.begin():
                    search_service.search(conn, parse(expression, screen="all").tree,
                                          limit=50)

            def listed(expression: str = expression) -> None:
                # and the result list as the portal shows it (the page's summaries)
                with conn.begin():
                    results.run(conn, expression, limit=50)

            tree = parse(expression, screen="all").tree
            searcher = backend.searcher()
            texts = TextQueries(backend.schema, Folds(), conn, lambda q: [])
            query = Compiler(backend.schema, texts, dt.date.today()).tree(tree)

            def bare(query: tantivy.Query = query,
                     searcher: tantivy.Searcher = searcher) -> int:
                result = searcher.search(query, 50, count=True)
                for _score, address in result.hits:
                    searcher.doc(address)
                return getattr(result, "count", 0) or 0

            first = timed(tokkyo, 1)[0]
            # interleaved call by call: a burst of load on the shared machine falls on
            # tokkyo and the bare query alike, so their ratio holds when the ms do not
            ours: list[float] = []
            reference: list[float] = []
            page: list[float] = []
            for _ in range(repeat):
                ours += timed(tokkyo, 1)
                reference += timed(bare, 1)
                page += timed(listed, 1)
            with conn.begin():
                total = results.run(conn, expression, limit=1).total
            expected = bare()
            same = "=" if total == expected else f"(bare {expected}, verified)"
            print(f"    {label:<26} {expression:<34} hits {total:>7} {same}  "
                  f"first {first:7.1f} ms  p50 {statistics.median(ours):7.2f} ms  "
                  f"p95 {p95(ours):7.2f} ms  bare tantivy p50 "
                  f"{statistics.median(reference):6.2f} p95 {p95(reference):6.2f} ms  "
                  f"p95 ×{p95(ours) / max(p95(reference), 0.001):5.1f}  "
                  f"with the page's summaries p50 {statistics.median(page):6.1f} ms")
        print(f"    load average after the queries "
              f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
        csv_export_timed(conn)


def csv_export_timed(conn: sa.Connection) -> None:
    """The 3000 newest hits of 材 as the CSV export writes them: first and again."""
    with conn.begin():
        _total, ids = results.all_ids(conn, "材", law="all", folds=results.Folds(), sort="date",
                                      limit=3000)
    cols = csv_export.columns(False, "http://x", lambda r: r.document_number,
                              lambda r: r.application_number)
    made: list[bytes] = []

    def export() -> None:
        with conn.begin():
            rows = summaries(conn, ids)
        made.append(csv_export.encode(rows, cols, lambda k: k)[0])

    # the first export reads rows no query has touched (3000 cases spread over the
    # store): from disk, where the page cache does not hold the database
    first = timed(export, 1)[0]
    again = timed(export, 5)
    print(f"    CSV of {len(ids)} rows without abstracts ({len(made[0]) / 1e6:.1f} MB): "
          f"first {first:.0f} ms, p50 of 5 more {statistics.median(again):.0f} ms "
          f"(target < 1000 ms)")


def run_backend(label: str, url: str, sizes: list[int], repeat: int, warm_first: bool,
                backends: tuple[str, ...] = ("tantivy",)) -> None:
    print(f"{label}:")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=url, data_dir=tmp)
        db = Database.open(settings)
        started = time.perf_counter()
        summarised = db.upgrade()
        if summarised:      # a database kept from before migration 0012
            print(f"  upgrade: summarised {summarised:,} stored cases (case_summaries) in "
                  f"{time.perf_counter() - started:.1f} s")
        with db.engine.connect() as conn:
            numbers = conn.execute(sa.select(publications.c.number,
                                             publications.c.application_id)).all()
            existing = {n for (n, _) in numbers} | set(conn.execute(
                sa.select(applications.c.application_number)).scalars())
        built = len(numbers)
        if built:
            print(f"  reusing the database: {built:,} generated documents already built")
        for size in sizes:
            if size > built:
                seconds = build(db, size - built, existing, seed=size)
                print(f"  {size:,} generated documents: {size - built:,} built "
                      f"in {seconds:.1f} s ({(size - built) / seconds:.0f} docs/s)")
                built = size
            elif size < built:
                print(f"  {size:,}: skipped (the reused database holds {built:,})")
                continue
            if warm_first:
                warm(db)
            if "tantivy" in backends:
                run_tantivy(db, Path(tmp) / f"tantivy-{size}", repeat)
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    parser.add_argument("--sqlite-path", help="keep the SQLite database in this file and "
                        "reuse it (documents already in it are not built again)")
    parser.add_argument("--postgres-db", help="keep the PostgreSQL database under this name "
                        "and reuse it (documents already in it are not built again)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--backends", default="tantivy",
                        help="search backends to time: tantivy (the SQL index is retired; "
                        "Sphinx: bench/search_sphinx.py)")
    parser.add_argument("--warm", action="store_true", help="read the whole database into "
                        "the page cache before the queries of each size")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    unknown = set(backends) - {"tantivy"}
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(sorted(unknown))}: the SQL n-gram index "
                     "was retired (migration 0020); time tantivy here and Sphinx with "
                     "bench/search_sphinx.py")
    print("corpus: GENERATED documents, seeded, made only of what the 3 real gazette files "
          "in samples/jp-gazette hold: Zipf-spread terms (their kanji/katakana runs and "
          "terms made of their characters, 100,000), 403 topics (the 3 real documents and "
          "400 synthetic) deciding codes, applicant and a third of the terms, real sentences "
          "as frames; title, abstract, 3 claims, 6 paragraphs, parties, FI/IPC/theme/F-term "
          f"codes each; sizes {sizes}; machine: {os.cpu_count()} CPUs")
    if args.sqlite_path:
        run_backend("sqlite", f"sqlite:///{Path(args.sqlite_path).resolve()}", sizes,
                    args.repeat, args.warm, backends)
    elif not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", sizes, args.repeat,
                        args.warm, backends)
    if args.postgres_url:
        name = args.postgres_db or f"bench_search_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(normalise_url(args.postgres_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": name}).first():
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            url = sa.engine.make_url(normalise_url(args.postgres_url)).set(database=name)
            run_backend("postgresql", url.render_as_string(False), sizes, args.repeat,
                        args.warm, backends)
        finally:
            if not args.postgres_db:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()
    else:
        print("PostgreSQL: skipped (give --postgres-url or set TOKKYO_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
