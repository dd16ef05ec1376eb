"""The e-filing page in a real browser (Debian's Chromium driven by Playwright): upload the
sample application with defects, follow a finding to its line, switch to English, upload
the clean sample and download its XML package; no serious or critical axe-core violation
on the form and on both results; nothing scrolls sideways at a phone's width."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.server import Server
from tests.browser import needs_chromium, violations
from tests.conftest import open_searched
from tokkyo.config import load_settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "efiling"
CLEAN = [SAMPLES / "tokkyo-sample.htm", SAMPLES / "tokkyo-sample.files" / "image001.gif"]
DEFECTS = [SAMPLES / "defects" / "tokkyo-defects.htm", SAMPLES / "defects" / "image001.png"]

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("efile-browser")
    url = f"sqlite:///{data / 'tokkyo.sqlite3'}"
    db = open_searched(load_settings(database_url=url, data_dir=str(data), environ={}))
    db.upgrade()
    db.close()
    server = Server(url, data)
    try:
        yield server
    finally:
        server.stop()


def test_upload_see_findings_and_download(browser, site, tmp_path):
    # bypass_csp: axe-core is injected as an inline script, which the pages' CSP refuses
    context = browser.new_context(bypass_csp=True, accept_downloads=True, locale="ja-JP",
                                  viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{site.base}/")
    page.click("header nav a[href='/efile']")
    page.wait_for_selector("#efile-form")
    assert violations(page) == []

    page.set_input_files("#efile-files", [str(p) for p in DEFECTS])
    page.click("#efile-form button")
    page.wait_for_selector("#efile-findings")
    assert "エラー 8 件、警告 1 件" in page.inner_text("#efile-summary")
    assert page.locator("#efile-download").count() == 0
    row = page.locator("#efile-findings tr[data-code='claim-number-gap']")
    line = row.get_attribute("data-line")
    row.locator("a.goto").click()
    assert page.evaluate("location.hash") == f"#L{line}"
    assert "【請求項５】" in page.inner_text(f"#L{line}")
    assert page.evaluate(f"document.getElementById('L{line}').getBoundingClientRect().top"
                         ) < 900                            # scrolled to it
    assert violations(page) == []

    page.click("#lang-switch")                      # back to the form, in English
    page.wait_for_selector("text=E-filing: check and convert an application")
    page.set_input_files("#efile-files", [str(p) for p in CLEAN])
    page.click("#efile-form button")
    page.wait_for_selector("#efile-download")
    assert "0 errors, 0 warnings" in page.inner_text("#efile-summary")
    assert page.locator("#efile-preview img.figure").count() == 1
    with page.expect_download() as caught:
        page.click("#efile-download")
    saved = tmp_path / "package.zip"
    caught.value.save_as(saved)
    names = zipfile.ZipFile(io.BytesIO(saved.read_bytes())).namelist()
    assert names == ["JPOXMLDOC01-jpbibl.xml", "JPOXMLDOC01-appb.xml",
                     "JPOXMLDOC01-appb-D000001.gif"]
    assert violations(page) == []
    context.close()


def test_no_sideways_scroll_at_a_phone_width(browser, site):
    context = browser.new_context(bypass_csp=True, locale="ja-JP",
                                  viewport={"width": 375, "height": 812},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{site.base}/efile")
    page.set_input_files("#efile-files", [str(p) for p in DEFECTS])
    page.click("#efile-form button")
    page.wait_for_selector("#efile-findings")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375
