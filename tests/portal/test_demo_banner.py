"""The demo's banner (issue 19, item 15) points at the portal pages the README lists,
pages a browser shows, not the API's raw JSON (/documents, /search?q=電池)."""

from __future__ import annotations

from pathlib import Path

from tokkyo.cli.serve import demo_banner

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_banner_names_the_portal_pages():
    banner = demo_banner("http://127.0.0.1:8000")
    assert banner.splitlines() == [
        "tokkyo demo on http://127.0.0.1:8000/  try:",
        "  http://127.0.0.1:8000/  (the search portal)",
        "  http://127.0.0.1:8000/q/all?e=電池  (a result list)",
        "  http://127.0.0.1:8000/d/JP/patent/pub/2021044377  (a document)",
        "  http://127.0.0.1:8000/d/JP/patent/pub/2021044377?lang=en  "
        "(the same in English, beside its machine translation)",
        "  http://127.0.0.1:8000/q/patent?e=semiconductor%2FTX&x=1  "
        "(cross-language search: an English query over Japanese documents)",
        "  http://127.0.0.1:8000/d/JP/patent/app/2020123456  "
        "(a case, its true legal status and history)",
        "  http://127.0.0.1:8000/q/all?e=EP%2FCC%2BUS%2FCC  "
        "(other offices' documents (EP, US, CN, WO, DOCDB))",
        "  http://127.0.0.1:8000/d/EP/patent/pub/1442058B1  "
        "(an EP grant, its claims in three languages)",
        "  http://127.0.0.1:8000/d/JP/trademark/reg/5721010  (a trademark gazette with its mark)",
        "  http://127.0.0.1:8000/bulk  (bulk downloads)",
        "  http://127.0.0.1:8000/efile  (e-filing: check an application, e.g. "
        "samples/efiling/)"]
    assert "/documents" not in banner and "/search?q=" not in banner
    readme = README.read_text("utf-8")
    for line in banner.splitlines()[1:]:                 # the README's "Try:" list has each
        assert f"\n- {line.split()[0]} — " in readme, line


def test_each_page_of_the_banner_is_a_page_for_a_browser(portal):
    """The JP pages here; the foreign and trademark-gazette pages, which this store does
    not hold, in tests/portal/test_foreign_pages.py."""
    client = portal.client("en", signed_in=True)
    for line in demo_banner(portal.base).splitlines()[1:]:
        if "CC" in line or "/d/EP/" in line or "/trademark/" in line:
            continue
        answer = client.get(line.split()[0], follow_redirects=True)
        assert answer.status_code == 200, line
        assert answer.headers["content-type"].startswith("text/html"), line
