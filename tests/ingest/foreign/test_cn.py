"""The CNIPA readers (`cn_old`: `cn-patent-document`, `cn_new`:
`business:PatentDocumentAndRelated`) against every real CNIPA file of `samples/`.

The counts each reader produces are compared with counts taken from the source by a
plain XPath count (`source_counts`, reused by the store-level tests)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

from tests.conftest import SAMPLES
from tokkyo.ingest.detect import xml_root
from tokkyo.ingest.foreign import cn_new, cn_old
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.classifications import Scheme
from tokkyo.model.laws import Law
from tokkyo.model.parties import PartyRole

CN = SAMPLES / "foreign" / "cn"
FILES = sorted(p.name for p in CN.iterdir() if p.suffix.lower() == ".xml")
NS = {"business": cn_new.BUSINESS, "base": cn_new.BASE}


def _tree(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    return etree.fromstring(path.read_bytes(), parser)


def source_counts(path: Path) -> dict[str, int]:
    """Claims, description paragraphs, applicants and classification codes of a CNIPA
    file, counted in the source with plain XPath (original-format copies only, where
    the newer format repeats an element in its standardised form)."""
    root = _tree(path)

    def count(xpath: str) -> int:
        return int(root.xpath(f"count({xpath})", namespaces=NS))

    if etree.QName(root).localname == "cn-patent-document":
        return {"claims": count("//application-body/claims/claim"),
                "paragraphs": count("//application-body/description/p"),
                "applicants": count("//cn-applicants/cn-applicant"),
                "classifications": count("//classification-ipcr | //classification-cpc"
                                         " | //classification-locarno")}
    original = "[not(@dataFormat) or @dataFormat='original']"
    return {"claims": count("//business:Claims/business:Claim"),
            "paragraphs": count("//business:Description//base:Paragraphs[@num]"),
            "applicants": count(f"//business:ApplicantDetails/business:Applicant{original}"),
            "classifications": count("//business:ClassificationIPCR"
                                     " | //business:ClassificationCPC"
                                     " | //business:ClassificationLocarno")}


def reader_for(data: bytes) -> ModuleType:
    """The reader module whose ROOTS hold the file's root element."""
    root = xml_root(data)
    if root in cn_old.ROOTS:
        return cn_old
    assert root in cn_new.ROOTS, root
    return cn_new


@cache
def read(name: str) -> ForeignRead:
    data = (CN / name).read_bytes()
    module = reader_for(data)
    result: ForeignRead = module.read(name, data)
    return result


@pytest.mark.parametrize("name", FILES)
def test_counts_match_the_source(name):
    [publication] = read(name).publications
    expected = source_counts(CN / name)
    got = {"claims": len(publication.claims), "paragraphs": len(publication.paragraphs),
           "applicants": sum(p.role is PartyRole.APPLICANT for p in publication.parties),
           "classifications": len(publication.classifications)}
    assert got == expected
    assert publication.country == "CN" and publication.language == "zh"
    assert publication.title and publication.abstract


def test_every_real_file_is_one_of_the_two_formats():
    assert len(FILES) == 9
    roots = {xml_root((CN / name).read_bytes()) for name in FILES}
    assert roots == {"cn-patent-document", "business:PatentDocumentAndRelated"}


@pytest.mark.parametrize("name, number, kind, date, application, filed, title", [
    ("cn_old1.xml", "104223352", "A", "2014-12-24", "201410408762.5", "2014-08-19",
     "一种甘草发酵所得烟用香料及其应用"),
    ("cn_old3.xml", "104245682", "A", "2014-12-24", "201480000788.4", "2014-03-31",
     "马来酸伊索拉定的制造方法"),
    ("200880114428_A.xml", "103492414", "A", "2014-01-01", "200880114428.1", "2008-10-29",
     "抗HEPCIDIN抗体及其用途"),
    ("cn_new1.xml", "113781974", "A", "2021-12-10", "202111286633.X", "2017-04-24", "显示设备"),
    ("CN102015000481495CN00001152124630AFULZH20221021CN00D.XML", "115212463", "A",
     "2022-10-21", "201510481495.9", "2015-08-07", "一种医用放射治疗装置"),
])
def test_bibliographic_fields(name, number, kind, date, application, filed, title):
    [publication] = read(name).publications
    assert (publication.number, publication.kind, publication.st16_kind) == (number, kind, kind)
    assert publication.date == dt.date.fromisoformat(date)
    assert publication.application_number == application
    assert publication.filing_date == dt.date.fromisoformat(filed)
    assert publication.title == title
    assert publication.law is Law.PATENT
    assert publication.key == f"CN/{kind}/{number}"


def test_old_format_paragraphs_keep_numbers_and_fall_under_their_headings():
    [publication] = read("cn_old1.xml").publications
    first, second = publication.paragraphs[:2]
    assert (first.number, first.section, first.text) == ("0001", "技术领域", "技术领域")
    assert second.number == "0002" and second.section == "技术领域"
    assert second.text.startswith("本发明属于卷烟香精香料技术领域")
    assert "\n" not in second.text and "\t" not in second.text
    assert publication.paragraphs[-1].section == "具体实施方式"
    assert [c.number for c in publication.claims] == [1, 2, 3]


def test_line_breaks_inside_chinese_text_are_folded_without_spaces():
    [publication] = read("cn_old2.xml").publications
    claim = publication.claims[0].text
    assert claim.startswith("1.一种用于对包含于人造草坪的填充材料进行重复利用的筛选方法，该方法为")
    assert claim.split("\n")[1].startswith("第1次筛选步骤")


def test_new_format_headings_are_sections_not_paragraphs():
    [publication] = read("cn_new1.xml").publications
    by_number = {p.number: p for p in publication.paragraphs}
    assert by_number["0001"].text == "相关申请的交叉引用"
    assert by_number["0003"].section == "技术领域"
    assert by_number["0004"].section == "背景技术"
    assert not any(p.text == "技术领域" for p in publication.paragraphs)
    assert publication.classifications[0].code == "G09G3/36"
    assert publication.classifications[0].main
    assert publication.classifications[1].raw == "G09G    3/3208  (2016.01)"


def test_parties_priorities_and_drawings():
    [old] = read("cn_old2.xml").publications
    applicants = [p.name for p in old.parties if p.role is PartyRole.APPLICANT]
    assert applicants == ["可隆科技特株式会社", "盛源立赛科株式会社"]
    assert sum(p.role is PartyRole.INVENTOR for p in old.parties) == 5
    agents = [p for p in old.parties if p.role is PartyRole.ATTORNEY]
    assert {p.agent_kind for p in agents} == {"agent", "agency"}
    assert len(old.priorities) == 6
    assert (old.priorities[0].paris_country, old.priorities[0].paris_application_number,
            old.priorities[0].paris_date) == ("KR", "10-2013-0033547", dt.date(2013, 3, 28))
    assert len(old.drawings) == 11 and old.drawings[0].file == "HDA0000581600330000011.TIF"
    assert old.representative_figure == "201480000986.TIF"
    [new] = read("cn_new3.xml").publications
    assert len(new.priorities) == 8            # the original copies of 16 Priority elements
    assert new.priorities[0].paris_application_number == "62/982,670"
    [divided] = read("cn_new1.xml").publications
    assert divided.parent is not None
    assert divided.parent.application_number == "201710269973.9"


def test_domestic_priority_is_a_national_priority():
    [publication] = read("cn_old4.xml").publications
    [priority] = publication.priorities
    assert priority.national_application_number == "201320854096.9"
    assert priority.national_date == dt.date(2013, 12, 24)


def test_what_the_model_cannot_hold_is_named():
    problems = read("cn_old2.xml").problems
    assert any("PCT/KR2014/002669" in p and "not kept" in p for p in problems)
    images = read("cn_new3.xml").problems
    assert any("image(s) inside description" in p for p in images)
    assert read("cn_new1.xml").problems == []


def test_utility_models_and_designs_follow_the_kind():
    data = (CN / "cn_old1.xml").read_bytes()
    utility = cn_old.read("u.xml", data.replace(b"<kind>A</kind>", b"<kind>U</kind>"))
    assert utility.publications[0].law is Law.UTILITY
    design = cn_old.read("s.xml", data.replace(b"<kind>A</kind>", b"<kind>S</kind>"))
    assert design.publications[0].law is Law.DESIGN
    new = (CN / "cn_new2.xml").read_bytes().replace(b"<base:Kind>A</base:Kind>",
                                                    b"<base:Kind>U</base:Kind>")
    assert cn_new.read("u.xml", new).publications[0].law is Law.UTILITY


def test_an_english_abstract_goes_to_other_texts():
    data = (CN / "cn_old1.xml").read_bytes().replace(
        b"<cn-related-publication />",
        b'<abstract lang="EN"><p num="1">A tobacco flavour.</p></abstract>'
        b"<cn-related-publication />")
    [publication] = cn_old.read("en.xml", data).publications
    assert publication.abstract.startswith("本发明公开了")
    assert [(t.part, t.language, t.text) for t in publication.other_texts] == [
        ("abstract", "en", "A tobacco flavour.")]


def test_cpc_is_read_when_present():
    data = (CN / "cn_old1.xml").read_bytes().replace(
        b"</classifications-ipcr>",
        b"</classifications-ipcr><classifications-cpc><classification-cpc>"
        b"<text>A24B 15/18 (2013.01)</text></classification-cpc></classifications-cpc>")
    [publication] = cn_old.read("cpc.xml", data).publications
    cpc = [c for c in publication.classifications if c.scheme is Scheme.CPC]
    assert [c.code for c in cpc] == ["A24B15/18"]


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, module", [("cn_old1.xml", cn_old), ("cn_new2.xml", cn_new)])
def test_a_truncated_file_fails_where_it_ends(name, module):
    data = (CN / name).read_bytes()
    cut = data[:data.rfind(b"\n", 0, len(data) // 2)]
    with pytest.raises(ParseFailure) as failure:
        module.read(name, cut)
    last_line = cut[cut.rfind(b"\n") + 1:].decode("utf-8")
    assert failure.value.code == "truncated"
    # libxml2 stops at the end of the last line; its column counts characters
    assert (failure.value.line, failure.value.column) == (cut.count(b"\n") + 1,
                                                          len(last_line) + 1)
    assert failure.value.as_dict()["file"] == name


@pytest.mark.parametrize("name, module", [("cn_old1.xml", cn_old), ("cn_new2.xml", cn_new)])
def test_gbk_bytes_under_a_utf8_declaration_fail_with_encoding_error(name, module):
    text = (CN / name).read_bytes().decode("utf-8-sig")
    data = text.encode("gbk", errors="replace")
    try:                                   # the first byte that is not UTF-8
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    line_start = data.rfind(b"\n", 0, bad) + 1
    # 1-based, in characters of the line before the bad byte (as libxml2 counts)
    expected = (data.count(b"\n", 0, bad) + 1,
                len(data[line_start:bad].decode("utf-8")) + 1)
    with pytest.raises(ParseFailure) as failure:
        module.read(name, data)
    assert failure.value.code == "encoding-error"
    assert (failure.value.line, failure.value.column) == expected


def test_a_declared_encoding_nobody_knows_fails():
    data = (CN / "cn_old3.xml").read_bytes().replace(
        b'standalone="yes"', b'encoding="x-cnipa-1" standalone="yes"')
    with pytest.raises(ParseFailure) as failure:
        cn_old.read("cn_old3.xml", data)
    assert (failure.value.code, failure.value.line, failure.value.column) == (
        "encoding-error", 1, 1)


def test_the_dtd_the_new_format_names_is_never_loaded():
    data = (CN / "CN102015000481495CN00001152124630AFULZH20221021CN00D.XML").read_bytes()
    assert b"/DTDS/ExternalStandards/ipphdb-entities.dtd" in data
    assert not Path("/DTDS/ExternalStandards/ipphdb-entities.dtd").exists()
    assert read("CN102015000481495CN00001152124630AFULZH20221021CN00D.XML").publications


def test_the_wrong_root_is_refused():
    with pytest.raises(ParseFailure) as failure:
        cn_old.read("x.xml", (CN / "cn_new1.xml").read_bytes())
    assert failure.value.code == "unsupported-document"


def test_citations_it_cannot_read_yet_are_named_not_lost():
    data = (CN / "cn_old1.xml").read_bytes().replace(
        b"<cn-related-publication />",
        b"<references-cited><citation><patcit>CN1</patcit></citation></references-cited>"
        b"<cn-related-publication />")
    problems = cn_old.read("cited.xml", data).problems
    assert any("citation" in p and "not kept" in p for p in problems)
