"""Accessibility in a real browser: Debian's Chromium driven by Playwright opens the main
portal and bulk-site pages in Japanese and in English, injects axe-core (a vendored copy,
tests/portal/vendor/, so no network at test time) and fails on any rule violation of
impact serious or critical, listing each with the elements it found. A second check at a
phone's width (375 px) fails on any page that scrolls sideways. One browser for the module;
the site is loaded once (gazettes, recorded answers, one published bulk product)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from tests.api.server import SECRET, Server
from tests.browser import needs_chromium, violations
from tests.conftest import GAZETTE, REAL, fresh_database, ingest, open_searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog, publish
from tokkyo.config import load_settings
from tokkyo.store.repositories import users

USER = "a11y-user1"
PASSWORD = "a11y-password-1"
TERMS = "2026-04"

pytestmark = needs_chromium

#: The main pages: home, a per-law form, a result list, a document, a case, a number
#: lookup, sign-in, saved formulas (its table is built in the browser), the bulk catalogue,
#: its announcements and status (its status badges); the release page is found.
PAGES = ("/", "/search/patent", "/q/patent?e=電池", "/d/JP/patent/pub/2021044377",
         "/d/JP/patent/app/2020123456", "/number?q=2021-044377", "/login", "/me/formulas",
         "/bulk", "/bulk/announcements", "/bulk/status")
#: What a signed-in user sees besides: the sign-out button, saved formulas kept on the
#: server, their downloads and the archived-data request form.
USER_PAGES = ("/", "/q/patent?e=電池", "/me/formulas", "/bulk/me", "/bulk/archive")


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Server]:
    """tokkyo on SQLite with the gazettes and recorded answers and one bulk product
    published, so that there is a release page to open, and one user who accepted the
    bulk terms."""
    folder = tmp_path_factory.mktemp("accessibility")
    with fresh_database("sqlite", request, folder) as url:
        db = open_searched(load_settings(database_url=url, data_dir=str(folder), environ={}))
        assert ingest(db, GAZETTE, REAL).ok
        with db.engine.begin() as conn:
            users.update(conn, accounts.add_user(conn, Policy(secret=SECRET.encode()), USER,
                                                 PASSWORD), consent_version=TERMS)
            catalog.ensure_products(conn)
            publish.publish(conn, db.blobs, catalog.PRODUCTS[0].id, release_type="backfile",
                            now=dt.datetime.now(dt.UTC), workdir=folder / "work")
        db.close()
        server = Server(url, folder, bulk_terms_version=TERMS)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def pages(browser, site: Server) -> list[str]:
    """The main pages plus the first release page the catalogue links to."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site.base}/bulk")
    product = page.locator("tr.product a").first.get_attribute("href")
    page.goto(f"{site.base}{product}")
    release = page.locator("a[href^='/bulk/releases/']").first.get_attribute("href")
    context.close()
    assert release and re.fullmatch(r"/bulk/releases/[^/]+", release), release
    return [*PAGES, release]


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.mark.parametrize(("lang", "signed_in"), [("ja", False), ("en", False), ("ja", True),
                                                  ("en", True)])
def test_main_pages_have_no_serious_or_critical_axe_violation(browser, site, pages, lang,
                                                              signed_in):
    context = browser.new_context(bypass_csp=True, locale="ja-JP" if lang == "ja" else "en-US",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if signed_in:
        page.goto(f"{site.base}/login?lang={lang}")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button")
        page.wait_for_url(f"{site.base}/")
        assert page.locator("header .who").inner_text() == USER
    report: dict[str, list[str]] = {}
    for path in USER_PAGES if signed_in else pages:
        answer = page.goto(f"{site.base}{with_lang(path, lang)}")
        assert answer is not None and answer.status == 200, path
        assert page.get_attribute("html", "lang") == lang, path
        if found := violations(page):
            report[path] = found
    context.close()
    assert report == {}, "\n".join(f"{p}\n  " + "\n  ".join(v) for p, v in report.items())


def test_no_page_scrolls_sideways_at_a_phone_width(browser, site, pages):
    context = browser.new_context(bypass_csp=True, locale="ja-JP",
                                  viewport={"width": 375, "height": 812},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    wide: dict[str, int] = {}
    for path in pages:
        for lang in ("ja", "en"):
            page.goto(f"{site.base}{with_lang(path, lang)}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                wide[with_lang(path, lang)] = width
    context.close()
    assert wide == {}


def test_the_first_tab_offers_a_skip_to_the_content(browser, site):
    """Keyboard users reach the page's content without tabbing through the menu."""
    context = browser.new_context(bypass_csp=True, locale="en-US")
    page = context.new_page()
    page.goto(f"{site.base}/search/patent?lang=en")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent,"
                            " document.activeElement.getBoundingClientRect().top >= 0]")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    after = page.evaluate("document.activeElement.getAttribute('aria-label')")
    context.close()
    assert focused == ["skip", "Skip to the page's content", True]
    assert after == "Field of row 1"


def test_the_check_finds_an_unlabelled_field_and_faint_text(browser):
    """The axe check is not vacuous: a page with the faults it must catch fails it."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>Form</h1>'
                     '<input id="q"><p style="color:#bbb">faint</p></main></body></html>')
    found = violations(page)
    context.close()
    assert [v.split(" ", 1)[0] for v in found] == ["color-contrast", "label"]
    assert found[1].startswith("label (critical): Form elements must have labels — #q")
