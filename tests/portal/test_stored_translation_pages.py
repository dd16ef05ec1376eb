"""Stored (accumulated) translations on the document pages (issue 17, item 4;
translation.md §4), through the app on SQLite and PostgreSQL: an EP grant (English, with
German and French claims) is translated by `tokkyo translate run`'s path into Japanese
and stored; the app then serves with an engine that fails for English, so what its
Japanese page shows beside the original can only come from the store. Sections with no
stored translation fall back to the real-time path; a stale translation is shown and
said to be stale; the JSON twins carry the stored translation; HTML page views are
counted and written when the app stops."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import FOREIGN, ingest
from tokkyo.app import create_app
from tokkyo.config import load_settings
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import claims, publication_views, publications, stored_translations
from tokkyo.translate import accumulate, routing
from tokkyo.translate.glossary import Entry, Glossary
from tokkyo.translate.service import Platform

DOCUMENT = "/d/EP/patent/pub/1442058"
#: What accumulated the translations: identity (version 1) for titles and claims, with
#: the glossary pinning peptide → ペプチド so the translation differs from the original.
STORING = """
[engines.identity]
type = "identity"
pairs = ["en-ja"]
version = "1"

[[routes]]
source = "en"
target = "ja"
kinds = ["title", "claims"]
engine = "identity"
mode = "accumulate"
"""
#: What the app serves with: the same engine and version, set to fail, for every kind.
SERVING = """
[engines.identity]
type = "identity"
pairs = ["en-ja"]
version = "{version}"
fail = "terminal"

[[routes]]
source = "en"
target = "ja"
kinds = ["*"]
engine = "identity"
"""


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Database]:
    database = Database(make_engine(database_url), LocalBlobStore(tmp_path / "blobs"))
    report = ingest(database, FOREIGN / "ep" / "grant" / "v1-0-B1.xml")
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    done = accumulate.run(database, Platform(routing.parse(STORING, "test"),
                                             glossary=Glossary([Entry("ペプチド", "peptide")])))
    assert done.publications == 1 and not done.failures
    yield database
    database.close()


def app(store: Database, tmp_path: Path, version: str = "1") -> TestClient:
    routes = tmp_path / f"serving-{version}.toml"
    routes.write_text(SERVING.format(version=version), "utf-8")
    settings = load_settings(None, data_dir=str(tmp_path), translate_routes=str(routes))
    return TestClient(create_app(settings, store), headers={"Accept": "text/html"})


def stored(store: Database) -> dict[str, list[str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(stored_translations.c.section,
                                      stored_translations.c.text)).all()
    return {r.section: r.text.split("\n") for r in rows}


def cells(page: str, part: str) -> dict[int, str]:
    return {int(i): htmllib.unescape(text) for i, text in re.findall(
        rf'data-mt="{part}-(\d+)"[^>]*>(.*?)</(?:div|p|span)>', page, re.S)}


def note(page: str, part: str) -> tuple[str, str]:
    found = re.search(rf'<p class="mt-note" data-state="(\w+)" data-mt-note="{part}"'
                      rf'[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no note for {part}"
    return found.group(1), htmllib.unescape(re.sub(r"<[^>]+>", "", found.group(2)))


def test_the_japanese_page_shows_the_stored_translation_without_an_engine(
        store: Database, tmp_path: Path) -> None:
    held = stored(store)
    assert set(held) == {"title", "claims"} and any("ペプチド" in u for u in held["claims"])
    with app(store, tmp_path) as client:
        original = client.get(DOCUMENT, headers={"Accept": "application/json"}).json()
        page = client.get(DOCUMENT, params={"lang": "ja"}).text
        twin = client.get(DOCUMENT, params={"lang": "ja"},
                          headers={"Accept": "application/json"}).json()
        section = client.get(f"{DOCUMENT}/claims", params={"lang": "ja"},
                             headers={"Accept": "application/json"}).json()
        endpoint = client.get(f"{DOCUMENT}/translation", params={"lang": "ja"}).json()
        english = client.get(DOCUMENT, params={"lang": "en"},
                             headers={"Accept": "application/json"}).json()
        for _ in range(2):
            client.get(f"{DOCUMENT}/claims", params={"lang": "ja"})
    # claims: the stored lines beside the English claims only (German and French ones
    # are not translated), labelled with engine, version and time, done without the
    # (failing) engine
    english_claims = [i for i, c in enumerate(original["claims"])
                      if (c.get("language") or "en") == "en"]
    assert 0 < len(english_claims) < len(original["claims"])
    shown = cells(page, "claims")
    assert {i for i, text in shown.items() if text} == set(english_claims)
    assert [shown[i] for i in english_claims] == held["claims"]
    state, label = note(page, "claims")
    assert state == "done"
    assert re.fullmatch(r"機械翻訳（identity、版 1、\d{4}-\d\d-\d\d \d\d:\d\d UTC 作成）"
                        r"— 蓄積訳・参考訳", label), label
    assert 'data-mt-note="claims" data-stored="1"' in page and "mt-stale" not in page
    assert cells(page, "title") == {0: held["title"][0]}
    # the description has no stored translation: the real-time path, whose engine fails
    assert note(page, "description")[0] == "failed"
    assert "the identity engine is set to fail (terminal)" in note(page, "description")[1]
    # the JSON twins carry it: the real-time keys plus stored and its time
    mt = twin["machine_translation"]
    assert (mt["source"], mt["target"], mt["pending"]) == ("en", "ja", False)
    assert set(mt["parts"]) == {"title", "claims"}      # no engine is asked in JSON
    claims_part = mt["parts"]["claims"]
    assert set(endpoint["parts"]["description"]) < set(claims_part)
    assert claims_part["stored"] is True and claims_part["stale"] == ""
    assert claims_part["translated_at"].startswith("20") and claims_part["engine"] == "identity"
    assert [claims_part["units"][i] for i in english_claims] == held["claims"]
    assert mt["url"] == f"{DOCUMENT}/translation?lang=ja"
    assert section["machine_translation"]["parts"]["claims"] == claims_part
    assert endpoint["parts"]["claims"] == claims_part
    assert endpoint["parts"]["description"]["stored"] is False
    assert "machine_translation" not in english            # the page's own language
    # three HTML pages were read (JSON answers are not page views): written at the stop
    with store.engine.connect() as conn:
        views = conn.execute(sa.select(publication_views.c.views)).scalars().all()
    assert views == [3]


def test_a_stale_translation_is_shown_and_said_to_be_stale(store: Database,
                                                            tmp_path: Path) -> None:
    held = stored(store)
    with app(store, tmp_path, version="2") as client:      # the engine was upgraded
        upgraded = client.get(DOCUMENT, params={"lang": "ja"}).text
    state, label = note(upgraded, "claims")
    assert state == "done" and "現在の設定とは別のエンジンまたは版による訳です" in label
    assert 'data-stale="version"' in upgraded
    with store.engine.begin() as conn:                     # the original was corrected
        pub = conn.execute(sa.select(publications.c.id).where(
            publications.c.number == "1442058")).scalar_one()
        conn.execute(sa.update(claims).where(claims.c.publication_id == pub,
                                             claims.c.position == 0)
                     .values(text=claims.c.text + " (corrected)"))
    with app(store, tmp_path) as client:
        page = client.get(DOCUMENT, params={"lang": "ja"}).text
        twin = client.get(DOCUMENT, params={"lang": "ja"},
                          headers={"Accept": "application/json"}).json()
    assert note(page, "claims")[0] == "done"
    assert "この訳の作成後に原文が変わりました" in note(page, "claims")[1]
    assert 'data-stale="source"' in page
    assert [t for t in cells(page, "claims").values() if t] == held["claims"]  # not hidden
    part = twin["machine_translation"]["parts"]["claims"]
    assert part["stale"] == "source" and part["notice"].startswith("この訳の作成後に")
    assert twin["machine_translation"]["parts"]["title"]["stale"] == ""
