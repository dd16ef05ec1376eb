"""No language leaks (issue 19 item 11) and a home page that says what is held (item 12).

Every portal and bulk-site page is fetched over real HTTP in Japanese and in English
(Accept-Language, and `?lang=` for the switch), on SQLite and PostgreSQL, from a store
holding the JP gazettes, the recorded API answers, the SPEC's design and trademark cases,
`samples/foreign` (loaded tolerantly, as `tokkyo ingest --tolerant`) and the JP trademark
gazettes, with every bulk product published. Its visible text (tags, scripts and styles
stripped; `alt`, `aria-label`, `title` and `placeholder` kept) must be in the page's
language: no Japanese script on an English page, no English word on a Japanese page.

What is not the page's own text is not judged: proper names, numbers, codes, field codes,
units and product ids (the allow-list below), text in `<code>`, and data marked as such —
an element with `translate="no"` (titles, names and marks as published) or with a `lang`
of its own (a document's text in its language). Each leak is listed with its page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from lxml import html as lxml_html

from tests.api.server import SECRET, Server
from tests.conftest import (
    FOREIGN,
    GAZETTE,
    REAL,
    TRADEMARK_GAZETTES,
    fresh_database,
    ingest,
    open_searched,
)
from tests.portal.conftest import spec_cases
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog, publish
from tokkyo.config import load_settings
from tokkyo.store.repositories import users
from tokkyo.store.tables import applications, publications

PASSWORD = "language-password-1"
USER = "language-user1"
ADMIN = "language-admin1"
TERMS = "2026-04"

#: Words and names that are the same on a Japanese page: product, format and standard
#: names and the site's own name. Upper-case codes (FI, ZIP, JST, EP …), anything with a
#: digit, a dot or an operator (numbers, dates, file names, SHA-256, `a+b`, paths) and
#: text in `<code>` need no entry.
PROPER_NAMES = ("J-PlatPat", "tokkyo", "Atom", "JSON Feed", "JSON Lines", "Green Book",
                "jp-official-gazette")
#: Japanese an English page may show: JP numbers in the JPO's own notation (特願2020-123456,
#: 特開平10-123456: codes) and the Japanese a help text teaches (the example term 電池, the
#: characters a normalisation folds).
JP_NUMBER = re.compile(r"(特願|特開|特表|再表|特公|特許|実願|実開|実登|意願|意匠登録|商願|商標登録)"
                       r"(昭和?|平成?|令和?)?第?[0-9０-９]{1,4}[-－]?[0-9０-９]*(-[0-9]+)?号?")
TAUGHT = ("電池", "ヴァ", "ヴ", "ブ", "バ", "ー")
PLURAL_WRONG = re.compile(r"\b1 (hits|files|formulas|cases|documents|releases)\b"
                          r"|\b(?!1\b)[0-9][0-9,]* (hit|file|formula|case|document|release)\b")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆ヵヶ]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-/_:+#]*")
KEPT_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
CODE_TAGS = {"code", "kbd", "samp", "script", "style", "template", "noscript", "textarea"}


def visible_text(page: str, lang: str) -> list[str]:
    """The page's own text in reading order: text nodes, the kept attributes and button
    labels, minus code, scripts, styles, form values, data marked `translate="no"` and
    text marked with another language than the page's."""
    root = lxml_html.document_fromstring(page)
    pieces: list[str] = []

    def walk(node: lxml_html.HtmlElement) -> None:
        if not isinstance(node.tag, str):           # comments, processing instructions
            return
        tag = node.tag.lower()
        if (tag in CODE_TAGS or node.get("translate") == "no"
                or (node.get("lang") and node.get("lang") != lang and tag != "html")):
            return
        for name in KEPT_ATTRIBUTES:
            if node.get(name):
                pieces.append(node.get(name))
        if tag == "input" and node.get("type") in ("submit", "button") and node.get("value"):
            pieces.append(node.get("value"))
        if node.text:
            pieces.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                pieces.append(child.tail)

    walk(root)
    return [" ".join(p.split()) for p in pieces if p.strip()]


def foreign_words(text: str) -> list[str]:
    """English words in a Japanese page's text: Latin words that are not a code, a
    number, a file name or a proper name."""
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    words = []
    for word in ASCII_WORD.findall(text):
        word = word.strip("'’.-:#")
        if (not word or any(c.isdigit() or c in "./_+" for c in word) or word.isupper()
                or len(word) == 1):
            continue
        if re.fullmatch(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)*[a-z]?", word):   # ST.16 kinds, CC
            continue
        words.append(word)
    return words


def leaks(page: str, lang: str) -> list[str]:
    """The other language's text on a page in `lang`."""
    found = []
    for piece in visible_text(page, lang):
        if lang == "en" and PLURAL_WRONG.search(piece):
            found.append(f"{piece}  [plural]")
        taught = JP_NUMBER.sub(" ", piece)
        for term in TAUGHT:
            taught = taught.replace(term, " ")
        if lang == "en" and JAPANESE.search(taught):
            found.append(piece)
        elif lang == "ja" and foreign_words(piece):
            found.append(f"{piece}  [{', '.join(foreign_words(piece))}]")
    return found


def test_the_checker_finds_each_kind_of_leak_and_passes_names_codes_and_marked_data():
    ja = ('<html lang="ja"><body><p>sources: 23 · 収録 jp-publications</p><p>番号 JP 2021044377 A、'
          'EP 1442058 B1、H01M10/05、SHA-256、manifest.json、<code>case-data</code></p>'
          '<td translate="no">Microsoft Corporation</td><a lang="en">English</a>'
          '<input aria-label="field 1" value="battery"><p>tokkyo · J-PlatPat · JST</p></body>'
          '</html>')
    assert leaks(ja, "ja") == ["sources: 23 · 収録 jp-publications  [sources, jp-publications]",
                               "field 1  [field]"]
    en = ('<html lang="en"><body><h1>Results <span>1 hits</span></h1><p>(1 files)</p>'
          '<p>2 hits</p><p>1 file</p><p>提供単位</p><p>特願2020-123456, 特開平10-123456, '
          '意匠登録1581216</p><td translate="no">ウェーハの加工方法</td><a lang="ja">日本語</a>'
          '<p title="要約">Abstract</p></body></html>')
    assert leaks(en, "en") == ["1 hits  [plural]", "(1 files)  [plural]", "提供単位", "要約"]


@dataclass
class Walk:
    server: Server
    url: str

    def client(self, lang: str, login_id: str | None = None) -> httpx.Client:
        client = httpx.Client(base_url=self.server.base, timeout=60, follow_redirects=False,
                              headers={"Accept": "text/html", "Accept-Language": lang})
        if login_id:
            answer = client.post("/login", data={"username": login_id,
                                                 "password": PASSWORD, "next": "/"})
            assert answer.status_code == 303, answer.text
        return client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Walk]:
    folder = tmp_path_factory.mktemp(f"language-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        settings = load_settings(database_url=url, data_dir=str(folder), secret_key=SECRET,
                                 environ={})
        db = open_searched(settings)
        assert ingest(db, GAZETTE, REAL, *spec_cases(), TRADEMARK_GAZETTES).ok
        ingest(db, FOREIGN, tolerant=True)
        policy = Policy(secret=SECRET.encode())
        now = dt.datetime.now(dt.UTC)
        with db.engine.begin() as conn:
            for login_id, role in ((USER, "user"), (ADMIN, "admin")):
                users.update(conn, accounts.add_user(conn, policy, login_id, PASSWORD, role),
                             consent_version=TERMS)
            catalog.ensure_products(conn)
            for spec in catalog.PRODUCTS:
                publish.publish(conn, db.blobs, spec.id, release_type="backfile", now=now,
                                workdir=folder / "work")
        db.close()
        server = Server(url, folder, bulk_terms_version=TERMS)
        try:
            yield Walk(server, url)
        finally:
            server.stop()


#: (page, status) a visitor sees; the walk adds the saved formula, the bulk releases
#: and files it finds.
VISITOR_PAGES = (
    ("/", 200), ("/simple?q=", 400), ("/search/patent", 200), ("/search/design", 200),
    ("/search/trademark", 200), ("/q/all?e=電池", 200), ("/q/patent?e=電池", 200),
    ("/q/patent?e=[電池/TX", 400), ("/q/patent?e=存在しない語句xyz", 200),
    ("/q/design?e=JP/CC", 200), ("/q/trademark?e=JP/CC", 200), ("/q/patent?e=EP/CC", 200),
    ("/number", 200), ("/number?q=2021-044377", 200), ("/number?q=特願", 400),
    ("/login", 200), ("/me/formulas", 200), ("/no/such/page", 404),
    ("/d/JP/patent/pub/2021044377", 200), ("/d/JP/patent/pub/2021044377/claims", 200),
    ("/d/JP/patent/pub/2021044377/description", 200),
    ("/d/JP/patent/app/2020123456", 200), ("/d/JP/patent/app/2020123456/history", 200),
    ("/d/JP/patent/app/2020123456/status", 200),
    ("/d/EP/patent/pub/1442058B1", 200), ("/d/JP/patent/pub/9999999999", 404),
    ("/bulk", 200), ("/bulk/status", 200), ("/bulk/announcements", 200),
    ("/bulk/terms", 200), ("/bulk/register", 200), ("/bulk/products/no-such", 404),
    ("/bulk/dl/not-a-token/file.zip", 403),
)
USER_PAGES = (("/me/formulas", 200), ("/bulk/me", 200), ("/bulk/archive", 200),
              ("/bulk/admin/archive", 403), ("/q/s/999999", 404))
ADMIN_PAGES = (("/bulk/admin/archive", 200),)
#: Forms a visitor sends wrongly: a failed sign-in, a bulk form without its token.
FORMS = (("/login", {"username": "nobody-here", "password": "not-the-password", "next": "/"},
          401),
         ("/bulk/register", {"csrf": "stale"}, 403))


def _links(page: str, prefix: str) -> list[str]:
    return sorted({a for a in re.findall(r'href="([^"?#]+)', page) if a.startswith(prefix)})


def pages_of(walk: Walk) -> list[tuple[str | None, str, int]]:
    """Every page to walk as (who, address, status): the fixed ones and those reached
    from the bulk catalogue (each product, release and file page) and a saved formula."""
    found: list[tuple[str | None, str, int]] = [(None, p, s) for p, s in VISITOR_PAGES]
    found += [(USER, p, s) for p, s in USER_PAGES] + [(ADMIN, p, s) for p, s in ADMIN_PAGES]
    client = walk.client("en", USER)
    bulk = client.get("/bulk").text
    products = _links(bulk, "/bulk/products/")
    releases = sorted({r for p in products
                       for r in _links(client.get(p).text, "/bulk/releases/")
                       if r.count("/") == 3})
    files = sorted({f for r in releases[:3] for f in _links(client.get(r).text,
                                                              "/bulk/files/")
                    if f.count("/") == 3})[:3]
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/me/formulas").text)
    assert csrf is not None
    saved = client.post("/me/formulas", data={
        "csrf": csrf[1], "law": "patent",
        "expression": "電池/TX", "n": "", "name": "電池 battery"})
    formula = _links(client.get("/me/formulas").text, "/q/s/")
    # an archive order of each unit, sized by an operator: the archive and queue pages
    # then show units, deliveries, states and file counts
    for unit in catalog.UNITS:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/bulk/archive").text)
        assert token is not None
        placed = client.post("/bulk/archive", data={"csrf": token[1], "unit": unit,
                                                    "delivery": "online", "purpose": "試験"})
        assert placed.status_code == 303, placed.text
    client.close()
    admin = walk.client("en", ADMIN)
    for to in ("verifying", "approved", "sized"):
        queue = admin.get("/bulk/admin/archive").text
        token = re.search(r'name="csrf" value="([^"]+)"', queue)
        assert token is not None
        for order in sorted(set(re.findall(r'data-id="(\d+)"', queue))):
            moved = admin.post(f"/bulk/admin/archive/{order}", data={"csrf": token[1],
                                                                    "to": to})
            assert moved.status_code == 303, moved.text
    assert admin.get("/bulk/admin/archive").text.count('data-status="sized"') == 3
    admin.close()
    assert len(products) == len(catalog.PRODUCTS) and releases and files
    assert saved.status_code in (200, 303) and len(formula) == 1, saved.text
    found += [(None, p, 200) for p in products + releases]
    found += [(USER, p, 200) for p in files + formula]
    return found


@pytest.fixture(scope="module")
def walked(site: Walk) -> dict[str, dict[str, list[str]]]:
    """lang → page → leaks, for every page in both languages. Every other page is asked
    for with `?lang=` by a browser whose Accept-Language names the other language, the
    rest by Accept-Language alone."""
    result: dict[str, dict[str, list[str]]] = {"ja": {}, "en": {}}
    pages = pages_of(site)
    for lang in ("ja", "en"):
        other = "en" if lang == "ja" else "ja"
        by_header = {who: site.client(lang, who) for who in (None, USER, ADMIN)}
        by_query = {who: site.client(other, who) for who in (None, USER, ADMIN)}
        for i, (who, path, status) in enumerate(pages):
            if i % 2:
                asked = path + ("&" if "?" in path else "?") + f"lang={lang}"
                answer = by_query[who].get(asked)
            else:
                answer = by_header[who].get(path)
            assert answer.status_code == status, (lang, who, path, answer.text[:500])
            assert f'<html lang="{lang}"' in answer.text, (lang, path)
            result[lang][f"{path} ({who or 'visitor'})"] = leaks(answer.text, lang)
        for path, form, status in FORMS:
            answer = by_header[None].post(path, data=form)
            assert answer.status_code == status, (lang, path, answer.text[:500])
            result[lang][f"POST {path} (visitor)"] = leaks(answer.text, lang)
        for client in (*by_header.values(), *by_query.values()):
            client.close()
    return result


#: Pages whose text is another helper's work (issue 19 items 6–9: the document and case
#: pages) or the number reader's (its English detail of a number it cannot read): walked
#: here too, expected to leak until that work lands (see the test below).
ELSEWHERE = ("/d/", "/number?q=特願")


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n    " + "\n    ".join(words)
                     for page, words in found.items() if words)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_page_shows_the_other_language(walked: dict[str, dict[str, list[str]]],
                                          lang: str):
    found = {p: w for p, w in walked[lang].items() if not p.startswith(ELSEWHERE)}
    assert len(found) == 51            # one page per bulk product among them
    assert not any(found.values()), f"{lang} pages with the other language:\n" + _report(found)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_document_case_and_number_pages_show_only_their_language(
        walked: dict[str, dict[str, list[str]]], lang: str):
    found = {p: w for p, w in walked[lang].items() if p.startswith(ELSEWHERE)}
    assert len(found) == 9
    assert not any(found.values()), f"{lang} pages with the other language:\n" + _report(found)


def test_the_home_page_says_what_is_held_per_law_and_country_and_as_of_when(site: Walk):
    """Item 12: per country and law, the cases, documents, years and completeness, and
    the date of the data; no internal counters (sources, superseded, quarantined)."""
    db_rows = {}
    for lang, heading in (("ja", "収録データ"), ("en", "What tokkyo holds")):
        client = site.client(lang)
        page = client.get("/").text
        client.close()
        root = lxml_html.document_fromstring(page)
        assert root.get_element_by_id("holdings").findtext("h2") == heading
        rows = {(tr.get("data-country"), tr.get("data-law")): [td.text_content() for td in tr]
                for tr in root.get_element_by_id("held").iter("tr") if tr.get("data-country")}
        db_rows[lang] = rows
        assert "superseded" not in page and "quarantined" not in page
        as_of = root.get_element_by_id("data-as-of").text_content()
        assert ("データ更新日時" if lang == "ja" else "Data as of") in as_of
    ja, en = db_rows["ja"], db_rows["en"]
    engine = sa.create_engine(site.url)
    with engine.connect() as conn:
        cases = dict(((c, law), n) for c, law, n in conn.execute(sa.select(
            applications.c.country, applications.c.law, sa.func.count())
            .group_by(applications.c.country, applications.c.law)))
        documents = {(c, law): (n, first, last) for c, law, n, first, last in conn.execute(
            sa.select(publications.c.country, publications.c.law, sa.func.count(),
                      sa.func.min(publications.c.date), sa.func.max(publications.c.date))
            .group_by(publications.c.country, publications.c.law))}
    engine.dispose()
    assert set(ja) == set(en) == set(cases)
    assert next(iter(ja))[0] == "JP"
    for key, n in cases.items():
        docs, first, last = documents.get(key, (0, None, None))
        years = "" if first is None else (
            str(first.year) if first.year == last.year else f"{first.year}–{last.year}")
        assert ja[key][2:5] == en[key][2:5] == [str(n), str(docs), years], key
    assert ja[("JP", "patent")][1] == "特許" and en[("JP", "patent")][1] == "Patents"
    assert ja[("JP", "design")][1] == "意匠" and en[("JP", "trademark")][1] == "Trademarks"
    assert ja[("EP", "patent")] == ["EP", "特許", "36", "36", "1978–2022", "27", "27", "0"]



def test_every_bulk_refusal_says_what_happened_and_what_to_do_in_both_languages():
    """A refusal page shows `error.<reason>` as its heading and `error.<reason>.message`
    as its text; the English detail of the refusal only on an English page."""
    folder = Path(__file__).resolve().parents[2] / "src" / "tokkyo" / "bulk" / "messages"
    for lang in ("ja", "en"):
        messages = json.loads((folder / f"{lang}.json").read_text("utf-8"))
        reasons = {k[len("error."):] for k in messages
                   if k.startswith("error.") and not k.endswith(".message")}
        assert len(reasons) == 15
        assert {r for r in reasons if f"error.{r}.message" in messages} == reasons, lang
