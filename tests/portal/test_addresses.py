"""Permalinks and addresses over real HTTP, on SQLite and PostgreSQL: saved formulas at
/q/s/{id} (their owner only), "data as of" on result pages, per-section document
addresses, the API-shaped /c1800 fixed addresses, and JSON for programs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.portal.conftest import OTHER_PASSWORD, OTHER_USER, PASSWORD, USER
from tests.portal.test_exports import csrf_of

MESSAGES = Path(__file__).resolve().parents[2] / "src" / "tokkyo" / "portal" / "messages"
JSON = {"Accept": "application/json"}


def save_formula(client, name: str, law: str, expression: str, n: str = "") -> int:
    token = csrf_of(client.get("/me/formulas").text)
    saved = client.post("/me/formulas", data={"csrf": token, "name": name, "law": law,
                                              "expression": expression, "n": n})
    assert saved.status_code == 200, saved.text
    ids = dict(re.findall(r"<tr><td(?: translate=\"no\")?>([^<]*)</td>.*?href=\"/q/s/(\d+)\"",
                          saved.text, re.S))
    assert name in ids, saved.text
    return int(ids[name])


def test_catalogs_have_the_same_keys_and_placeholders():
    en = json.loads((MESSAGES / "en.json").read_text("utf-8"))
    ja = json.loads((MESSAGES / "ja.json").read_text("utf-8"))
    assert en.keys() == ja.keys()
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", ja[key])), key


def test_saved_formula_permalink_runs_it_with_its_options_for_its_owner_only(store):
    owner = store.signed_in(USER, PASSWORD, "en")
    formula_id = save_formula(owner, "wafer or battery", "all", "ウェーハ+電池", n="4")
    listing = owner.get("/me/formulas").text
    assert f'href="/q/s/{formula_id}"' in listing
    page = owner.get(f"/q/s/{formula_id}")
    assert page.status_code == 200
    assert 'id="hit-count">2 hits' in page.text
    assert 'Saved formula “<span translate="no">wafer or battery</span>”' in page.text
    assert f'href="/q/s/{formula_id}" id="permalink">' in page.text
    assert "Hiragana = katakana" in page.text                # the saved option n=4
    assert {"特開2021-044377", "特開2021-044249"} <= set(re.findall(r"特開\d{4}-\d{6}",
                                                                  page.text))
    body = owner.get(f"/q/s/{formula_id}", headers=JSON).json()
    assert body["total"] == 2 and body["permalink"] == f"/q/s/{formula_id}"
    assert body["formula"] == {"name": "wafer or battery", "law": "all",
                               "expression": "ウェーハ+電池", "options": {"n": "4"}}
    assert sorted(h["application"] for h in body["hits"]) == ["2019165329", "2020185474"]
    # another user: a clear 404 in the chosen language, nothing of the formula shown
    other = store.signed_in(OTHER_USER, OTHER_PASSWORD, "ja")
    refused = other.get(f"/q/s/{formula_id}")
    assert refused.status_code == 404
    assert f"検索式 {formula_id} はあなたの保存した検索式にありません" in refused.text
    assert "ウェーハ+電池" not in refused.text
    english = other.get(f"/q/s/{formula_id}", params={"lang": "en"})
    assert english.status_code == 404
    assert f"You have no saved formula number {formula_id}." in english.text
    assert other.get(f"/q/s/{formula_id}", headers=JSON).status_code == 404
    # a visitor is asked to sign in
    visitor = store.client("en").get(f"/q/s/{formula_id}")
    assert visitor.status_code == 401
    assert "Sign in to open a saved formula" in visitor.text
    assert f"/login?next=%2Fq%2Fs%2F{formula_id}" in visitor.text
    assert owner.get("/q/s/999999").status_code == 404


def test_saved_formula_permalink_keeps_the_law_of_the_formula(store):
    owner = store.signed_in(USER, PASSWORD, "ja")
    formula_id = save_formula(owner, "乗用車の意匠", "design", "乗用/AR")
    body = owner.get(f"/q/s/{formula_id}", headers=JSON).json()
    assert body["law"] == "design" and body["expression"] == "乗用/AR"
    assert [h["application"] for h in body["hits"]] == ["2022012584"]
    page = owner.get(f"/q/s/{formula_id}")
    assert 'id="hit-count">1件' in page.text and "乗用自動車" in page.text


def test_result_pages_show_data_as_of_per_source(store):
    en = store.client("en").get("/q/all", params={"e": "電池"})
    assert en.status_code == 200
    as_of = re.search(r'<p class="asof" id="data-as-of">(.*?)</p>', en.text, re.S)[1]
    assert re.search(r"Gazettes — publications up to 2021/03/18, loaded "
                     r"\d{4}/\d\d/\d\d \d\d:\d\d JST", as_of), as_of
    assert re.search(r"JPO API mirror — loaded \d{4}/\d\d/\d\d \d\d:\d\d JST", as_of), as_of
    ja = store.client("ja").get("/q/all", params={"e": "電池"}).text
    assert "公報 — 2021/03/18発行分まで" in ja and "特許情報取得API（ミラー）" in ja
    body = store.client().get("/q/all", params={"e": "電池"}, headers=JSON).json()
    sources = {s["source"]: s for s in body["data_as_of"]}
    assert set(sources) == {"gazette", "api-mirror"}
    assert sources["gazette"]["latest_publication"] == "2021-03-18"
    assert sources["api-mirror"]["latest_publication"] is None
    assert sources["gazette"]["loaded_at"][:4].isdigit()


def tabs_of(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="tabs" id="tabs">(.*?)</nav>', page, re.S)[1]
    return {s: link.replace("&amp;", "&") for link, s in
            re.findall(r'<a href="([^"]+)" data-section="([^"]+)"', nav)}


def test_document_tabs_link_to_section_addresses(store):
    page = store.client("ja").get("/d/JP/patent/pub/2021044377")
    assert page.status_code == 200
    tabs = tabs_of(page.text)
    base = "/d/JP/patent/pub/2021044377"
    assert tabs["claims"] == f"{base}/claims?lang=ja"
    assert tabs["description"] == f"{base}/description?lang=ja"
    assert tabs["status"] == f"{base}/status?lang=ja"
    assert tabs["history"] == f"{base}/history?lang=ja"
    assert tabs["abstract"] == "#abstract" and tabs["all"] == f"{base}?lang=ja"
    assert 'data-section="all" aria-current="page"' in page.text


def test_section_addresses_show_one_section_in_the_chosen_language(store):
    client = store.client("ja")
    base = "/d/JP/patent/pub/2021044377"
    claims = client.get(f"{base}/claims")
    assert claims.status_code == 200
    assert "請求項1" in claims.text and "【0001】" not in claims.text
    assert 'id="biblio"' not in claims.text and 'id="fixed"' not in claims.text
    assert 'data-section="claims" aria-current="page"' in claims.text
    tabs = tabs_of(claims.text)
    assert tabs["abstract"] == f"{base}?lang=ja#abstract"      # back to the whole page
    description = client.get(f"{base}/description", params={"lang": "en"})
    assert description.status_code == 200
    assert "【0001】" in description.text and "請求項1" not in description.text
    assert "<h2>Description</h2>" in description.text
    assert tabs_of(description.text)["claims"] == f"{base}/claims?lang=en"
    status = client.get(f"{base}/status", params={"lang": "en"})
    # the publication alone: no progress or registration data (issue 19, item 8)
    assert ('id="status-text"><strong>Unknown — no registration or progress data</strong>'
            in status.text)
    assert "請求項1" not in status.text


def test_case_sections_history_and_status(store):
    client = store.client("en")
    base = "/d/JP/patent/app/2020123456"
    history = client.get(f"{base}/history")
    assert history.status_code == 200
    assert 'id="dossier"' in history.text and "A131" in history.text
    assert 'id="status-text"' not in history.text
    status = client.get(f"{base}/status")
    assert 'id="status-text"><strong>In force</strong>' in status.text
    assert 'id="dossier"' not in status.text
    # a publication has no prosecution history of its own: the page says so and links
    # to the case's history, which the result list's "Progress" link opens directly
    empty = client.get("/d/JP/patent/pub/2021044377/history")
    assert empty.status_code == 200
    assert "This section holds nothing for this document." in empty.text
    assert 'href="/d/JP/patent/app/2019165329/history?lang=en"' in empty.text
    progress = client.get("/q/all", params={"e": "ウェーハ"})
    link = re.search(r'href="(/d/JP/patent/app/2019165329/history\?lang=en)"',
                     progress.text)[1]
    assert client.get(link).status_code == 200


def test_section_addresses_answer_json_and_refuse_unknown_sections(store):
    client = store.client()
    claims = client.get("/d/JP/patent/pub/2021044377/claims", headers=JSON)
    assert claims.headers["content-type"].startswith("application/json")
    body = claims.json()
    assert body["section"] == "claims" and body["claims"][0]["number"] == 1
    assert body["address"] == "/d/JP/patent/pub/2021044377/claims"
    assert body["case"] == "/d/JP/patent/app/2019165329"
    status = client.get("/d/JP/patent/app/2020123456/status", headers=JSON).json()
    assert status["status"]["status"] == "in-force"
    assert any(e["st27"] == "A12" for e in status["events"])
    history = client.get("/d/JP/patent/app/2020123456/history", headers=JSON).json()
    assert any(h["code"] == "A131" for h in history["history"])
    for path in ("/d/JP/patent/pub/2021044377/drawings", "/d/JP/patent/pub/2099999999/claims"):
        page = store.client("en").get(path)
        assert page.status_code == 404 and "Not found" in page.text, path
        assert client.get(path, headers=JSON).status_code == 404


def test_api_token_addresses_are_verified_and_redirect_to_the_case(store):
    api_token = store.server.token(USER, PASSWORD)
    answer = store.server.get("/api/patent/v1/jpp_fixed_address/2019165329", api_token)
    url = answer.json()["result"]["data"]["URL"]
    path = "/" + url.split("/", 3)[3]
    assert re.fullmatch(r"/c1800/PU/JP-2019-165329/[0-9A-F]{64}/10/ja", path), path
    redirect = store.client().get(path)
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "/d/JP/patent/app/2019165329?lang=ja"
    assert redirect.headers["x-tokkyo-token"] == "verified"
    # the case page offers the same address in its fixed-address box
    case = store.client("ja").get("/d/JP/patent/app/2019165329")
    assert path in case.text
    english = store.client().get(path.replace("/ja", "/en"))
    assert english.headers["location"] == "/d/JP/patent/app/2019165329?lang=en"
    # the token of another case is not this case's: accepted, as a foreign token would be
    other = path.replace("JP-2019-165329", "JP-2020-123456")
    moved = store.client().get(other)
    assert moved.status_code == 301 and moved.headers["x-tokkyo-token"] == "foreign"
    assert moved.headers["location"] == "/d/JP/patent/app/2020123456?lang=ja"
    assert store.client().get(moved.headers["location"]).status_code == 200


def test_api_fixed_addresses_are_on_the_servers_origin_whatever_the_host(store):
    """An address made here is on the server's own origin (the address `tokkyo serve`
    listens on, with no TOKKYO_PUBLIC_ORIGIN), never on the Host the client sent, also
    when the same answer was cached for a call naming another host (issue 19: a Host
    reflected into links let any client poison the answer cache). A trusted proxy's
    forwarded host is tests/api/test_origins.py's."""
    api_token = store.server.token(USER, PASSWORD)
    urls = [store.server.get("/api/patent/v1/jpp_fixed_address/2019165329", api_token,
                             headers={"Host": host}).json()["result"]["data"]["URL"]
            for host in ("one.example", "two.example", "ip-data.jpo.go.jp")]
    assert [u.split("/c1800/")[0] for u in urls] == [store.server.base] * 3
    assert len({u.split("/c1800/")[1] for u in urls}) == 1


def test_jplatpat_token_addresses_are_accepted_for_every_law(store):
    real = ("/c1800/PU/JP-2020-123456/186AE6828C0FA152B99E21C174948495B09F7186518B0AC4DB6"
            "CD83E8D3E0ECC/10/ja")                    # the recorded jpp_fixed_address URL
    answer = store.client().get(real)
    assert answer.status_code == 301 and answer.headers["x-tokkyo-token"] == "foreign"
    assert answer.headers["location"] == "/d/JP/patent/app/2020123456?lang=ja"
    foreign = "0123456789abcdef" * 4
    for section, code, law, number in (("DE", "30", "design", "2022012584"),
                                       ("TR", "40", "trademark", "2018009480")):
        path = f"/c1800/{section}/JP-{number[:4]}-{number[4:]}/{foreign}/{code}/en"
        moved = store.client().get(path)
        assert moved.status_code == 301, path
        assert moved.headers["location"] == f"/d/JP/{law}/app/{number}?lang=en"
        assert store.client().get(moved.headers["location"]).status_code == 200


def test_malformed_token_addresses_are_a_clear_404(store):
    token = "A" * 64
    for path in (f"/c1800/PU/JP-2020-123456/{token}/11/ja",      # stage is always 0
                 f"/c1800/DE/JP-2020-123456/{token}/10/ja",      # section does not fit L
                 f"/c1800/PU/JP-2020-12345/{token}/10/ja",
                 f"/c1800/PU/JP-2020-123456/{token[:63]}/10/ja",
                 f"/c1800/PU/JP-2020-123456/{token[:63]}G/10/ja",
                 f"/c1800/PU/JP-2020-123456/{token}/10/fr"):
        page = store.client("en").get(path)
        assert page.status_code == 404, path
        assert "Not found" in page.text


def test_every_page_answers_json_to_programs(store):
    client = store.client()
    home = client.get("/", headers=JSON).json()
    assert home["service"] == "tokkyo"
    form = client.get("/search/trademark", headers=JSON).json()
    assert form["law"] == "trademark"
    assert [f["code"] for f in form["fields"]][:3] == ["TM", "CN", "GS"]
    number = client.get("/number", params={"q": "商標登録6036291"}, headers=JSON)
    assert number.status_code == 200
    body = number.json()
    assert body["readings"][0]["key"] == "6036291"
    assert [c["application"] for c in body["cases"]] == ["2018009480"]
    assert body["cases"][0]["url"] == "/d/JP/trademark/app/2018009480"
    wrong = client.get("/number", params={"q": "特願20-"}, headers=JSON)
    assert wrong.status_code == 400 and wrong.json()["error"]
    document = client.get("/d/JP/patent/pub/2021044377", headers=JSON).json()
    assert document["number"] == "2021044377" and document["claims"]
    results = client.get("/q/design", params={"e": "乗用/AR"}, headers=JSON).json()
    assert results["hits"][0]["registration"] == "1735126"
    # errors too: a malformed expression, an unknown page, a visitor's formulas
    bad = client.get("/q/all", params={"e": "電池*"}, headers=JSON)
    assert bad.status_code == 400
    assert bad.json()["error"]["position"] == 3 and bad.json()["error"]["code"]
    unknown = client.get("/search/nothing", headers=JSON)
    assert unknown.status_code == 404 and unknown.json()["error"]["status"] == 404
    assert client.get("/me/formulas", headers=JSON).status_code == 401
    owner = store.signed_in(USER, PASSWORD)
    mine = owner.get("/me/formulas", headers=JSON).json()
    assert mine["limit"] == 5
    assert all(f["permalink"] == f"/q/s/{f['id']}" for f in mine["formulas"])
