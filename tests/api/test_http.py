"""HTTP details real JPO clients meet (issue 19): repeated slashes in the path (item 3)
and what an answer lets a client cache (item 5), over real HTTP."""

from __future__ import annotations

import httpx

from tests.api.conftest import PASSWORD, UNLIMITED, Api
from tests.api.server import Server

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


def test_what_a_client_may_cache(api: Api) -> None:
    """A data answer (100) may be kept by the client until the next 00:00 JST; errors,
    limits and token answers are not kept (issue 19, item 5)."""
    server = Server(api.url, api.data, now="2026-11-21T22:30:00+09:00", **UNLIMITED)
    try:
        until_midnight = "private, max-age=5400"            # 22:30 JST + 1 h 30 min
        token = server.token(api.user(), PASSWORD)
        assert server.token_answer(api.user(), PASSWORD).headers["cache-control"] == "no-store"
        assert server.token_answer("nobody", "wrong").headers["cache-control"] == "no-store"
        kept = {f"/{PROGRESS}": "application/json",
                "/api/patent/v1/app_doc_cont_refusal_reason/2020123456": "application/zip",
                "/opdapi/patent/v1/family_list/application/JP.2020123456.A":
                    "application/json"}
        for path, kind in kept.items():
            answer = server.get(path, token)
            assert answer.status_code == 200, (path, answer.text)
            assert answer.headers["content-type"].startswith(kind), path
            assert answer.headers["cache-control"] == until_midnight, path
        head = server.client.head(f"/{PROGRESS}", headers={"Authorization": f"Bearer {token}"})
        assert head.headers["cache-control"] == until_midnight
        for path, code in (("/api/patent/v1/app_progress/2099999999", "107"),
                           ("/api/patent/v1/app_progress/20201234", "107"),
                           ("/api/patent/v1/case_number_reference/kind/2020123456", "204"),
                           ("/api/patent/v1/no_such_operation/2020123456", "301"),
                           ("/opdapi/patent/v1/family_list/application/JP.2099999999.A",
                            None)):
            answer = server.get(path, token)
            if code is not None:
                assert answer.json()["result"]["statusCode"] == code, (path, answer.text)
            assert answer.headers["cache-control"] == "no-store", (path, answer.text)
        assert server.get(f"/{PROGRESS}", None).headers["cache-control"] == "no-store"  # 210
        assert server.get(f"/{PROGRESS}", "not-a-token").headers["cache-control"] == "no-store"
    finally:
        server.stop()


def test_opd_answers_json_unless_xml_is_asked_for(api: Api) -> None:
    """OPD's format when no XML is asked for (issue 19, item 4): the evidence on the live
    OPD's default is not conclusive (README), so tokkyo keeps JSON, the domestic API's
    form; `Accept: application/xml` gives the `<api-data>` XML."""
    token = api.token()
    path = "/opdapi/patent/v1/family_list/application/JP.2020123456.A"
    auth = {"Authorization": f"Bearer {token}"}
    for accept in ("*/*", None):
        headers = {**auth, "Accept": accept} if accept else auth
        request = api.server.client.build_request("GET", path, headers=headers)
        if accept is None:
            del request.headers["Accept"]
        answer = api.server.client.send(request)
        assert answer.headers["content-type"].startswith("application/json"), accept
        assert answer.json()["result"]["statusCode"] == "100"
    xml = api.server.get(path, token, {"Accept": "application/xml"})
    assert xml.headers["content-type"].startswith("application/xml")
    assert b'<api-data xmlns="https://www.jpo.go.jp">' in xml.content
