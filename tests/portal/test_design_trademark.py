"""Design and trademark search by their own fields over the sample corpus (the SPEC's
design case 意願2022-012584 「乗用自動車」 and trademark case 商願2018-009480
「Ｌｏｃａｌ　Ｓｐｅｃｉａｌｔｙ∞地域団体商標＼特許庁」), through the portal over real HTTP,
the same result sets on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.portal.conftest import PASSWORD, USER

JSON = {"Accept": "application/json"}
CAR = "2022012584"        # 意匠登録1735126, class G22100, filed 2022-05-23, reg. 2023-01-12
MARK = "2018009480"       # 商標登録6036291, Nice 09 16 41 45, filed 2018-01-24, reg. 2018-04-20


def hits(store, law: str, expression: str, n: str = "") -> list[str]:
    answer = store.client().get(f"/q/{law}", params={"e": expression, "n": n}, headers=JSON)
    assert answer.status_code == 200, (expression, answer.text)
    body = answer.json()
    assert body["total"] == len(body["hits"])
    return sorted(h["application"] for h in body["hits"])


@pytest.mark.parametrize(("expression", "expected"), [
    ("乗用/AR", [CAR]), ("車/AR", [CAR]), ("自動車", [CAR]),     # default field AR
    ("乗用自動車/AR", [CAR]), ("トラック/AR", []),
    ("G22100/DC", [CAR]), ("G2?/DC", [CAR]), ("G23?/DC", []), ("G22100/DC-乗用/AR", []),
    ("フオルクスワーゲン/AP", [CAR]), ("フォルクスワーゲン/AP", []),    # no small-kana fold
    ("松永章吾/AG", [CAR]),                                       # 「松永　章吾」
    ("20220523/AD", [CAR]), ("2022/AD*乗用/AR", [CAR]), ("2021/AD", []),
    ("2023/RD", [CAR]), ('"意匠登録1735126"/RN', [CAR]), ('"意願2022-012584"/AN', [CAR]),
    ("2016500748/AN", ["2016500748"]),
])
def test_design_search_by_design_fields(store, expression, expected):
    assert hits(store, "design", expression) == expected


@pytest.mark.parametrize(("expression", "n", "expected"), [
    ("Local?/TM", "", [MARK]), ("local?/TM", "", [MARK]),       # N2: case folds
    ("Ｌｏｃａｌ?/TM", "", [MARK]),                                # N1: width folds
    ("?地域団体商標?/TM", "", [MARK]), ("?特許庁/TM", "", [MARK]),
    ("Local/TM", "", []), ("特許庁/TM", "", []),                  # exact without ?
    ("?スペシャル?/TM", "", []),                     # katakana and Latin stay distinct
    ("チイキ/CN", "", [MARK]), ("トッキョチョー/CN", "", [MARK]),
    ("ちいき/CN", "", []), ("ちいき/CN", "4", [MARK]),            # N4 kana fold
    ("ローカル,8C,チイキ/CN", "", [MARK]), ("ローカル,7C,チイキ/CN", "", []),
    ("チイキ,8N,ローカル/CN", "", [MARK]), ("チイキ,8C,ローカル/CN", "", []),
    ("書籍/GS", "", [MARK]), ("セミナー/GS", "", [MARK]), ("インターネット/GS*09/NC", "", [MARK]),
    ("09/NC", "", [MARK]), ("45/NC", "", [MARK]), ("10/NC", "", []),
    ("09/NC*41/NC", "", [MARK]), ("09/NC-16/NC", "", []), ("[09/NC+10/NC]*2018/AD", "", [MARK]),
    ("42R01/SC", "", [MARK]), ("26A01/SC", "", [MARK]), ("42R?/SC", "", [MARK]),
    ("99Z99/SC", "", []),
    ("26.1.1/VC", "", [MARK]), ("26.1?/VC", "", [MARK]), ("27.5.1/VC", "", []),
    ("特許庁長官/AP", "", [MARK]), ("20180124/AD", "", [MARK]), ("2018/RD", "", [MARK]),
    ('"商標登録6036291"/RN', "", [MARK]), ("2020089151/AN", "", ["2020089151"]),
])
def test_trademark_search_by_trademark_fields(store, expression, n, expected):
    assert hits(store, "trademark", expression, n) == expected


def test_fields_of_one_law_are_refused_on_another_screen(store):
    for law, expression, message in (
            ("trademark", "乗用/AR", "the field /AR (article name) cannot be used in a "
                                     "trademark search"),
            ("design", "ローカル/CN", "the field /CN (pronunciation) cannot be used in a "
                                      "design search"),
            ("patent", "09/NC", "the field /NC (Nice class) cannot be used in a patent")):
        page = store.client("en").get(f"/q/{law}", params={"e": expression})
        assert page.status_code == 400 and message in page.text, expression
    # on the all-laws screen each field finds its own law's cases
    assert hits(store, "all", "乗用/AR+ローカル/CN") == sorted([CAR, MARK])
    assert hits(store, "all", "09/NC") == [MARK]


def test_design_and_trademark_rows_in_the_result_list(store):
    page = store.client("ja").get("/q/all", params={"e": "G22100/DC+09/NC"})
    assert 'id="hit-count">2件' in page.text
    assert "意匠登録1735126" in page.text and "商標登録6036291" in page.text
    assert "乗用自動車" in page.text
    links = set(re.findall(r'class="doc" href="([^"?]+)', page.text))
    for link in links:
        assert store.client().get(link).status_code == 200, link


def test_simple_search_on_the_trademark_and_design_screens(store):
    client = store.client()
    for law, words, expected in (("trademark", "ローカル", MARK), ("trademark", "書籍", MARK),
                                 ("trademark", "地域団体", MARK), ("trademark", "local", MARK),
                                 ("design", "乗用", CAR), ("design", "松永章吾", CAR),
                                 # all four laws: every text and name field of each
                                 ("all", "地域団体", MARK), ("all", "チイキ", MARK),
                                 ("all", "セミナー", MARK), ("all", "乗用", CAR),
                                 ("all", "松永章吾", CAR)):
        target = client.get("/simple", params={"q": words, "law": law}).headers["location"]
        body = client.get(target, headers=JSON).json()
        assert [h["application"] for h in body["hits"]] == [expected], (law, words)


def test_design_and_trademark_screens_list_their_own_columns(store):
    client = store.client("en")
    design = client.get("/q/design", params={"e": "乗用/AR"}).text
    header = re.search(r"<thead>(.*?)</thead>", design, re.S)[1]
    assert re.findall(r"<th>([^<]+)</th>", header) == [
        "No.", "Registration number", "Application number", "Filing date",
        "Registration date", "Article", "Design class", "Applicant / right holder", "Status",
        "Actions"]
    for cell in ("意匠登録1735126", "意願2022-012584", "2022/05/23", "2023/01/12", "G22100"):
        assert f">{cell}<" in design, cell
    mark = client.get("/q/trademark", params={"e": "09/NC"}).text
    header = re.search(r"<thead>(.*?)</thead>", mark, re.S)[1]
    assert re.findall(r"<th>([^<]+)</th>", header) == [
        "No.", "Application number", "Registration number", "Filing date",
        "Registration date", "Trademark", "Classes", "Applicant / right holder", "Status",
        "Actions"]
    for cell in ("商願2018-009480", "商標登録6036291", "2018/01/24", "2018/04/20",
                 "09 16 41 45"):
        assert f">{cell}<" in mark, cell
    assert re.search(r'<td class="mark"[^>]*>[^<]*地域団体商標', mark)
    hit = client.get("/q/trademark", params={"e": "09/NC"}, headers=JSON).json()["hits"][0]
    assert hit["classes"] == ["09", "16", "41", "45"] and "地域団体商標" in hit["mark"]


def test_csv_of_each_law_has_its_columns(store):
    client = store.signed_in(USER, PASSWORD, "en")

    def rows(law: str, expression: str) -> list[list[str]]:
        answer = client.get(f"/q/{law}/csv", params={"e": expression})
        assert answer.status_code == 200, answer.text
        return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))

    design = rows("design", "乗用/AR")
    assert design[0] == ["Registration number", "Application number", "Filing date",
                         "Registration date", "Article", "Design class",
                         "Applicant / right holder", "Status", "URL"]
    assert design[1][:4] == ["意匠登録1735126", "意願2022-012584", "2022/05/23", "2023/01/12"]
    assert design[1][5] == "G22100" and design[1][8].endswith("/d/JP/design/app/2022012584")
    mark = rows("trademark", "09/NC")
    assert mark[0][:7] == ["Application number", "Registration number", "Filing date",
                           "Registration date", "Trademark", "Classes",
                           "Applicant / right holder"]
    assert mark[1][:4] == ["商願2018-009480", "商標登録6036291", "2018/01/24", "2018/04/20"]
    assert "地域団体商標" in mark[1][4] and mark[1][5] == "09; 16; 41; 45"
    # the patent list's appeal/trial column: the SPEC case's opposition 異議2020-700850
    patent = rows("patent", '"特願2020-008423"/AN')
    appeal = patent[0].index("Appeal/trial number")
    assert [r[appeal] for r in patent[1:]] == ["2020-700850"]
