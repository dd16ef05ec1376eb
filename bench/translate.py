"""Machine translation: segments/s through tokkyo's platform next to the engine called
alone on the same segments, in the same process.

    python bench/translate.py [--repeat 5] [--docs 3]

Input: the claims and description paragraphs of the three JPO gazette publications in
samples/jp-gazette (their <claim-text> and <p> content with 【請求項Ｎ】 / 【ＮＮＮＮ】
labels, SUB/SUP kept as markup), --docs documents in all (the three repeated). Real text.

Runs, each the best of --repeat, interleaved:
  engine alone      the engine's translate() over the sentences tokkyo would send (the
                    same segmentation), in batches of its max_batch: the reference
  platform, cold    Platform.translate of each document (cut into units and sentences,
                    placeholders, glossary pins from a 50-term glossary, cache look-ups
                    that miss, batches, restoring), with a fresh cache each run
  platform, warm    the same again with the cache full (what a second page view costs)
  store cache, cold / warm   the same two with the real-time cache in the store (a
                    migrated SQLite file, or PostgreSQL with --postgres URL): what every
                    server process shares; cold empties the table before each run (not
                    timed), so each run reads a whole text's keys at once, misses, and
                    writes each batch's outputs in one transaction
for the identity engine (which does nothing: the ratio is the platform's own cost per
segment, and no real engine is that fast) and the tiny CTranslate2 fixture model (random
weights, one worker process; what a neural engine's share of the time looks like).
Printed: segments/s, µs per segment, and the ratio platform / engine alone (target ≥ 0.8
for real engines: the platform must not be their bottleneck).

Accumulated path (issue 17 item 4, `--accumulated`, the default): the English EP grants of
samples/foreign/ep/grant loaded into a store (`--postgres` or a migrated SQLite file)
with a tantivy index, queued at ingest for EN→JA, then timed: `accumulate.run` (the
queue newest first, each section's units through the platform with the store cache cold,
storage of each publication's sections in one transaction with its outbox entry) and
the outbox drained into tantivy (the documents with their translations indexed). The
reference is the engine alone over the same sentences. Between runs (untimed) the stored
translations, the cache and the outbox are emptied and the queue filled again.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import sqlalchemy as sa  # noqa: E402

from tokkyo.ingest.items import walk  # noqa: E402
from tokkyo.ingest.service import Ingestor  # noqa: E402
from tokkyo.search import outbox  # noqa: E402
from tokkyo.search.backends.tantivy import TantivyBackend  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402
from tokkyo.translate import accumulate, fixture_model, routing  # noqa: E402
from tokkyo.translate import segments as seg  # noqa: E402
from tokkyo.translate.glossary import Entry, Glossary  # noqa: E402
from tokkyo.translate.kinds import ContentKind  # noqa: E402
from tokkyo.translate.service import Platform  # noqa: E402
from tokkyo.translate.store_cache import StoreCache  # noqa: E402

GAZETTES = sorted((REPO / "samples" / "jp-gazette").glob("*.xml"))
EP_GRANTS = REPO / "samples" / "foreign" / "ep" / "grant"
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def _text(element: etree._Element) -> str:
    out = [element.text or ""]
    for child in element:
        inner = _text(child)
        out.append(f"<{child.tag}>{inner}</{child.tag}>" if child.tag in ("sub", "sup")
                   else inner)
        out.append(child.tail or "")
    return re.sub(r"\s+", "", "".join(out))


def documents(count: int) -> list[tuple[str, ContentKind]]:
    """(text, kind): each gazette's claims and its description, labelled."""
    found: list[tuple[str, ContentKind]] = []
    for path in GAZETTES:
        root = etree.parse(str(path)).getroot()
        claims = "".join(f"【請求項{str(i + 1).translate(WIDE)}】" + _text(c)
                         for i, c in enumerate(root.iter("claim")))
        paragraphs = "".join(f"【{p.get('num', '').translate(WIDE)}】" + _text(p)
                             for p in root.iter("p") if p.get("num"))
        found += [(claims, ContentKind.CLAIMS), (paragraphs, ContentKind.DESCRIPTION)]
    return [found[i % len(found)] for i in range(count * 2)]


def glossary(docs: list[tuple[str, ContentKind]]) -> Glossary:
    """50 katakana terms of the input pinned (as an operator's glossary would be)."""
    terms = sorted({t for text, _ in docs for t in re.findall(r"[ァ-ヴー]{4,}", text)})[:50]
    return Glossary(Entry(t, f"term{i}") for i, t in enumerate(terms))


def best(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - start)
    return min(times), count


def measure(name: str, table: routing.RoutingTable, docs: list[tuple[str, ContentKind]],
            repeat: int, database: Database) -> None:
    engine = table.engine("e")
    sentences = {k: [s for text, kind in docs if kind is k
                     for u in seg.units(text, kind) for s in seg.sentences(u.text, "ja")]
                 for k in (ContentKind.CLAIMS, ContentKind.DESCRIPTION)}
    terms = glossary(docs)

    def alone() -> int:
        n = 0
        for kind, group in sentences.items():
            for i in range(0, len(group), engine.max_batch):
                n += len(engine.translate(group[i:i + engine.max_batch], source="ja",
                                          target="en", kind=kind))
        return n

    warm = Platform(table, glossary=terms)

    def cold() -> int:
        p = Platform(table, glossary=terms)
        return sum(p.translate(t, source="ja", target="en", kind=k).segments
                   for t, k in docs)

    def cached() -> int:
        return sum(warm.translate(t, source="ja", target="en", kind=k).segments
                   for t, k in docs)

    stored = Platform(table, glossary=terms, cache=StoreCache(database))

    def in_store() -> int:
        return sum(stored.translate(t, source="ja", target="en", kind=k).segments
                   for t, k in docs)

    def empty_store() -> None:
        with database.transaction() as conn:
            conn.execute(sa.text("DELETE FROM translation_cache"))

    def nothing() -> None:
        pass

    cached()
    runs: dict[str, tuple[Callable[[], None], Callable[[], int], list[float]]] = {
        "engine alone": (nothing, alone, []), "platform, cold": (nothing, cold, []),
        "platform, warm": (nothing, cached, []),
        "store cache, cold": (empty_store, in_store, []),
        "store cache, warm": (nothing, in_store, [])}
    counts = {}
    for _ in range(repeat):                       # interleaved, one of each in turn
        for label, (setup, run, times) in runs.items():
            setup()
            took, counts[label] = best(run, 1)
            times.append(took)
    reference = counts["engine alone"] / min(runs["engine alone"][2])
    print(f"\n{name}: {counts['engine alone']} sentences "
          f"({sum(len(t) for t, _ in docs)} characters) in {len(docs)} texts")
    print("| run | segments/s | µs/segment | platform / engine alone |")
    print("|---|---|---|---|")
    for label, (_setup, _run, times) in runs.items():
        rate = counts[label] / min(times)
        print(f"| {label} | {rate:,.0f} | {1e6 / rate:,.1f} | {rate / reference:.3f} |")


def measure_accumulated(name: str, table: routing.RoutingTable, repeat: int,
                        database: Database, index: TantivyBackend) -> None:
    """The accumulated path against the engine alone on the same sentences."""
    engine = table.engine("e")
    kinds = accumulate.SECTION_KINDS

    def reset() -> None:
        with database.transaction() as conn:
            for sql in ("DELETE FROM stored_translations", "DELETE FROM translation_cache",
                        "DELETE FROM search_outbox", "DELETE FROM translation_queue"):
                conn.execute(sa.text(sql))
            conn.execute(sa.text(
                "INSERT INTO translation_queue (publication_id, target, reason, published, "
                "queued_at) SELECT id, 'ja', 'bench', date, CURRENT_TIMESTAMP "
                "FROM publications WHERE language = 'en'"))

    with database.read_primary() as conn:
        pubs = conn.execute(sa.text("SELECT id FROM publications WHERE language = 'en'")
                            ).scalars().all()
        from tokkyo.store.repositories import stored_translations as rows
        texts = [rows.sources(conn, pub) for pub in pubs]
    sentences = {k: [s for t in texts for u in t.get(section, ())
                     for s in seg.sentences(u, "en")] for section, k in kinds.items()}

    def alone() -> int:
        n = 0
        for kind, group in sentences.items():
            for i in range(0, len(group), engine.max_batch):
                n += len(engine.translate(group[i:i + engine.max_batch], source="en",
                                          target="ja", kind=kind))
        return n

    def accumulated() -> int:
        platform = Platform(table, cache=StoreCache(database))
        report = accumulate.run(database, platform)
        assert not report.failures and report.left == 0, report.failures
        outbox.drain(database.engine, index)
        return report.segments

    def nothing() -> None:
        pass

    runs: dict[str, tuple[Callable[[], None], Callable[[], int], list[float]]] = {
        "engine alone": (nothing, alone, []),
        "accumulated (platform, store, index)": (reset, accumulated, [])}
    counts = {}
    for _ in range(repeat):
        for label, (setup, run, times) in runs.items():
            setup()
            took, counts[label] = best(run, 1)
            times.append(took)
    reference = counts["engine alone"] / min(runs["engine alone"][2])
    print(f"\n{name}, accumulated: {len(pubs)} EP publications, "
          f"{counts['engine alone']} sentences")
    print("| run | segments/s | µs/segment | accumulated / engine alone |")
    print("|---|---|---|---|")
    for label, (_setup, _run, times) in runs.items():
        rate = counts[label] / min(times)
        print(f"| {label} | {rate:,.0f} | {1e6 / rate:,.1f} | {rate / reference:.3f} |")


def accumulated_all(repeat: int, database: Database, folder: Path) -> None:
    Ingestor(database.engine, database.blobs).run(walk([EP_GRANTS]))
    index = TantivyBackend(folder / "search")
    identity = routing.parse("[engines.e]\ntype='identity'\npairs=['en-ja']\n"
                             "[[routes]]\nsource='en'\ntarget='ja'\nengine='e'\n", "bench")
    measure_accumulated("identity", identity, repeat, database, index)
    with tempfile.TemporaryDirectory() as model_folder:
        model = fixture_model.build(Path(model_folder) / "model", fixture_model.sample_lines(
            REPO / "samples" / "jp-gazette"))
        table = routing.parse(
            f"[engines.e]\ntype='ctranslate2'\nmodel='{model}'\npairs=['en-ja']\n"
            "max_decoding_length=64\n[[routes]]\nsource='en'\ntarget='ja'\nengine='e'\n",
            "bench")
        try:
            measure_accumulated("ctranslate2, tiny fixture model (1 worker process)", table,
                                max(1, repeat // 2), database, index)
        finally:
            table.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--docs", type=int, default=3)
    parser.add_argument("--postgres", default="", help="a PostgreSQL database URL for the "
                        "store cache runs (migrated here; its cache table is emptied)")
    parser.add_argument("--only", choices=("all", "realtime", "accumulated"), default="all",
                        help="the real-time runs, the accumulated path, or both")
    args = parser.parse_args()
    docs = documents(args.docs)
    with tempfile.TemporaryDirectory() as store:
        url = args.postgres or f"sqlite:///{store}/bench.sqlite3"
        engine = make_engine(url)
        migrate.upgrade(engine)
        database = Database(engine, LocalBlobStore(Path(store) / "blobs"))
        print(f"store cache on {engine.dialect.name}")
        try:
            if args.only in ("all", "realtime"):
                run_all(docs, args.repeat, database)
            if args.only in ("all", "accumulated"):
                accumulated_all(args.repeat, database, Path(store))
        finally:
            database.close()


def run_all(docs: list[tuple[str, ContentKind]], repeat: int, database: Database) -> None:
    identity = routing.parse("[engines.e]\ntype='identity'\npairs=['ja-en']\n"
                             "[[routes]]\nsource='ja'\ntarget='en'\nengine='e'\n", "bench")
    measure("identity", identity, docs, repeat, database)
    with tempfile.TemporaryDirectory() as folder:
        model = fixture_model.build(Path(folder) / "model", fixture_model.sample_lines(
            REPO / "samples" / "jp-gazette"))
        table = routing.parse(
            f"[engines.e]\ntype='ctranslate2'\nmodel='{model}'\npairs=['ja-en']\n"
            "max_decoding_length=64\n[[routes]]\nsource='ja'\ntarget='en'\nengine='e'\n",
            "bench")
        try:
            measure("ctranslate2, tiny fixture model (1 worker process)", table, docs,
                    max(1, repeat // 2), database)
        finally:
            table.close()


if __name__ == "__main__":
    main()
