"""End to end in a real browser: Debian's Chromium driven by Playwright (never Playwright's
own browser download). Simple search → result list → document page → its claims address →
CSV download → save a formula → export → import; the English switch. Screenshots of each
main page are kept as test artifacts in build/test-artifacts/; with
TOKKYO_UPDATE_SCREENSHOTS=1 the README's (docs/screenshots/) are refreshed from them."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

from tests.browser import needs_chromium
from tests.portal.conftest import PASSWORD, USER

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = needs_chromium


def shot(page, name: str) -> None:
    """The whole page as an artifact; the first screen of it for the README."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))


def test_search_to_document_to_csv_to_formulas(browser, portal, tmp_path):
    context = browser.new_context(accept_downloads=True, locale="ja-JP",
                                  viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{portal.base}/login")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button")
    page.wait_for_url(f"{portal.base}/")
    shot(page, "01-simple-search")

    page.fill("#q", "電池 ウェーハ")
    page.click("#simple-form button")
    page.wait_for_selector("#results")
    assert page.inner_text("#hit-count") == "2件"
    assert "電池/TX" in page.inner_text("#interpreted")
    shot(page, "02-result-list")

    page.click("a.doc >> nth=0")
    page.wait_for_selector("#doc-title")
    assert "請求項1" in page.content()
    assert page.inner_text("#status-text")
    shot(page, "03-document")
    page.click("#tabs a[data-section=claims]")       # a section address: a plain link
    page.wait_for_url(re.compile(r"/d/JP/patent/pub/\d{10}/claims\?lang=ja$"))
    assert "請求項1" in page.content() and page.locator("#biblio").count() == 0
    page.go_back()
    page.wait_for_selector("#doc-title")
    page.go_back()
    page.wait_for_selector("#results")

    with page.expect_download() as caught:
        page.click("#csv-plain")
    saved = tmp_path / "result.csv"
    caught.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_bytes()[3:].decode("utf-8"))))
    assert rows[0][0] == "文献番号" and len(rows) == 3
    assert {r[0] for r in rows[1:]} == {"特開2021-044377", "特開2021-044249"}

    page.fill("#save-formula input[name=name]", "電池とウェーハ")
    page.click("#save-formula button")
    page.wait_for_selector("#formulas")
    assert "電池とウェーハ" in page.inner_text("#formulas")
    shot(page, "04-formulas")

    with page.expect_download() as caught:
        page.click("#export")
    exported = tmp_path / "formulas.json"
    caught.value.save_as(exported)
    assert "電池とウェーハ" in exported.read_text("utf-8")

    page.click("#formulas button")                    # delete it
    page.wait_for_selector("#formulas tr.empty")
    page.set_input_files("#import-form input[type=file]", str(exported))
    page.click("#import-form button")
    page.wait_for_selector("#formulas")
    assert "電池とウェーハ" in page.inner_text("#formulas")

    page.click("#lang-switch")
    page.wait_for_selector("text=Saved search formulas")
    page.goto(f"{portal.base}/")
    assert "Simple search" in page.content()          # remembered
    page.goto(f"{portal.base}/q/all?e=%E9%9B%BB%E6%B1%A0*%5B")
    assert "Position 5" in page.inner_text("#message")
    shot(page, "05-error-en")
    context.close()
    if os.environ.get("TOKKYO_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in ("02-result-list", "03-document"):
            shutil.copyfile(ARTIFACTS / f"{name}-screen.png", DOCS / f"{name}.png")


def test_visitors_keep_their_formulas_in_the_browser(browser, portal, tmp_path):
    """A visitor (not signed in) saves up to five formulas in this browser, is told so in
    the page's language at the sixth, deletes one, imports a file that would pass the
    limit and chooses which to keep, and exports what is kept."""
    context = browser.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    for i in range(5):
        page.goto(f"{portal.base}/q/all?lang=en&e=%E9%9B%BB%E6%B1%A0{i}")
        page.fill("#save-formula input[name=name]", f"v{i}")
        page.click("#save-formula button")
        page.wait_for_url(f"{portal.base}/me/formulas")
    page.goto(f"{portal.base}/q/all?lang=en&e=%E9%9B%BB%E6%B1%A0")
    page.fill("#save-formula input[name=name]", "v5")
    page.click("#save-formula button")
    assert page.inner_text("#formula-message") == (
        "You already keep 5 formulas, the most allowed. Delete one first.")

    page.goto(f"{portal.base}/me/formulas")
    names = page.locator("#formulas tbody tr td:first-child")
    assert names.all_inner_texts() == ["v0", "v1", "v2", "v3", "v4"]
    page.click("#formulas button.delete >> nth=0")
    assert names.all_inner_texts() == ["v1", "v2", "v3", "v4"]

    upload = tmp_path / "three.json"          # one of them named as a saved one: v1
    upload.write_text(json.dumps({"format": "tokkyo-formulas", "version": 1, "formulas": [
        {"name": "v1", "law": "all", "expression": "一/TI"},
        {"name": "#2", "law": "all", "expression": "二/TI"},
        {"name": "#3", "law": "all", "expression": "三/TI"}]}), "utf-8")
    page.set_input_files("#import-form input[type=file]", str(upload))
    page.click("#import-form button")
    page.wait_for_selector("#visitor-choose")
    assert "you can keep 1 more" in page.inner_text("#visitor-choose")
    assert names.all_inner_texts() == ["v1", "v2", "v3", "v4"]     # nothing taken yet
    page.check("#visitor-choose input[value='1']")
    page.check("#visitor-choose input[value='2']")
    page.click("#visitor-choose button")                              # two do not fit
    assert "you can keep 1 more" in page.inner_text("#formula-message")
    page.uncheck("#visitor-choose input[value='2']")
    page.click("#visitor-choose button")
    page.wait_for_selector("#formulas tbody tr >> nth=4")
    assert names.all_inner_texts() == ["v1", "v2", "v3", "v4", "#2"]
    shot(page, "06-visitor-formulas")

    with page.expect_download() as caught:
        page.click("#export")
    exported = tmp_path / "visitor.json"
    caught.value.save_as(exported)
    kept = json.loads(exported.read_text("utf-8"))["formulas"]
    assert [(f["name"], f["expression"]) for f in kept][-1] == ("#2", "二/TI")
    assert len(kept) == 5
    context.close()
