"""The Japanese page of a foreign document with its stored translation and the page-view
counter (issue 17, item 4), next to the same page without the counter, in one process.

    python bench/page_views.py [--rounds 7] [--pages 200] [--postgres URL]

Input: EP 1442058 B1 (samples/foreign/ep/grant/v1-0-B1.xml: English, German and French
claims, 117 paragraphs) in a migrated SQLite file (or PostgreSQL with --postgres URL),
its title and claims translated into Japanese by the accumulated path (identity engine)
and stored; the app served through Starlette's TestClient with a routing table that
fails for English, so the stored sections are all that is shown and the description is
answered at once as failed (no engine time anywhere).

Runs: --rounds rounds of --pages pairs of GETs of /d/EP/patent/pub/1442058?lang=ja (HTML),
the two of a pair one with the counter and one without (which first alternates); the
median per page of each round, and of the rounds, printed:
  counter on     as served: each page counts its view (a dictionary increment; the
                 counter's thread writes the counts every 10 s)
  counter off    the same app with the counter replaced by one that does nothing
Also timed alone: `ViewCounter.record` (100,000 calls), the stored-translation look-up
the page makes (`held_translations`: the publication's stored sections, the queue entry,
the routed engines), and one batch write of the counts of 1,000 publications
(`ViewCounter.flush`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from tests.conftest import ingest  # noqa: E402
from tokkyo.app import create_app  # noqa: E402
from tokkyo.config import load_settings  # noqa: E402
from tokkyo.documents import service  # noqa: E402
from tokkyo.documents.views import ViewCounter  # noqa: E402
from tokkyo.portal import document_page  # noqa: E402
from tokkyo.portal.i18n import Translator  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402
from tokkyo.translate import accumulate, routing  # noqa: E402
from tokkyo.translate.service import Platform  # noqa: E402

DOCUMENT = "/d/EP/patent/pub/1442058"
STORING = """
[engines.identity]
type = "identity"
pairs = ["en-ja"]

[[routes]]
source = "en"
target = "ja"
kinds = ["title", "claims"]
engine = "identity"
mode = "accumulate"
"""
SERVING = STORING.replace('pairs = ["en-ja"]', 'pairs = ["en-ja"]\nfail = "terminal"'
                          ).replace('["title", "claims"]', '["*"]')


class NoCounter:
    """A counter that counts nothing (the reference)."""

    def record(self, publication_id: int) -> None:
        pass

    def close(self) -> None:
        pass


def get(client: TestClient) -> float:
    """Seconds for one page."""
    started = time.perf_counter()
    answer = client.get(DOCUMENT, params={"lang": "ja"})
    took = time.perf_counter() - started
    assert answer.status_code == 200 and 'data-stored="1"' in answer.text
    return took


def interleaved(client: TestClient, app: FastAPI, counter: ViewCounter, pages: int
                ) -> tuple[float, float]:
    """The median seconds per page with the counter and without, the two alternating
    page by page (the first of each pair alternating too), so load from other processes
    falls on both alike."""
    on: list[float] = []
    off: list[float] = []
    for i in range(pages):
        for counting in ((True, False) if i % 2 else (False, True)):
            app.state.document_views = counter if counting else NoCounter()
            (on if counting else off).append(get(client))
    app.state.document_views = counter
    return statistics.median(on), statistics.median(off)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.postgres or f"sqlite:///{folder / 'bench.sqlite3'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        db = Database(engine, LocalBlobStore(folder / "blobs"))
        ingest(db, REPO / "samples" / "foreign" / "ep" / "grant" / "v1-0-B1.xml")
        accumulate.run(db, Platform(routing.parse(STORING, "bench")))
        routes = folder / "serving.toml"
        routes.write_text(SERVING, "utf-8")
        settings = load_settings(None, data_dir=str(folder), translate_routes=str(routes))
        app = create_app(settings, db)
        counter = app.state.document_views
        on, off = [], []
        with TestClient(app, headers={"Accept": "text/html"}) as client:
            for _ in range(20):                                     # warm
                get(client)
            for _ in range(args.rounds):
                a, b = interleaved(client, app, counter, args.pages)
                on.append(a)
                off.append(b)
        platform = app.state.translate
        t = Translator("ja")
        looks = []
        with db.engine.connect() as conn:
            view = service.document(conn, service.DocumentRef("EP", "patent", "pub", "1442058"))
            d = {"title": view["title"], "abstract": view["abstract"], "claims": view["claims"],
                 "paragraphs": view["paragraphs"], "text_lang": "en", "only": "",
                 "base": DOCUMENT, "publication_id": document_page.publication_id(conn, view)}
            for _ in range(args.pages):
                started = time.perf_counter()
                held = document_page.held_translations(conn, d, t.lang, platform)
                looks.append(time.perf_counter() - started)
                conn.rollback()
            assert held is not None and set(held.sections) == {"title", "claims"}
        recorder = ViewCounter(db, interval=3600)
        started = time.perf_counter()
        for _ in range(100_000):
            recorder.record(1)
        record_s = (time.perf_counter() - started) / 100_000
        recorder.close()
        flusher = ViewCounter(db)
        for pub in range(1, 1001):
            flusher.record(pub)
        started = time.perf_counter()
        flusher.flush()
        flush_s = time.perf_counter() - started
        db.close()
    m_on, m_off = statistics.median(on), statistics.median(off)
    print(f"store: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.rounds} rounds of "
          f"{args.pages} pages, medians")
    print(f"counter on   {m_on * 1000:7.2f} ms/page")
    print(f"counter off  {m_off * 1000:7.2f} ms/page")
    print(f"on / off     {m_on / m_off:7.3f}   (per round: "
          + ", ".join(f"{a / b:.3f}" for a, b in zip(on, off, strict=True)) + ")")
    print(f"stored-translation look-up alone  {statistics.median(looks) * 1000:.3f} ms "
          f"({statistics.median(looks) / m_on:.1%} of the page)")
    print(f"record() alone  {record_s * 1e6:.2f} µs ({record_s / m_on:.3%} of the page)")
    print(f"flush of 1,000 publications' counts  {flush_s * 1000:.1f} ms")


if __name__ == "__main__":
    main()
