"""Accumulated translations (issue 17, item 4; translation.md §4), on SQLite and
PostgreSQL, with the real ingest, the real tantivy index and the `identity` engine: the
EP grants (English) are queued at ingest, `run` stores their Japanese translations (the
operator's glossary pins `peptide` → ペプチド, so the translation says something the
original does not), and a Japanese query finds them in the translation; originals only /
translations only / both; an engine version change re-translates while the old
translation stays searchable, and a reader during the swap always finds the document."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FOREIGN, index_due, ingest
from tests.swap import seen_during
from tokkyo.search import outbox
from tokkyo.search import query as q
from tokkyo.search import service as search_service
from tokkyo.search.backends.tantivy import TantivyBackend
from tokkyo.search.variants import Folds
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import publications, stored_translations, translation_queue
from tokkyo.translate import accumulate, routing
from tokkyo.translate.glossary import Entry, Glossary, dump
from tokkyo.translate.service import Platform

ROUTES = """
[engines.id]
type = "identity"
pairs = ["en-ja"]
version = "{version}"

[[routes]]
source = "en"
target = "ja"
kinds = ["*"]
engine = "id"
mode = "accumulate"
"""


def platform(version: str, term: str) -> Platform:
    return Platform(routing.parse(ROUTES.format(version=version), "test"),
                    glossary=Glossary([Entry(term, "peptide")]))


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A store searched with tantivy alone (the SQL engine indexes no translations)."""
    database = Database(make_engine(database_url), LocalBlobStore(tmp_path / "blobs"))
    search_service.attach(database.engine, TantivyBackend(tmp_path / "search"))
    report = ingest(database, FOREIGN / "ep" / "grant")
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    yield database
    database.close()


def hits(db: Database, expression: str, scope: str = "both") -> tuple[set[int], set[int]]:
    """(the cases found, those of them marked as found in a translation)."""
    with db.engine.connect() as conn:
        found = search_service.search(conn, q.parse(expression).tree, folds=Folds(scope=scope),
                                      limit=100)
    return set(found.ids), set(found.translated)


def english(db: Database) -> set[int]:
    """The English publications (the ones queued)."""
    with db.engine.connect() as conn:
        return set(conn.execute(sa.select(publications.c.id)
                                .where(publications.c.language == "en")).scalars())


def about_peptides(db: Database) -> set[int]:
    """The cases whose English title says peptide (what ペプチド/TI finds translated: the
    glossary pins the term as written, in lower case)."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(publications.c.application_id, publications.c.title)
                            .where(publications.c.language == "en")).all()
    return {r.application_id for r in rows if "peptide" in r.title}


def count(db: Database, table: sa.Table) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_ingest_queues_foreign_documents_and_run_stores_and_indexes(store) -> None:
    with store.engine.connect() as conn:
        queued = conn.execute(sa.select(translation_queue.c.publication_id,
                                        translation_queue.c.target)).all()
        languages = set(conn.execute(sa.select(publications.c.language)).scalars())
    assert languages == {"en", "de"}             # German is not accumulated by default
    assert {p for p, _ in queued} == english(store) and {t for _, t in queued} == {"ja"}
    n = len(english(store))
    assert hits(store, "ペプチド/TI") == (set(), set())          # nothing translated yet

    report = accumulate.run(store, platform("1", "ペプチド"))
    assert report.publications == n and report.left == 0 and not report.failures
    assert report.segments > 0
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(stored_translations)).all()
        titles = conn.execute(sa.select(publications.c.title)).scalars().all()
    assert {r.section for r in rows} >= {"title", "claims", "description"}
    assert {(r.engine, r.version, r.target, r.source_language) for r in rows} == {
        ("identity", "1", "ja", "en")}
    assert all(len(r.source_sha256) == 64 for r in rows)
    assert all("ペプチド" not in t for t in titles)            # originals untouched
    index_due(store)
    found, marked = hits(store, "ペプチド/TI")
    assert found and marked == found == about_peptides(store)

    # the index agrees with the store, translations included (`tokkyo search check`)
    check = outbox.check(store.engine, search_service.bound(store.engine))
    assert check.agrees and check.sampled == check.store and not check.stale
    # a second run finds everything stored: nothing to do
    again = accumulate.run(store, platform("1", "ペプチド"))
    assert again.publications == 0 and again.requeued == 0


def test_original_only_translation_only_or_both(store) -> None:
    accumulate.run(store, platform("1", "ペプチド"))
    index_due(store)
    both, marked = hits(store, "ペプチド/TX")
    assert both >= about_peptides(store) and marked == both
    assert hits(store, "ペプチド/TX", "translation")[0] == both
    assert hits(store, "ペプチド/TX", "original") == (set(), set())
    # an English term is in the originals and (identity) in the translations
    original, marked_original = hits(store, "peptide/TX", "original")
    assert original and marked_original == set()
    assert hits(store, "peptide/TX", "both")[0] == original
    # the permalink keeps the choice
    assert Folds.from_flags(Folds(scope="original", kana=True).flags) == Folds(
        kana=True, scope="original")
    assert Folds.from_flags("t").scope == "translation" and Folds.from_flags("").scope == "both"


def test_a_version_change_swaps_atomically(store) -> None:
    accumulate.run(store, platform("1", "ペプチド"))
    index_due(store)
    old, _ = hits(store, "ペプチド/TI")
    assert old == about_peptides(store)
    n = len(english(store))

    upgraded = platform("2", "ペプタイド")
    # the new version re-translates (newest first) and stores; until the index has the
    # new documents, the old translation is what search finds
    report = accumulate.run(store, upgraded)
    assert report.requeued == n and report.publications == n
    with store.engine.connect() as conn:
        versions = set(conn.execute(sa.select(stored_translations.c.version)).scalars())
    assert versions == {"2"}
    assert hits(store, "ペプチド/TI")[0] == old
    assert hits(store, "ペプタイド/TI")[0] == set()

    # a reader searching for either translation during the swap finds every document
    seen = seen_during(lambda: hits(store, "ペプチド/TI+ペプタイド/TI")[0],
                       lambda: index_due(store))
    assert len(seen) >= 2 and all(s == old for s in seen)
    assert hits(store, "ペプタイド/TI")[0] == old
    assert hits(store, "ペプチド/TI")[0] == set()


def test_a_failing_engine_leaves_the_queue_and_the_store_as_they_were(store) -> None:
    broken = Platform(routing.parse(ROUTES.format(version="1").replace(
        'version = "1"', 'version = "1"\nfail = "terminal"'), "test"))
    report = accumulate.run(store, broken)
    n = len(english(store))
    assert report.publications == 0 and report.left == n and len(report.failures) == n
    assert "the identity engine is set to fail (terminal)" in report.failures[0]
    assert count(store, stored_translations) == 0


def test_no_route_is_reported_and_nothing_is_lost(store) -> None:
    report = accumulate.run(store, Platform(routing.load(None)))
    assert report.publications == 0 and report.left == len(english(store))
    assert "no translation engine is configured for en→ja" in report.failures[0]
    assert count(store, stored_translations) == 0


def test_the_cli_runs_the_queue(tmp_path) -> None:
    from typer.testing import CliRunner

    from tokkyo.cli.main import app

    runner = CliRunner()
    routes = tmp_path / "routes.toml"
    routes.write_text(ROUTES.format(version="1"), "utf-8")
    terms = tmp_path / "glossary.tsv"
    terms.write_text(dump([Entry("ペプチド", "peptide")]), "utf-8")
    env = {"TOKKYO_DATA_DIR": str(tmp_path / "data"), "TOKKYO_DATABASE_URL": "",
           "TOKKYO_TRANSLATE_ROUTES": str(routes), "TOKKYO_TRANSLATE_GLOSSARY": str(terms),
           "COLUMNS": "200"}
    loaded = runner.invoke(app, ["ingest", str(FOREIGN / "ep" / "grant")], env=env)
    assert loaded.exit_code == 0, loaded.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[engines.x]\ntype = 'nope'\n", "utf-8")
    refused = runner.invoke(app, ["translate", "run"],
                            env={**env, "TOKKYO_TRANSLATE_ROUTES": str(bad)})
    assert refused.exit_code == 2
    assert "engine 'x' has type 'nope'" in refused.output
    first = runner.invoke(app, ["translate", "run", "--limit", "3", "--json"], env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["publications"] == 3 and report["queued"] == 9 and report["failures"] == []
    rest = runner.invoke(app, ["translate", "run"], env=env)
    assert rest.exit_code == 0, rest.output
    assert "9 publication(s) translated" in rest.output and "0 still queued" in rest.output
    # tokkyo search offers the same choice and says where a hit matched
    with_texts = runner.invoke(app, ["search", "ペプチド/TI", "--texts", "translation"],
                               env=env)
    assert with_texts.exit_code == 0, with_texts.output
    assert "1 hit:" in with_texts.output
    assert "matched in machine translation" in with_texts.output
    as_json = runner.invoke(app, ["search", "ペプチド/TI", "--json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    [hit] = json.loads(as_json.stdout)["hits"]
    assert hit["machine_translation"] is True and hit["country"] == "EP"
    plain = runner.invoke(app, ["search", "peptide/TI", "--json", "--texts", "original"],
                          env=env)
    assert all("machine_translation" not in h for h in json.loads(plain.stdout)["hits"])
    originals = runner.invoke(app, ["search", "ペプチド/TI", "--texts", "original"], env=env)
    assert originals.exit_code == 0 and "0 hits" in originals.output
    wrong = runner.invoke(app, ["search", "ペプチド/TI", "--texts", "all"], env=env)
    assert wrong.exit_code == 2 and "'all' is not one of both, original, translation" in (
        wrong.output)


def test_the_bulk_product_publishes_the_translations(store, tmp_path) -> None:
    from tokkyo.bulk import catalog, manifests, publish

    accumulate.run(store, platform("1", "ペプチド"))
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        catalog.ensure_products(conn)
        done = publish.publish(conn, store.blobs, "machine-translations",
                               release_type="backfile", now=now, workdir=tmp_path / "work")
        assert done.release_id is not None
        manifest = manifests.manifest(conn, done.release_id)
        rows = conn.execute(sa.select(stored_translations)).all()
    assert manifest["product"] == "machine-translations"
    [entry] = manifest["files"]
    assert entry["name"].startswith("machine-translations-ja-") and entry["name"].endswith(
        ".jsonl")
    assert entry["records"]["total"] == len(english(store))
    body = store.blobs.get(entry["sha256"])
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    lines = [json.loads(line) for line in body.decode("utf-8").splitlines()]
    assert len(lines) == len(english(store))
    assert {line["source_language"] for line in lines} == {"en"}
    assert all(line["machine_translation"] and line["target"] == "ja" for line in lines)
    sections = sum(len(line["sections"]) for line in lines)
    assert sections == len(rows)
    titled = [line for line in lines if "ペプチド" in line["sections"]["title"]["units"][0]]
    assert titled and titled[0]["sections"]["title"]["engine"] == "identity"
    # nothing translated since: a delta has nothing new
    with store.engine.begin() as conn:
        again = publish.publish(conn, store.blobs, "machine-translations",
                                now=now + dt.timedelta(minutes=1), workdir=tmp_path / "work")
    assert again.release_id is None


def test_only_the_routed_sections_are_translated(store) -> None:
    claims_only = Platform(routing.parse(ROUTES.format(version="1").replace(
        'kinds = ["*"]', 'kinds = ["claims"]'), "test"))
    report = accumulate.run(store, claims_only)
    assert report.left == 0 and not report.failures
    with store.engine.connect() as conn:
        sections = set(conn.execute(sa.select(stored_translations.c.section)).scalars())
    assert sections == {"claims"}


def test_re_translation_takes_the_most_viewed_first_then_the_newest(store) -> None:
    """Views counted by the pages' counter (written in one batch) order the queue: an
    older publication read three times is re-translated before a newer one read once,
    which goes before the newest, never read."""
    from tokkyo.documents.views import ViewCounter

    accumulate.run(store, platform("1", "ペプチド"))
    with store.engine.connect() as conn:
        dated = conn.execute(sa.select(publications.c.id).where(
            publications.c.language == "en", publications.c.date.is_not(None))
            .order_by(publications.c.date, publications.c.id)).scalars().all()
    oldest, newer, newest = dated[0], dated[-2], dated[-1]
    counter = ViewCounter(store)
    for pub in (oldest, oldest, newer, oldest, 10**9):      # 10**9: no such publication
        counter.record(pub)
    assert counter.pending() == 5
    assert counter.flush() == 5 and counter.pending() == 0
    counter.close()
    with store.engine.connect() as conn:
        assert publication_views_of(conn) == {oldest: 3, newer: 1}

    def version_2() -> list[int]:
        with store.engine.connect() as conn:
            return sorted(conn.execute(sa.select(stored_translations.c.publication_id)
                                       .where(stored_translations.c.version == "2")
                                       .distinct()).scalars())

    upgraded = platform("2", "ペプタイド")
    first = accumulate.run(store, upgraded, limit=1)
    assert first.publications == 1 and version_2() == [oldest]
    accumulate.run(store, upgraded, limit=1)
    assert version_2() == sorted([oldest, newer])
    accumulate.run(store, upgraded, limit=1)
    assert version_2() == sorted([oldest, newer, newest])


def publication_views_of(conn: sa.Connection) -> dict[int, int]:
    from tokkyo.store.tables import publication_views

    return {r.publication_id: r.views for r in conn.execute(
        sa.select(publication_views.c.publication_id, publication_views.c.views))}


def test_a_failed_write_of_views_never_reaches_the_page(tmp_path, caplog) -> None:
    """A store that cannot take the views (here: no such table) loses the batch's write,
    not the page: `record` and `flush` raise nothing; the counts are kept for the next
    batch within `max_pending`, dropped beyond it."""
    from tokkyo.documents.views import ViewCounter

    empty = Database(make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}"),
                     LocalBlobStore(tmp_path / "blobs"))
    counter = ViewCounter(empty, max_pending=2)
    counter.record(1)
    counter.record(2)
    assert counter.flush() == 0 and counter.pending() == 2      # kept
    counter.record(3)
    assert counter.flush() == 0 and counter.pending() == 0      # 3 publications: dropped
    assert "not written" in caplog.text and "dropped" in caplog.text
    counter.close()
    empty.close()
