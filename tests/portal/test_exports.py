"""CSV of result lists (limits, encoding, formula guard) and saved search formulas (five
per user, export, import, the choice when an import would pass the limit)."""

from __future__ import annotations

import csv
import io
import json
import re

from tests.portal.conftest import CSV_MAX_ROWS, CSV_MAX_ROWS_WITH_ABSTRACT


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page)[1]


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")                      # UTF-8 with BOM
    text = body[3:].decode("utf-8")
    assert text.split("\n", 1)[0].endswith("\r") and text.endswith("\r\n")   # CRLF records
    return list(csv.reader(io.StringIO(text)))


def test_csv_needs_a_signed_in_user(portal):
    answer = portal.client("en").get("/q/all/csv", params={"e": "ウェーハ"})
    assert answer.status_code == 401
    assert "Sign in to download CSV" in answer.text


def test_csv_rows_header_and_encoding(portal):
    client = portal.client("ja", signed_in=True)
    answer = client.get("/q/all/csv", params={"e": "A/KD", "sort": "date"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="tokkyo_all_\d{14}\.csv"',
                        answer.headers["content-disposition"])
    rows = rows_of(answer.content)
    assert rows[0][:7] == ["文献番号", "発行国", "種別", "出願番号", "出願日", "公知日",
                           "発明の名称"]
    assert "要約" not in rows[0]
    assert len(rows) == 1 + 3
    assert {r[0] for r in rows[1:]} == {"特開2021-044377", "特開2021-044249", "特開2021-041306"}
    first = next(r for r in rows[1:] if r[0] == "特開2021-044377")
    assert first[1:7] == ["JP", "A", "特願2019-165329", "2019/09/11", "2021/03/18",
                          "ウェーハの加工方法"]
    assert first[-1].endswith("/d/JP/patent/pub/2021044377")
    assert all(line.startswith('"') for line in answer.content[3:].decode().split("\r\n")
               if line)


def test_csv_with_abstracts_has_its_own_lower_limit(portal):
    client = portal.client("en", signed_in=True)
    over = client.get("/q/all/csv", params={"e": "A/KD", "abstract": "1"})
    assert over.status_code == 413
    assert (f"The result has 3 hits; CSV with abstracts allows at most "
            f"{CSV_MAX_ROWS_WITH_ABSTRACT} rows.") in over.text
    ok = client.get("/q/all/csv", params={"e": "ウェーハ+電池", "abstract": "1"})
    assert ok.status_code == 200
    rows = rows_of(ok.content)
    assert "Abstract" in rows[0] and len(rows) == 1 + CSV_MAX_ROWS_WITH_ABSTRACT
    assert all(r[rows[0].index("Abstract")].startswith("【課題】") for r in rows[1:])


def test_csv_without_abstracts_stops_at_its_limit(portal):
    client = portal.client("en", signed_in=True)
    exactly = client.get("/q/all/csv", params={"e": "A/KD"})
    assert exactly.status_code == 200 and len(rows_of(exactly.content)) == 1 + CSV_MAX_ROWS
    over = client.get("/q/all/csv", params={"e": "A/KD+\"特願2020-123456\"/AN"})
    assert over.status_code == 413
    assert f"CSV allows at most {CSV_MAX_ROWS} rows" in over.text
    assert "registered users download the data in bulk at /bulk." in over.text


def test_csv_of_a_status_query(portal):
    """A status (ST) condition in a CSV's query: it had no day to read statuses for and
    answered 500."""
    client = portal.client("en", signed_in=True)
    answer = client.get("/q/all/csv", params={"e": '"in-force"/ST'})
    assert answer.status_code == 200, answer.text[:300]
    rows = rows_of(answer.content)
    status, application = rows[0].index("Status"), rows[0].index("Application number")
    assert {r[status] for r in rows[1:]} == {"in-force"}
    assert "特願2020-123456" in {r[application] for r in rows[1:]}
    # 特開2021-044377 alone: no progress or registration data, so no status is computed
    # for it (issue 19, item 8): it is not pending, it is unknown
    pending = rows_of(client.get("/q/all/csv", params={"e": "ウェーハ*pending/ST"}).content)
    assert len(pending) == 1
    unknown = rows_of(client.get("/q/all/csv", params={"e": "ウェーハ*unknown/ST"}).content)
    assert len(unknown) == 2 and unknown[1][status] == "unknown"


def test_csv_in_windows_31j_counts_what_it_could_not_hold(portal):
    client = portal.client("en", signed_in=True)
    answer = client.get("/q/all/csv", params={"e": "ウェーハ", "encoding": "cp932"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=windows-31j"
    text = answer.content.decode("cp932")
    assert "ウェーハの加工方法" in text


def test_formulas_save_list_limit_delete(portal):
    client = portal.client("en", signed_in=True)
    page = client.get("/me/formulas").text
    token = csrf_of(page)
    for i in range(5):
        saved = client.post("/me/formulas", data={"csrf": token, "name": f"f{i}",
                                                  "law": "patent", "expression": f"電池{i}",
                                                  "n": "4"})
        assert saved.status_code == 200, saved.text
        assert f"Saved “f{i}”." in saved.text
    sixth = client.post("/me/formulas", data={"csrf": token, "name": "f5", "law": "all",
                                              "expression": "x"})
    assert sixth.status_code == 400
    assert "You already keep 5 formulas, the most allowed." in sixth.text
    same_name = client.post("/me/formulas", data={"csrf": token, "name": "f0", "law": "all",
                                                  "expression": "電池*正極"})
    assert same_name.status_code == 200 and "電池*正極" in same_name.text
    invalid = client.post("/me/formulas", data={"csrf": token, "name": "bad", "law": "all",
                                                "expression": "電池*"})
    assert invalid.status_code == 400
    assert "Formula “bad” is not a valid expression: Position 4:" in invalid.text
    forged = client.post("/me/formulas", data={"csrf": "0" * 32, "name": "x", "law": "all",
                                               "expression": "x"})
    assert forged.status_code == 403
    assert "The form has expired or came from another page." in forged.text
    assert portal.client("en").post("/me/formulas/1/delete", data={"csrf": token}
                                    ).status_code == 401
    odd = client.get("/q/all/csv", params={"e": "電池", "sort": "size"})
    assert odd.status_code == 400
    assert "sorted by relevance, date, filing or number" in odd.text and "size" in odd.text
    exported = client.get("/me/formulas/export")
    document = exported.json()
    assert document["format"] == "tokkyo-formulas" and document["version"] == 1
    assert [f["name"] for f in document["formulas"]] == ["f0", "f1", "f2", "f3", "f4"]
    assert document["formulas"][1] == {"name": "f1", "law": "patent", "expression": "電池1",
                                       "options": {"n": "4"}}
    # delete everything, import the export back
    for formula_id in re.findall(r'action="/me/formulas/(\d+)/delete"', client.get(
            "/me/formulas").text):
        assert client.post(f"/me/formulas/{formula_id}/delete",
                           data={"csrf": token}).status_code == 303
    assert "No saved formulas yet." in client.get("/me/formulas").text
    imported = client.post("/me/formulas/import", data={"csrf": token},
                           files={"file": ("f.json", exported.content, "application/json")})
    assert imported.status_code == 200 and "Imported 5 formulas." in imported.text
    # a sixth by import: the user is asked which to keep
    more = client.post("/me/formulas/import", data={"csrf": token},
                       files={"file": ("f.txt", "新しい式\n".encode(), "text/plain")})
    assert more.status_code == 409
    assert "would pass the limit of 5 formulas; you can keep 0 more" in more.text
    # bad files are refused with the reason
    for content, message in ((b"{not json", "not valid JSON"),
                             (b'{"format": "other"}', "not a tokkyo formulas file"),
                             (b"\xff\xfe", "not UTF-8"), (b"", "The file is empty."),
                             ("電池*\n".encode(), "Position 4")):
        refused = client.post("/me/formulas/import", data={"csrf": token},
                              files={"file": ("x", content, "text/plain")})
        assert refused.status_code == 400 and message in refused.text, message
    assert len(json.loads(client.get("/me/formulas/export").text)["formulas"]) == 5


def test_visitors_get_validated_formulas_back_for_their_browser(portal):
    client = portal.client("en")
    token = csrf_of(client.get("/me/formulas").text)
    answer = client.post("/me/formulas/import", data={"csrf": token},
                         files={"file": ("f.txt", "電池/TI\n(a+b)/CL\n".encode(), "text/plain")})
    assert answer.status_code == 200
    kept = json.loads(re.search(r'<script type="application/json" id="imported">(.*?)</script>',
                                answer.text, re.S)[1])
    assert [f["expression"] for f in kept] == ["電池/TI", "(a+b)/CL"]


def test_an_import_past_the_limit_keeps_the_chosen_formulas(portal):
    client = portal.client("en", signed_in=True)
    page = client.get("/me/formulas").text
    token = csrf_of(page)
    for formula_id in re.findall(r'action="/me/formulas/(\d+)/delete"', page):
        client.post(f"/me/formulas/{formula_id}/delete", data={"csrf": token})
    for i in range(3):
        assert client.post("/me/formulas", data={"csrf": token, "name": f"own{i}", "law": "all",
                                                 "expression": f"own{i}"}).status_code == 200
    asked = client.post("/me/formulas/import", data={"csrf": token}, files={
        "file": ("f.txt", "一/TI\n二/TI\n三/TI\n四/TI\n".encode(), "text/plain")})
    assert asked.status_code == 409
    assert "you can keep 2 more" in asked.text
    pending = re.search(r'name="pending" value="([^"]+)"', asked.text)[1]
    assert re.findall(r'name="keep" value="(\d+)"', asked.text) == ["0", "1", "2", "3"]
    # tampered choices are refused with a message, and nothing is saved
    for data, message in (({"pending": pending, "keep": ["9"]}, "it has 4). Choose again."),
                          ({"pending": pending, "keep": ["-1"]}, "it has 4). Choose again."),
                          ({"pending": "not base64!", "keep": ["0"]},
                           "The import could not be continued. Choose the file again.")):
        refused = client.post("/me/formulas/import", data={"csrf": token, **data})
        assert refused.status_code == 400 and message in refused.text, data
    exported = client.get("/me/formulas/export").json()["formulas"]
    assert [f["name"] for f in exported] == ["own0", "own1", "own2"]
    # the choice as the form sends it back
    kept = client.post("/me/formulas/import",
                       data={"csrf": token, "pending": pending, "keep": ["1", "3"]})
    assert kept.status_code == 200 and "Imported 2 formulas." in kept.text
    exported = client.get("/me/formulas/export").json()["formulas"]
    assert [(f["name"], f["expression"]) for f in exported] == [
        ("own0", "own0"), ("own1", "own1"), ("own2", "own2"), ("#2", "二/TI"), ("#4", "四/TI")]
