"""The browser every browser test drives: Debian's Chromium (/usr/bin/chromium, or
TOKKYO_TEST_CHROMIUM) through Playwright with `executable_path` (Playwright's own browser
download is never used), one per test module; and axe-core's check of an open page.

A module marks itself `pytestmark = needs_chromium` and asks for the fixture `browser`
(tests/conftest.py imports it, so every test module has it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("TOKKYO_TEST_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "portal" / "vendor" / "axe.min.js"
#: The impacts that fail an accessibility check; moderate and minor ones are left to review.
FAILING = ("serious", "critical")

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("TOKKYO_REQUIRE_BROWSER"),
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium); CI installs it")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox"])
        yield chromium
        chromium.close()


def violations(page: Any) -> list[str]:
    """Each serious or critical axe-core violation on the open page: rule, impact and the
    first elements it names. axe-core is added as a script: the context needs
    `bypass_csp=True` (the pages' CSP refuses it)."""
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("axe.version") == "4.14.1"      # the vendored copy, really loaded
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                          ".violations.map(v => [v.id, v.impact, v.help,"
                          " v.nodes.slice(0, 3).map(n => n.target.join(' '))])")
    return [f"{rule} ({impact}): {help_} — {'; '.join(nodes)}"
            for rule, impact, help_, nodes in found if impact in FAILING]
