"""The CSV links of a result list (issue 19, item 13), over HTTP: a visitor's lead to
sign-in and back to the CSV (they led to a 401 page whose only link was "←"); a signed-in
user's lead to the CSV itself; the 401 page of the CSV address offers the sign-in link
that comes back to it."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from tests.portal.conftest import PASSWORD, USER
from tokkyo.model import urls


def _link(page: str, anchor: str) -> str:
    return html.unescape(re.search(rf'<a href="([^"]*)" id="{anchor}">', page)[1])


def test_a_visitors_csv_links_go_through_sign_in_and_back(portal):
    visitor = portal.client("en")
    page = visitor.get("/q/all", params={"e": "ウェーハ"}).text
    csv_path = urls.csv("all", "ウェーハ/TX", "", "relevance")
    for anchor, target in (("csv-plain", csv_path), ("csv-abstract", f"{csv_path}&abstract=1")):
        link = _link(page, anchor)
        assert link == urls.sign_in(target), link
        assert urlsplit(link).path == "/login"
        next_path = parse_qs(urlsplit(link).query)["next"][0]
        assert next_path == target
        # the sign-in form carries the CSV address, and signing in goes there
        form = visitor.get(link).text
        assert html.unescape(re.search(r'name="next" value="([^"]*)"', form)[1]) == target
        answer = visitor.post("/login", data={"username": USER, "password": PASSWORD,
                                              "next": next_path})
        assert answer.status_code == 303 and answer.headers["location"] == target
        visitor.cookies.clear()


def test_a_signed_in_users_csv_links_are_the_csv(portal):
    client = portal.client("en", signed_in=True)
    page = client.get("/q/all", params={"e": "ウェーハ"}).text
    link = _link(page, "csv-plain")
    assert link == urls.csv("all", "ウェーハ/TX", "", "relevance")
    answer = client.get(link)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert _link(page, "csv-abstract") == f"{link}&abstract=1"


def test_the_csv_address_answers_a_visitor_with_the_sign_in_link(portal):
    address = urls.csv("all", "ウェーハ/TX", "", "relevance")
    answer = portal.client("ja").get(address)
    assert answer.status_code == 401
    link = _link(answer.text, "sign-in")
    assert link == urls.sign_in(address)
    assert 'id="sign-in">ログイン<' in answer.text
