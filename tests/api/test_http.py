"""HTTP details real JPO clients meet (issue 19): repeated slashes in the path (item 3)
and what an answer lets a client cache (item 5), over real HTTP."""

from __future__ import annotations

import httpx

from tests.api.conftest import PASSWORD, Api

PROGRESS = "api/patent/v1/app_progress/2020123456"


def test_repeated_slashes_are_one(api: Api) -> None:
    """A client joining a base URL that ends in `/` with `/auth/token` asks for
    `//auth/token`; nginx (and so the JPO) merges the slashes."""
    base = api.server.base
    login = api.user()
    answer = httpx.post(f"{base}//auth/token", timeout=30, data={
        "grant_type": "password", "username": login, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for url in (f"{base}//{PROGRESS}", f"{base}/api//patent///v1/app_progress/2020123456"):
        called = httpx.get(url, headers=auth, timeout=30)
        assert called.status_code == 200, (url, called.text)
        assert called.json()["result"]["statusCode"] == "100", (url, called.text)
    # the query string is not the path's: its slashes stay as they are
    page = httpx.get(f"{base}//documents?q=a//b", timeout=30,
                     headers={"Accept": "application/json"})
    assert page.status_code == 200, page.text
