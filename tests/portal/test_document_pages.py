"""The document and case pages as the gazette and J-PlatPat print them (issue 19, items 6,
7 and 9), over real HTTP on SQLite and PostgreSQL, from the real samples: every heading
and label of a JP description (【先行技術文献】, 【特許文献１】, 【図１】) in the page, its
description section and the JSON twin; the case page of 2020-123456 with typed and dated
citations, its history in date order with each document once and ST.27 labels in the
page's language; one form of numbers and dates per language on every page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import GAZETTE
from tokkyo.documents.service import cited_documents
from tokkyo.ingest.gazette import read_gazette
from tokkyo.model.headings import with_headings
from tokkyo.store.engine import make_engine

JSON = {"Accept": "application/json"}
CASE = "/d/JP/patent/app/2020123456"
DOCUMENT = "/d/JP/patent/pub/2021044377"

#: 【0008】 and the start of 【0023】 of 特開2021-044377 as the gazette prints them
CITATIONS_0008 = ("【特許文献１】特許第６１５１５５７号公報\n"
                  "【特許文献２】特許第３０７６１７９号公報")
FIGURES_0023 = [
    "【図１】図１（Ａ）は、ウェーハの表面を模式的に示す斜視図であり、図１（Ｂ）は、ウェーハの裏面を"
    "模式的に示す斜視図である。",
    "【図２】チャックテーブルの保持面上にウェーハ及びフレームを位置付ける様子を模式的に示す斜視図"
    "である。",
    "【図３】ポリオレフィン系シート配設工程を模式的に示す斜視図である。",
    "【図４】一体化工程の一例を模式的に示す斜視図である。",
    "【図５】図５（Ａ）は、ポリオレフィン系シートを切断する様子を模式的に示す斜視図であり、図５（Ｂ）"
    "は、形成されたフレームユニットを模式的に示す斜視図である。",
    "【図６】図６（Ａ）は、分割工程を模式的に示す斜視図であり、図６（Ｂ）は、同断面図であり、図６（Ｃ）"
    "は、シールドトンネルを模式的に示す斜視図である。",
    "【図７】ピックアップ装置へのフレームユニットの搬入を模式的に示す斜視図である。",
    "【図８】図８（Ａ）は、フレーム支持台の上に固定されたフレームユニットを模式的に示す断面図であり、"
    "図８（Ｂ）は、ピックアップ工程を模式的に示す断面図である。",
]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _rows(html: str, table: str) -> list[list[str]]:
    body = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    body = body.split("<tbody>", 1)[1]
    return [[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_reader_keeps_citation_and_figure_labels_and_the_section_path():
    pub = read_gazette("jp_example1.xml", (GAZETTE / "jp_example1.xml").read_bytes()).publication
    by_number = {p.number: p for p in pub.paragraphs}
    assert by_number["0008"].text == CITATIONS_0008
    assert by_number["0008"].section == "citation-list/patent-literature"
    assert by_number["0023"].text.split("\n") == FIGURES_0023
    assert by_number["0023"].section == "description-of-drawings"
    assert by_number["0009"].section == "summary-of-invention/tech-problem"
    assert by_number["0001"].section == "technical-field"
    # a citation read on its own is its text, without the label
    assert [c.document_number for c in pub.patent_citations] == [
        "特許第６１５１５５７号公報", "特許第３０７６１７９号公報"]


def test_the_json_twin_carries_every_heading_and_label(store):
    client = store.client()
    paragraphs = {p["number"]: p for p in client.get(DOCUMENT, headers=JSON).json()["paragraphs"]}
    assert paragraphs["0001"]["heading"] == "【技術分野】"
    assert paragraphs["0002"]["heading"] == "【背景技術】"
    assert paragraphs["0003"]["heading"] == ""
    assert paragraphs["0008"]["heading"] == "【先行技術文献】\n【特許文献】"
    assert paragraphs["0008"]["headings"] == ["【先行技術文献】", "【特許文献】"]
    assert paragraphs["0008"]["text"] == CITATIONS_0008
    assert paragraphs["0008"]["label"] == "【0008】"
    assert paragraphs["0009"]["heading"] == "【発明の概要】\n【発明が解決しようとする課題】"
    assert paragraphs["0012"]["heading"] == "【課題を解決するための手段】"
    assert paragraphs["0023"]["heading"] == "【図面の簡単な説明】"
    assert paragraphs["0023"]["text"].split("\n") == FIGURES_0023
    section = client.get(f"{DOCUMENT}/description", headers=JSON).json()
    by_number = {p["number"]: p for p in section["paragraphs"]}
    assert by_number["0008"]["heading"] == "【先行技術文献】\n【特許文献】"
    english = store.client("en").get(f"{DOCUMENT}/description", headers=JSON).json()
    by_number = {p["number"]: p for p in english["paragraphs"]}
    assert by_number["0008"]["headings"] == ["Citation list", "Patent literature"]
    assert by_number["0023"]["text"].split("\n") == FIGURES_0023


@pytest.mark.parametrize("path", [DOCUMENT, f"{DOCUMENT}/description"])
def test_the_page_prints_headings_and_labels_as_the_gazette(store, path):
    page = store.client().get(path).text
    # the document's text is marked with its language (Japanese) and as not to translate
    text = '<p lang="ja" translate="no">'
    assert ('<h3>【先行技術文献】</h3><h3>【特許文献】</h3>' + text + '<span class="pno">【0008】'
            '</span> 【特許文献１】特許第６１５１５５７号公報<br>'
            '【特許文献２】特許第３０７６１７９号公報</p>') in page
    assert ('<h3>【図面の簡単な説明】</h3>' + text + '<span class="pno">【0023】</span> '
            + "<br>".join(FIGURES_0023) + "</p>") in page
    assert page.count("<h3>【発明の概要】</h3><h3>【発明が解決しようとする課題】</h3>") == 1
    english = store.client("en").get(path).text
    assert "<h3>Citation list</h3><h3>Patent literature</h3>" in english


def test_the_case_page_lists_citations_with_type_date_and_reader_number(store):
    ja = _rows(store.client().get(CASE).text, "cited")
    assert ja == [
        ["2024/02/20", "拒絶理由通知書の引用文献", "1", "特開2002-233033"],
        ["2024/02/20", "拒絶理由通知書の引用文献", "2", "特開2004-064039"],
        ["2024/02/20", "拒絶理由通知書の引用文献", "3", "特開平04-087383"],
        ["2024/02/20", "拒絶理由通知書の引用文献", "4", "特開昭60-046093"],
        ["2024/02/20", "拒絶理由通知書の引用文献", "5", "特開平08-167522"],
        ["2024/02/20", "先行技術文献調査結果の記録", "1", "特開平09-074283"],
        ["2024/07/04", "特許査定の参考文献", "1", "特開2002-233033"],
        ["2024/07/04", "特許査定の参考文献", "2", "特開2004-064039"],
        ["2024/07/04", "特許査定の参考文献", "3", "特開平04-087383"],
        ["2024/07/04", "特許査定の参考文献", "4", "特開昭60-046093"],
        ["2024/07/04", "特許査定の参考文献", "5", "特開平08-167522"],
        ["2024/07/04", "特許査定の参考文献", "6", "特開平09-074283"],
        ["2024/07/04", "特許査定の参考文献", "7", "特開2003-248131"],
    ]
    en = _rows(store.client("en").get(CASE).text, "cited")
    assert en[0] == ["2024/02/20", "Cited in a notice of reasons for refusal", "1",
                     "特開2002-233033"]
    assert en[5] == ["2024/02/20", "Prior-art search record", "1", "特開平09-074283"]
    assert en[6] == ["2024/07/04", "Reference listed in the decision to grant", "1",
                     "特開2002-233033"]
    assert "JPA " not in store.client().get(CASE).text


def test_a_cited_document_tokkyo_holds_is_linked(store):
    engine = make_engine(store.server.env["TOKKYO_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            cited = cited_documents(conn, [
                {"document_number": "JPA 503044377", "citation_type": "19",
                 "draft_date": "2024-02-20", "order": 1},
                {"document_number": "JPA 414233033", "citation_type": "19",
                 "draft_date": "2024-02-20", "order": 2},
                {"document_number": "中国特許出願公開第１０３４４９３９５号明細書"}])
    finally:
        engine.dispose()
    assert [(c["printed"], c["url"]) for c in cited] == [
        ("特開2021-044377", DOCUMENT), ("特開2002-233033", ""),
        ("中国特許出願公開第１０３４４９３９５号明細書", "")]


def test_the_history_is_in_date_order_with_each_document_once(store):
    rows = _rows(store.client().get(CASE).text, "dossier")
    assert rows == [
        ["2020/07/20", "A63", "特許願 （要約書、請求の範囲、明細書、図面）"],
        ["2023/04/19", "A621", "出願審査請求書"],
        ["2024/01/17", "A971007", "検索報告書"],
        ["2024/02/27", "A131", "拒絶理由通知書"],
        ["2024/04/24", "A53", "意見書"],
        ["2024/04/24", "A523", "手続補正書（自発・内容）"],
        ["2024/07/09", "A01", "特許査定"],
        ["2024/07/24", "A61", "登録料納付"],
        ["2024/07/24", "R100", "特許料納付書"],
        ["2024/08/20", "R150", "特許証"],
    ]
    history = store.client().get(f"{CASE}/history", headers=JSON).json()["history"]
    assert [(h["date"], h["code"], h["document_number"]) for h in history][6] == (
        "2024-07-09", "A01", "06124327784")


def test_st27_events_are_shown_once_in_the_page_language(store):
    ja = _rows(store.client().get(CASE).text, "events")
    assert ja == [
        ["2020/07/20", "A12", "出願", "A63 特許願"],
        ["2021/06/10", "Q12", "出願公開", "公開"],
        ["2023/04/19", "D11", "審査請求", "A621 出願審査請求書"],
        ["2024/01/17", "D14", "調査報告の作成", "A971007 検索報告書"],
        ["2024/02/27", "D15", "拒絶理由通知・審査報告", "A131 拒絶理由通知書"],
        ["2024/04/24", "W10", "その他の事象", "A523 手続補正書（自発・内容）"],
        ["2024/04/24", "W10", "その他の事象", "A53 意見書"],
        ["2024/07/09", "W10", "その他の事象", "A01 特許査定"],
        ["2024/07/24", "W10", "その他の事象", "A61 登録料納付"],
        ["2024/07/24", "U11", "維持年金・登録料の納付", "R100 特許料納付書"],
        ["2024/08/05", "F11", "審査を経た権利の付与", "設定登録"],
        ["2024/08/20", "W10", "その他の事象", "R150 特許証"],
    ]
    en = [row[2] for row in _rows(store.client("en").get(CASE).text, "events")]
    assert en[:3] == ["National or regional application filed", "Application published",
                      "Substantive examination requested"]
    assert en[5] == "Other event occurred"
    events = store.client().get(CASE, headers=JSON).json()["events"]
    assert [e["national_code"] for e in events].count("A01") == 1


def _biblio(html: str) -> dict[str, str]:
    block = html.split('<dl class="biblio">', 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_numbers_and_dates_have_one_form_on_list_document_and_case_pages(store, lang):
    client = store.client(lang)
    hits = client.get("/q/all", params={"e": "ウェーハ/TX"}).text
    assert "特開2021-044377" in hits and "特願2019-165329" in hits
    assert "2019/09/11" in hits
    document = client.get(DOCUMENT).text
    # the number above, the invention's title the page's heading (issue 19, item 10)
    assert ('<p class="docnum" id="doc-number">特開2021-044377</p>\n'
            '<h1 id="doc-title" lang="ja" translate="no">ウェーハの加工方法</h1>') in document
    labels = {"ja": ("出願番号", "文献番号", "公知日", "出願日"),
              "en": ("Application number", "Document number", "Publication date",
                     "Filing date")}[lang]
    assert {k: v for k, v in _biblio(document).items() if k in labels} == dict(zip(
        labels, ("特願2019-165329", "特開2021-044377", "2021/03/18", "2019/09/11"),
        strict=True))
    assert "2021-03-18" not in _text(document) and "A 2021044377" not in document
    documents = document.split('<section id="documents">', 1)[1].split("</section>", 1)[0]
    assert _text(documents).endswith("特願2019-165329")
    case = client.get(CASE).text
    assert '<p class="docnum" id="doc-number">特願2020-123456</p>\n<h1 id="doc-title"' in case
    assert list(_biblio(case).values()) == ["特願2020-123456", "2020/07/20", "特開2021-090037",
                                            "特許7533889", "2024/08/05"]


def test_non_patent_citations_get_their_printed_label():
    """jp_example1 with its two citations as non-patent literature (no sample gazette cites
    any): each is printed after 【非特許文献ｎ】 under 【非特許文献】."""
    data = (GAZETTE / "jp_example1.xml").read_bytes()
    for old, new in ((b"<patcit", b"<nplcit"), (b"</patcit>", b"</nplcit>"),
                     (b"patent-literature>", b"non-patent-literature>")):
        data = data.replace(old, new)
    pub = read_gazette("jp_example1.xml", data).publication
    paragraph = next(p for p in pub.paragraphs if p.number == "0008")
    assert paragraph.text == ("【非特許文献１】特許第６１５１５５７号公報\n"
                              "【非特許文献２】特許第３０７６１７９号公報")
    assert paragraph.section == "citation-list/non-patent-literature"
    assert [c.title for c in pub.non_patent_citations] == [
        "特許第６１５１５５７号公報", "特許第３０７６１７９号公報"]
    assert pub.patent_citations == ()


def test_headings_of_paragraphs_stored_before_sections_were_paths():
    """A store loaded before keeps the innermost section only: its heading is shown."""
    old = [{"number": "0008", "section": "patent-literature"},
           {"number": "0009", "section": "tech-problem"},
           {"number": "0010", "section": "tech-problem"}]
    assert [p["headings"] for p in with_headings(old, "JP", "ja")] == [
        ["【特許文献】"], ["【発明が解決しようとする課題】"], []]
    foreign = [{"number": "0001", "section": "BACKGROUND"},
               {"number": "0002", "section": "BACKGROUND"}]
    assert [p["heading"] for p in with_headings(foreign, "EP", "en")] == ["BACKGROUND", ""]
