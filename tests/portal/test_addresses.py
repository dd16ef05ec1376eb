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
    ids = dict(re.findall(r"<tr><td>([^<]*)</td>.*?href=\"/q/s/(\d+)\"", saved.text, re.S))
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
    assert "Saved formula “wafer or battery”" in page.text
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
