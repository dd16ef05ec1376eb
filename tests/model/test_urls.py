"""tokkyo's addresses come from one builder (model/urls.py): each shape as the routes
declare it, with values that need quoting carried through intact."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tokkyo.model import urls


def test_documents_and_cases():
    assert urls.document("patent", "pub", "2021044377") == "/d/JP/patent/pub/2021044377"
    assert urls.document("patent", "pub", "2021044377", section="claims", lang="en") == (
        "/d/JP/patent/pub/2021044377/claims?lang=en")
    assert urls.case("design", "2022012584") == "/d/JP/design/app/2022012584"
    assert urls.absolute("https://tokkyo.example/", urls.case("patent", "2020123456")) == (
        "https://tokkyo.example/d/JP/patent/app/2020123456")


def test_queries_carry_any_expression():
    expression = '[電池+"特願2020-123456"/AN]*4F100<A,B;AB01>/FT&x=1'
    link = urls.query("patent", expression, "hl", sort="date", page=3)
    parts = urlsplit(link)
    assert parts.path == "/q/patent"
    assert parse_qs(parts.query) == {"e": [expression], "n": ["hl"], "v": ["1"],
                                     "sort": ["date"], "page": ["3"]}
    assert parse_qs(urlsplit(urls.csv("all", expression, "", "number")).query)["e"] == [
        expression]
    assert urls.search("all", "H01M10/FI") == "/q/all?e=H01M10%2FFI"


def test_formulas_downloads_and_sign_in():
    assert urls.formula(7) == "/q/s/7"
    assert urls.formula(7, sort="date", page=2) == "/q/s/7?sort=date&page=2"
    assert urls.bulk_download("tok", "a.zip") == "/bulk/dl/tok/a.zip"
    back = urls.sign_in("/q/all?e=電池&n=")
    assert back.startswith("/login?next=%2Fq%2Fall%3F")
    assert parse_qs(urlsplit(back).query)["next"] == ["/q/all?e=電池&n="]
    assert urls.bulk_terms("/bulk/files/3/download") == (
        "/bulk/terms?next=%2Fbulk%2Ffiles%2F3%2Fdownload")
