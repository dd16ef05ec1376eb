"""Other offices' documents in the portal, over real HTTP on SQLite and PostgreSQL: their
pages and JSON (the same keys as a JP document's), their addresses with and without a
kind, number lookup in every foreign form, the country condition of every search screen,
what the store holds per country, and a trademark gazette with its mark image.

The store holds the JP gazettes, the EP grants, the 2014 USPTO grants, the CNIPA
documents, a DOCDB delivery and the JP trademark gazettes; expected values are read from
those files here."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from lxml import etree

from tests.api.server import Server
from tests.conftest import (
    FOREIGN,
    GAZETTE,
    TRADEMARK_GAZETTES,
    fresh_database,
    ingest,
    open_searched,
)
from tokkyo.config import load_settings

EP_GRANTS = FOREIGN / "ep" / "grant"
US_2014 = FOREIGN / "us" / "xml2014"
CN = FOREIGN / "cn"
DOCDB = FOREIGN / "docdb" / "DE-backfile.xml"


@dataclass
class Site:
    server: Server

    def client(self, html: bool = False) -> httpx.Client:
        accept = "text/html" if html else "application/json"
        return httpx.Client(base_url=self.server.base, timeout=60, follow_redirects=False,
                            headers={"Accept": accept, "Accept-Language": "en"})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    data = tmp_path_factory.mktemp(f"foreign-{request.param}")
    with fresh_database(request.param, request, data) as url:
        db = open_searched(load_settings(database_url=url, data_dir=str(data)))
        report = ingest(db, GAZETTE, EP_GRANTS, US_2014, CN, DOCDB, TRADEMARK_GAZETTES)
        assert report.ok, [o.reason for o in report.outcomes if o.reason]
        db.close()
        server = Server(url, data)
        try:
            yield Site(server)
        finally:
            server.stop()


def _ep(path: Path) -> tuple[str, str]:
    root = etree.parse(str(path)).getroot()
    return root.findtext(".//B110").strip(), root.findtext(".//B130").strip()


def test_an_ep_grant_has_the_keys_of_a_jp_document_and_claims_in_three_languages(site: Site):
    number, kind = _ep(EP_GRANTS / "v1-0-B1.xml")
    source = etree.parse(str(EP_GRANTS / "v1-0-B1.xml")).getroot()
    with site.client() as client:
        jp = client.get("/d/JP/patent/pub/2021044377").json()
        ep = client.get(f"/d/EP/patent/pub/{number}{kind}").json()
        latest = client.get(f"/d/EP/patent/pub/{number}").json()
    assert set(jp) <= set(ep)
    assert (ep["country"], ep["number"], ep["kind"]) == ("EP", number, kind)
    assert latest["url"] == ep["url"] == f"/d/EP/patent/pub/{number}{kind}"
    assert ep["printed_number"] == f"EP {number[0]} {number[1:4]} {number[4:]} {kind}"
    by_language = {c.get("lang"): len(c.findall("claim")) for c in source.iter("claims")}
    stored: dict[str, int] = {}
    for claim in ep["claims"]:
        language = claim["language"] or ep["language"]
        stored[language] = stored.get(language, 0) + 1
    assert stored == by_language and len(by_language) == 3
    with site.client(html=True) as client:
        page = client.get(f"/d/EP/patent/pub/{number}{kind}").text
    assert (f'<p class="docnum" id="doc-number">{ep["printed_number"]}</p>\n'
            f'<h1 id="doc-title" lang="{ep["language"]}" translate="no">{ep["title"]}</h1>') in page
    # each claim marked with its language; a heading above the other languages' claims
    assert set(by_language) == set(re.findall(r'<p class="claim" lang="(\w+)"', page))
    assert len(re.findall(r"<h3>Claims \((German|French|English)\)</h3>", page)) == 2


def test_a_document_address_with_a_kind_the_number_does_not_have_is_not_found(site: Site):
    number, _kind = _ep(EP_GRANTS / "v1-0-B1.xml")
    with site.client() as client:
        answer = client.get(f"/d/EP/patent/pub/{number}A3")
        missing = client.get("/d/EP/patent/pub/9999999")
    assert answer.status_code == 404 and missing.status_code == 404


@pytest.mark.parametrize("written, expected", [
    ("EP1442058B1", "/d/EP/patent/pub/1442058B1"),
    ("EP 1 442 058", "/d/EP/patent/pub/1442058B1"),
    ("EP.1442058.B1", "/d/EP/patent/pub/1442058B1"),
    ("US 8,926,509 B2", "/d/US/patent/pub/8926509B2"),
    ("US8926509", "/d/US/patent/pub/8926509B2"),
])
def test_number_lookup_reads_foreign_forms(site: Site, written: str, expected: str):
    with site.client() as client:
        answer = client.get("/number", params={"q": written})
    assert answer.status_code == 200, answer.text
    assert [c["url"] for c in answer.json()["cases"]] == [expected]


def test_a_cnipa_number_finds_the_cn_document_not_a_jp_one(site: Site):
    text = (CN / "cn_old1.xml").read_text(encoding="utf-8-sig")
    number = re.search(r"publication-reference>.*?<doc-number>(\d+)</doc-number>", text,
                       re.DOTALL).group(1)
    with site.client() as client:
        cases = client.get("/number", params={"q": f"CN{number}"}).json()["cases"]
    assert [(c["country"], c["document"]) for c in cases] == [("CN", number)]


def test_the_country_condition_and_what_the_store_holds(site: Site):
    ep_files = sorted(EP_GRANTS.glob("*.xml"))
    with site.client() as client:
        found = client.get("/q/all", params={"e": "EP/CC"}).json()
        both = client.get("/q/all", params={"e": "[EP/CC+US/CC]"}).json()
        simple = client.get("/simple", params={"q": "method", "cc": "us"})
    assert found["total"] == len(ep_files)
    assert {h["country"] for h in found["hits"]} == {"EP"}
    assert both["total"] == len(ep_files) + len(list(US_2014.glob("*.xml")))
    held = {c["country"]: c for c in found["coverage"]}
    assert held["EP"]["documents"] == len(ep_files)
    assert held["EP"]["with_claims"] == sum(
        1 for f in ep_files if etree.parse(str(f)).getroot().find("claims") is not None)
    assert held["JP"]["documents"] == len(list(GAZETTE.glob("*.xml"))) + len(
        list(TRADEMARK_GAZETTES.glob("*.SGM")))
    assert simple.status_code == 303
    assert "US%2FCC" in simple.headers["location"]


def test_a_trademark_gazette_shows_its_mark(site: Site):
    from PIL import Image

    tiff = Image.open(TRADEMARK_GAZETTES / "5721010.IMG")
    with site.client() as client:
        view = client.get("/d/JP/trademark/reg/5721010").json()
        image = client.get("/d/JP/trademark/reg/5721010/file/0")
        missing = client.get("/d/JP/trademark/reg/5721010/file/9")
    assert view["files"] == [{"name": "5721010.IMG", "media_type": "image/tiff",
                              "present": True}]
    assert view["trademark"]["display"] == view["title"] == "古代酵素"
    assert image.headers["content-type"] == "image/png"
    png = Image.open(io.BytesIO(image.content))
    assert (png.format, png.size) == ("PNG", tiff.size)
    assert missing.status_code == 404


def test_the_demo_banner_s_foreign_pages_are_pages_for_a_browser(site: Site):
    from tokkyo.cli.serve import demo_banner

    lines = [line.split()[0] for line in demo_banner(site.server.base).splitlines()[1:]
             if "CC" in line or "/d/EP/" in line or "/trademark/" in line]
    assert len(lines) == 3
    with site.client(html=True) as client:
        for url in lines:
            answer = client.get(url)
            assert answer.status_code == 200, url
            assert answer.headers["content-type"].startswith("text/html"), url
