"""Accumulated translations on the portal, over real HTTP (issue 17, item 4): the search
form offers originals and translations / originals only / translations only, the choice
stays in the permalink, and a hit found in a stored machine translation is marked
"machine translation" on the result list. The EP grants are translated into Japanese by
the `identity` engine with the glossary pinning peptide → ペプチド, so the Japanese term
is only in the translation."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.server import Server
from tests.conftest import FOREIGN, index_due, ingest
from tokkyo.config import load_settings
from tokkyo.search import service as search_service
from tokkyo.search.backends.tantivy import TantivyBackend
from tokkyo.store.database import Database
from tokkyo.translate import accumulate, routing
from tokkyo.translate.glossary import Entry, Glossary
from tokkyo.translate.service import Platform

HEADERS = {"Accept": "text/html", "Accept-Language": "en"}
ROUTES = """
[engines.id]
type = "identity"
pairs = ["en-ja"]
[[routes]]
source = "en"
target = "ja"
engine = "id"
mode = "accumulate"
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("translated-search")
    url = f"sqlite:///{data / 'tokkyo.sqlite3'}"
    settings = load_settings(database_url=url, data_dir=str(data))
    db = Database.open(settings)
    db.upgrade()
    search_service.attach(db.engine, TantivyBackend(settings.search_path))
    ingest(db, FOREIGN / "ep" / "grant")
    report = accumulate.run(db, Platform(routing.parse(ROUTES, "test"),
                                         glossary=Glossary([Entry("ペプチド", "peptide")])))
    assert report.publications and not report.failures
    index_due(db)
    db.close()
    server = Server(url, data)
    try:
        yield server.base
    finally:
        server.stop()


def page(base: str, flags: str = "") -> str:
    with httpx.Client(base_url=base, timeout=60, headers=HEADERS) as c:
        answer = c.get("/q/patent", params={"e": "ペプチド/TI", "n": flags})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_a_hit_in_a_translation_is_marked(base: str) -> None:
    both = page(base)
    assert 'class="badge mt"' in both and "machine translation" in both
    assert "recombitope" in both                        # the EP grant, shown in English
    assert page(base, "t").count('class="badge mt"') == both.count('class="badge mt"')


def test_originals_only_finds_no_translation(base: str) -> None:
    original = page(base, "o")
    assert "recombitope" not in original and 'class="badge mt"' not in original
    # the page says so, and its forms and links keep the choice
    assert "Foreign documents: search: originals only" in original
    assert '<input type="hidden" name="n" value="o">' in original


def test_the_form_offers_the_three_scopes(base: str) -> None:
    with httpx.Client(base_url=base, timeout=60, headers=HEADERS) as c:
        form = c.get("/search/patent").text
    for label in ("originals and stored translations", "originals only",
                  "translations only"):
        assert label in form
    assert 'name="n" value="" checked' in form
