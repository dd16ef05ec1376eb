"""Portal pages over real HTTP: simple search, results with their canonical expression,
malformed expressions (a page that points at the position, never a server error), number
lookup, the document page with legal status, fixed addresses, languages, and JSON."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.api.server import Server


def test_simple_search_redirects_to_the_canonical_query_and_lists_hits(portal):
    client = portal.client()
    answer = client.get("/simple", params={"q": "ウェーハ", "law": "all"})
    assert answer.status_code == 303
    target = answer.headers["location"]
    assert parse_qs(urlsplit(target).query)["e"] == [
        '["ウェーハ"/TX+"ウェーハ"/AP+"ウェーハ"/IN+"ウェーハ"/AG+?"ウェーハ"?/TM+"ウェーハ"/CN'
        '+"ウェーハ"/GS]']
    page = client.get(target)
    assert page.status_code == 200
    assert 'id="hit-count">1件' in page.text
    assert "特開2021-044377" in page.text
    assert "ウェーハの加工方法" in page.text
    # the row's fixed address (portal.md §4, actions: URL), and it leads to the document
    fixed = '<a class="fixed" href="/c1801/PU/JP-2021-044377/11/ja"'
    assert fixed in page.text
    assert client.get("/c1801/PU/JP-2021-044377/11/ja").headers["location"] == (
        "/d/JP/patent/pub/2021044377?lang=ja")


def test_simple_search_parts_are_ored_and_numbers_are_looked_up(portal):
    client = portal.client()
    target = client.get("/simple", params={"q": "ウェーハ 特願2020-123456"}).headers["location"]
    page = client.get(target)
    assert 'id="hit-count">2件' in page.text
    assert "2020123456" in page.text          # the number reading shown above the hits
    assert "立体配線構造体の製造方法" in page.text


def test_empty_simple_search_says_so(portal):
    page = portal.client(lang="en").get("/simple", params={"q": "  "})
    assert page.status_code == 400
    assert "Type keywords or a number." in page.text


@pytest.mark.parametrize(("expression", "column"), [
    ("電池*[", 5), ("a b", 3), ("-a", 1), ("(a+b)", 6), ("x/ZZ", 2), ('"abc', 1),
    ("20201340/AD", 1), ("H01X/FI", 1), ("]", 1), ("*", 1),
])
def test_malformed_expressions_get_a_page_that_points_at_the_position(portal, expression,
                                                                        column):
    ja = portal.client("ja").get("/q/all", params={"e": expression})
    assert ja.status_code == 400
    assert f"{column}文字目：" in ja.text
    en = portal.client("en").get("/q/all", params={"e": expression})
    assert en.status_code == 400
    assert f"Position {column}: " in en.text
    assert "The expression could not be read" in en.text


@pytest.mark.parametrize("expression", [
    "", "[[[[[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]]]", "a" * 3000, "+".join("x" * 250), "\x00",
    "/", "//", "(", ")/TX", "<>", "a,,b", "電池,100C,正極", "?", "???/TM", "%", "'; DROP",
    "JPH10/PN", '"JP2020-"/AN', "JPS60A/PN",
    "(" + "*".join(["a"] * 990) + ")/TX", "(" + "+".join(["a"] * 990) + ")/TX",
])
def test_no_query_produces_a_server_error(portal, expression):
    for law in ("all", "patent", "design", "trademark"):
        answer = portal.client().get(f"/q/{law}", params={"e": expression})
        assert answer.status_code in (200, 400), (law, expression, answer.text[:300])


def test_the_form_search_builds_an_expression(portal):
    client = portal.client()
    answer = client.get("/search/patent/run", params={
        "f0": "TI", "k0": "ウェーハ 電池", "o0": "OR", "f1": "FI", "k1": "H01L21/78",
        "o1": "OR", "n": "4"})
    assert answer.status_code == 303
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["e"] == ['["ウェーハ"/TI+"電池"/TI]*"H01L21/78"/FI']
    assert query["n"] == ["4"]
    page = client.get(answer.headers["location"])
    # every normalisation the match used, the optional fold too (portal.md §2)
    assert "N1 全角＝半角, N2 英字の大文字＝小文字, N3 空白は一つ（名前では無視）, N4 " in page.text
    assert 'id="hit-count">1件' in page.text
    assert "[ウェーハ/TI+電池/TI]*H01L21/78/FI" in page.text


def test_the_patent_form_limits_the_document_types(portal):
    client = portal.client("en")
    form = client.get("/search/patent").text
    assert 'name="dt" value="A"' in form and "Patent specification (B)" in form
    answer = client.get("/search/patent/run", params={"f0": "TX", "k0": "ウェーハ 電池",
                                                      "dt": ["A", "T"]})
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["e"] == ['[["ウェーハ"/TX+"電池"/TX]]*[A/KD+T/KD]']
    assert 'id="hit-count">2 hits' in client.get(answer.headers["location"]).text
    only_b = client.get("/search/patent/run", params={"f0": "TX", "k0": "ウェーハ 電池",
                                                      "dt": "B"}).headers["location"]
    assert 'id="hit-count">0 hits' in client.get(only_b).text
    every = client.get("/search/patent/run", params={
        "f0": "TX", "k0": "電池", "dt": ["A", "T", "B", "U", "Y"]}).headers["location"]
    assert parse_qs(urlsplit(every).query)["e"] == ['"電池"/TX']    # all ticked: no limit


def test_results_are_sorted_and_paged_by_request(portal):
    page = portal.client().get("/q/all", params={"e": "A/KD", "sort": "date"})
    assert page.status_code == 200
    assert 'id="hit-count">3件' in page.text
    assert '<option value="date" selected>' in page.text


def test_results_answer_json_to_programs(portal):
    answer = portal.client().get("/q/all", params={"e": "電池"},
                                 headers={"Accept": "application/json"})
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["total"] == 1 and body["expression"] == "電池/TX"
    assert body["hits"][0]["application"] == "2020185474"
    bad = portal.client().get("/q/all", params={"e": "電池*"},
                              headers={"Accept": "application/json"}).json()
    assert bad["error"]["position"] == 3


def test_number_lookup_accepts_every_form(portal):
    client = portal.client()
    for text in ("特願2020-123456", "特開2021-090037", "特許第7533889号", "503090037",
                 "JP.2021090037.A"):
        page = client.get("/number", params={"q": text})
        assert page.status_code == 200, text
        assert "立体配線構造体の製造方法" in page.text, text
    both = client.get("/number", params={"q": "2020123456"})
    assert both.text.count("<tr><td>") == 2       # application and publication readings
    assert "<tr><td>出願番号</td>" in both.text and "<tr><td>公開番号</td>" in both.text
    english = portal.client("en").get("/number", params={"q": "特許第7533889号"})
    assert "<tr><td>Registration (Patents / utility models)</td>" in english.text
    wrong = client.get("/number", params={"q": "特願20-"})
    assert wrong.status_code == 400


@pytest.mark.parametrize("text", ["JPH10", "JP2020-", "JPS60A"])
def test_a_year_without_a_serial_is_a_clear_error_not_a_server_error(portal, text):
    client = portal.client("en")
    page = client.get("/number", params={"q": text})
    assert page.status_code == 400
    # the number reader's detail is English on every page, and marked so
    detail = f'<span lang="en" translate="no">{text}: no serial after the year</span>'
    assert f"Not read as a number: {detail}" in page.text
    ja = portal.client("ja").get("/number", params={"q": text})
    assert f"番号として読めませんでした：{detail}" in ja.text
    simple = client.get("/simple", params={"q": f"電池 {text}"})
    assert simple.status_code == 303
    listed = client.get(simple.headers["location"])
    assert listed.status_code == 200
    assert 'id="hit-count">' in listed.text


def test_document_page_shows_text_classes_and_status(portal):
    page = portal.client().get("/d/JP/patent/pub/2021044377")
    assert page.status_code == 200
    for expected in ("ウェーハの加工方法", "請求項1", "【0001】", "H01L21/78@M", "5F063AA04",
                     "株式会社ディスコ", "不明 — 登録・経過情報なし",
                     "/c1801/PU/JP-2021-044377/11/ja"):
        assert expected in page.text, expected


def test_case_page_shows_true_status_events_and_history(portal):
    page = portal.client("en").get("/d/JP/patent/app/2020123456")
    assert page.status_code == 200
    assert 'id="status-text"><strong>In force</strong>' in page.text
    assert "at least until 2027/08/05" in page.text
    assert "paid through year 3" in page.text
    assert "Registration record as of 2024/08/21." in page.text    # its updateDate
    assert "A12" in page.text and "A63" in page.text        # ST.27 with the JP event
    assert "A131" in page.text                               # prosecution history


def test_missing_documents_are_a_clear_404(portal):
    page = portal.client("en").get("/d/JP/patent/pub/2099999999")
    assert page.status_code == 404
    assert "Not found" in page.text
    assert portal.client().get("/d/JP/patent/pub/2099999999",
                               headers={"Accept": "application/json"}).status_code == 404


def test_jplatpat_fixed_addresses_redirect(portal):
    answer = portal.client().get("/c1801/PU/JP-2020-123456/10/ja")
    assert answer.status_code == 301
    assert answer.headers["location"] == "/d/JP/patent/app/2020123456?lang=ja"
    assert portal.client().get("/c1801/PU/JP-2020-123456/99/ja").status_code == 404


@pytest.mark.parametrize(("address", "target"), [
    # portal.md §7's test vectors (J-PlatPat's simplified addresses of February 2024)
    ("/c1801/PU/JP-2021-208845/10/ja", "/d/JP/patent/app/2021208845?lang=ja"),
    ("/c1801/PU/JP-2023-093799/11/ja", "/d/JP/patent/pub/2023093799?lang=ja"),
    ("/c1801/PU/JP-2024-025536/11/ja", "/d/JP/patent/pub/2024025536?lang=ja"),
    ("/c1801/PU/JP-7243802/15/ja", "/d/JP/patent/reg/7243802?lang=ja"),
    ("/c1801/PU/JP-2023-003687/20/ja", "/d/JP/utility/app/2023003687?lang=ja"),
    ("/c1801/PU/JP-3244847/25/ja", "/d/JP/utility/reg/3244847?lang=ja"),
    ("/c1801/DE/JP-2022-012584/30/en", "/d/JP/design/app/2022012584?lang=en"),
    ("/c1801/TR/JP-2018-009480/40/en", "/d/JP/trademark/app/2018009480?lang=en"),
])
def test_every_fixed_address_vector_redirects(portal, address, target):
    answer = portal.client().get(address)
    assert (answer.status_code, answer.headers.get("location")) == (301, target)


@pytest.mark.parametrize("address", [
    "/c1801/DE/JP-2021-208845/10/ja",      # a patent under the design screen
    "/c1801/PU/JP-2022-012584/30/ja",      # a design under the patent screen
    "/c1801/PU/JP-2021-208845/15/ja",      # a registration needs its 7 digits
    "/c1801/PU/JP-7243802/10/ja",          # an application needs a year and a serial
    "/c1801/PU/JP-2021-20884/10/ja", "/c1801/PU/2021-208845/10/ja",
    "/c1801/PU/JP-\u0661\u0662\u0663\u0664\u0665\u0666\u0667/15/ja",   # Arabic-Indic digits
])
def test_fixed_addresses_that_do_not_fit_are_not_found(portal, address):
    assert portal.client().get(address).status_code == 404


def test_language_switch_is_remembered(portal):
    client = portal.client("ja")
    assert "簡易検索" in client.get("/").text
    english = client.get("/", params={"lang": "en"})
    assert "Simple search" in english.text
    assert english.cookies.get("tokkyo_lang") == "en"
    assert "Simple search" in client.get("/search/patent").text
    assert "Patents / utility models" in client.get("/search/patent").text


def test_every_page_exists_in_both_languages(portal):
    for lang, word in (("ja", "簡易検索"), ("en", "Simple search")):
        client = portal.client(lang)
        for path in ("/", "/search/patent", "/search/design", "/search/trademark", "/number",
                     "/me/formulas", "/login", "/d/JP/patent/pub/2021044377"):
            page = client.get(path, params={"lang": lang})
            assert page.status_code == 200, path
            assert word in page.text, (lang, path)


@pytest.mark.parametrize(("now", "status", "st"), [
    ("2027-08-05T14:59:00+00:00", "In force", "in-force"),    # 23:59 JST on the due date
    ("2027-08-05T15:00:00+00:00", "In force – annuity overdue (grace period)", "grace"),
])
def test_status_is_read_for_the_day_in_japan(portal, now, status, st):
    """portal.md §10: the status is read for today in Japan, by the app's clock. At 15:00
    UTC on the annuity's due date (2027-08-05) Japan is already on the 6th: overdue."""
    server = Server(f"sqlite:///{portal.data / 'tokkyo.sqlite3'}", portal.data, now=now)
    try:
        client = httpx.Client(base_url=server.base, timeout=60,
                              headers={"Accept": "text/html", "Accept-Language": "en"})
        page = client.get("/d/JP/patent/app/2020123456")
        assert f'id="status-text"><strong>{status}</strong>' in page.text
        hits = client.get("/q/all", params={"e": f'"{st}"/ST*2020123456/AN'})
        assert 'id="hit-count">1 hit' in hits.text, hits.text[:2000]
    finally:
        server.stop()


def test_browsers_get_a_page_for_errors_outside_the_portal_routes(portal):
    """An unknown address or a parameter of the wrong form: a page in the user's language
    for a browser, the JSON problem body for a program."""
    en, ja = portal.client("en"), portal.client("ja")
    missing = en.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "There is no page at /no/such/page." in missing.text
    assert "/no/such/page というページはありません。" in ja.get("/no/such/page").text
    wrong = en.get("/q/all", params={"e": "電池", "page": "0"})
    assert wrong.status_code == 422
    assert "The request has a value missing or of the wrong form: page." in wrong.text
    assert "リクエストの値が足りないか" in ja.get("/q/all", params={"e": "電池",
                                                               "page": "x"}).text
    program = en.get("/no/such/page", headers={"Accept": "application/json"})
    assert program.status_code == 404
    assert program.headers["content-type"] == "application/problem+json"
    form = en.get("/q/all", params={"e": "電池", "page": "0"},
                  headers={"Accept": "application/json"})
    assert form.status_code == 422 and form.json()["errors"][0]["loc"][-1] == "page"
