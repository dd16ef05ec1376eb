"""A status needs facts (issue 19, item 8): a case of which the store holds only a gazette
publication, neither progress nor registration data, has an unknown status, said as such
on its page, in the page's JSON twin, in the result list's JSON and the CSV, and matched
by `"unknown"/ST`, never by a status computed from nothing; on both databases, with the
real sample documents."""

from __future__ import annotations

import csv
import io

from tests.portal.conftest import PASSWORD, USER

WAFER = "/d/JP/patent/pub/2021044377"        # jp_example1: the publication alone
BATTERY = "/d/JP/patent/pub/2021044249"      # jp_example2: a registration number, no record


def test_a_publication_alone_has_an_unknown_status_on_its_page(store):
    ja, en = store.client("ja"), store.client("en")
    for address in (WAFER, BATTERY):
        page = ja.get(address)
        assert page.status_code == 200
        assert 'id="status-text"><strong>不明 — 登録・経過情報なし</strong>' in page.text
        assert "審査中" not in page.text and "権利存続中" not in page.text
        assert 'id="status-note"' not in page.text         # nothing was computed
        assert "納付済" not in page.text
        english = en.get(address).text
        assert ('id="status-text"><strong>Unknown — no registration or progress data'
                '</strong>') in english
    # a case with its progress and registration data keeps its computed status
    case = en.get("/d/JP/patent/app/2020123456").text
    assert 'id="status-note"' in case and "Unknown —" not in case


def test_the_json_twin_says_unknown_and_why(store):
    for address in (WAFER, BATTERY):
        body = store.client().get(f"{address}/status",
                                  headers={"Accept": "application/json"}).json()
        assert body["status"]["status"] == "unknown", body
        assert body["status"]["reason"] == "no registration or progress data"
        assert body["status"]["paid_through_year"] is None


def test_result_lists_and_the_status_search_compute_nothing_from_no_facts(store):
    client = store.client()

    def hits(expression: str) -> dict[str, str]:
        body = client.get("/q/all", params={"e": expression},
                          headers={"Accept": "application/json"}).json()
        return {h["application"]: h["status"] for h in body["hits"]}

    listed = hits("A/KD")
    assert listed["2019165329"] == "unknown"               # 特開2021-044377
    assert listed["2020185474"] == "unknown"               # 特開2021-044249
    assert "2019165329" not in hits('"pending"/ST')
    assert "2020185474" not in hits('"in-force"/ST')
    unknown = hits('"unknown"/ST')
    assert {"2019165329", "2020185474"} <= set(unknown)
    assert set(unknown.values()) == {"unknown"}
    assert "2020123456" not in unknown                     # its facts are held
    assert hits("ウェーハ*pending/ST") == {}
    assert hits("ウェーハ*unknown/ST") == {"2019165329": "unknown"}


def test_the_csv_says_unknown(store):
    client = store.signed_in(USER, PASSWORD, "en")
    answer = client.get("/q/all/csv", params={"e": "A/KD"})
    assert answer.status_code == 200, answer.text[:300]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    status, application = rows[0].index("Status"), rows[0].index("Application number")
    by_number = {r[application]: r[status] for r in rows[1:]}
    assert by_number["特願2019-165329"] == "unknown", by_number
    assert by_number["特願2020-185474"] == "unknown"
