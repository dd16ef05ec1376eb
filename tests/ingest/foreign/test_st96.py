"""The WIPO ST.96 v6 reader against WIPO's four example instances in `samples/`.

The counts the reader produces are compared with counts taken from the source by a
plain XPath count (`source_counts`, reused by the store-level tests)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import SAMPLES
from tokkyo.ingest.detect import xml_root
from tokkyo.ingest.foreign import st96
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.classifications import Scheme
from tokkyo.model.laws import Law
from tokkyo.model.parties import PartyRole

ST96 = SAMPLES / "foreign" / "st96" / "wipo_st96_v6_examples"
PATENT = "PatentPublication_Example.xml"
DESIGN = "DesignApplication_Example.xml"
TRADEMARK = "TrademarkApplication_Example.xml"
GI = "GIApplication_Example.xml"
PUBLICATIONS = (PATENT, DESIGN, TRADEMARK)


def source_counts(path: Path) -> dict[str, int]:
    """Claims, description paragraphs, applicants (trademarks: applicants and owners,
    all `tmk:Applicant`) and classification codes of an ST.96 instance, counted in the
    source with plain XPath. Trademarks: Nice classes (distinct class numbers) + Vienna
    codes (and national design search codes) + the office's domestic classes."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(path.read_bytes(), parser)

    def count(xpath: str) -> int:
        return int(root.xpath(f"count({xpath})", namespaces=st96.NS))

    kind = etree.QName(root).localname
    if kind == "PatentPublication":
        bag = "//pat:BibliographicData/pat:PatentClassificationBag"
        return {"claims": count("//pat:Claims/pat:Claim"),
                "paragraphs": count("//pat:Description//com:P[not(ancestor::com:P)]"),
                "applicants": count("//pat:PartyBag/pat:ApplicantBag/pat:Applicant"),
                "classifications": count(f"{bag}//pat:IPCRClassification"
                                         f" | {bag}//pat:CPCClassification"
                                         f" | {bag}/pat:NationalClassification/*"
                                         "[pat:NationalClass]")}
    if kind == "DesignApplication":
        names = set(root.xpath("//dgn:Applicant//com:EntityName/text()", namespaces=st96.NS))
        return {"claims": count("//dgn:DesignClaimText"),
                "paragraphs": count("//dgn:DesignDescriptionText"),
                "applicants": len(names),
                "classifications": count("//com:LocarnoClassificationText"
                                         " | //com:NationalDesignClassification")}
    assert kind == "TrademarkApplication", kind
    nice = set(root.xpath("//tmk:GoodsServicesClassification[tmk:ClassificationKindCode"
                          "='Nice' or tmk:ClassificationKindCode='Primary']/tmk:ClassNumber"
                          "/text()", namespaces=st96.NS))
    return {"claims": 0, "paragraphs": 0,
            "applicants": count("//tmk:ApplicantBag/tmk:Applicant"),
            "classifications": len({int(c) for c in nice})
            + count("//com:ViennaClassification | //tmk:NationalDesignCode")
            + count("//tmk:GoodsServicesClassification/tmk:NationalClassNumber")}


@cache
def read(name: str) -> ForeignRead:
    return st96.read(name, (ST96 / name).read_bytes())


def test_the_reader_claims_every_example_root():
    for name in (*PUBLICATIONS, GI):
        assert xml_root((ST96 / name).read_bytes()) in st96.ROOTS


@pytest.mark.parametrize("name", PUBLICATIONS)
def test_counts_match_the_source(name):
    [publication] = read(name).publications
    holders = (PartyRole.APPLICANT, PartyRole.RIGHT_HOLDER) if name == TRADEMARK else (
        PartyRole.APPLICANT,)
    got = {"claims": len(publication.claims), "paragraphs": len(publication.paragraphs),
           "applicants": sum(p.role in holders for p in publication.parties),
           "classifications": len(publication.classifications)}
    assert got == source_counts(ST96 / name)


def test_patent_publication():
    result = read(PATENT)
    [publication] = result.publications
    assert (publication.country, publication.number, publication.kind) == ("US", "8936998",
                                                                           "B2")
    assert publication.law is Law.PATENT and publication.language == "en"
    assert publication.date == dt.date(2015, 1, 20)
    assert publication.application_number == "13797521"
    assert publication.filing_date == dt.date(2013, 3, 12)
    assert publication.title == "Manufcaturing method for room-temperature substrate bonding"
    assert publication.abstract.startswith("A device is provided with: a first substrate")
    [priority] = publication.priorities
    assert (priority.paris_country, priority.paris_application_number,
            priority.paris_date) == ("JP", "2007-290922", dt.date(2007, 11, 8))
    ipc = [c for c in publication.classifications if c.scheme is Scheme.IPC]
    assert ipc[0].code == "H01L21/30" and ipc[0].main
    cpc = [c for c in publication.classifications if c.scheme is Scheme.CPC]
    assert [c.code for c in cpc if c.main] == ["H01L21/2007"]
    assert publication.claims[0].number == 1
    assert publication.claims[0].text.startswith("1. A device manufacture method")
    assert "SiO2" in " ".join(p.text for p in publication.paragraphs)     # sub as text
    first, second = publication.paragraphs[:2]
    assert (first.number, first.section) == ("0001", "")
    assert (second.number, second.section) == ("0002", "TECHNICAL FIELD")
    assert publication.paragraphs[-1].section == "BEST MODE FOR CARRYING OUT THE INVENTION"
    assert len(publication.patent_citations) == 17
    assert publication.patent_citations[0].document_number == "US6054363A"
    assert len(publication.non_patent_citations) == 13
    assert publication.parent is not None and publication.parent.application_number == "12741916"
    assert publication.drawings[0].file == "US08936998-20150120-D00000.TIF"


def test_a_test_instance_is_kept_and_said_to_be_one():
    problems = read(PATENT).problems
    assert any("marked TEST" in p and "kept" in p for p in problems)
    assert any("field of search" in p for p in problems)


def test_design_application():
    result = read(DESIGN)
    [publication] = result.publications
    assert publication.law is Law.DESIGN and publication.kind == "S"
    assert (publication.country, publication.number) == ("XX", "D0123456")
    assert publication.application_number == "35503842"
    assert publication.date == dt.date(2019, 1, 29)
    assert publication.filing_date == dt.date(2017, 8, 29)
    assert publication.registration_number == "123456"
    assert publication.title == "Chair"
    [locarno] = [c for c in publication.classifications if c.scheme is Scheme.LOCARNO]
    assert locarno.code == "06-01"
    national = [c for c in publication.classifications if c.scheme is Scheme.NATIONAL]
    assert [c.code for c in national] == ["D6/373", "D6/375", "D6/376"]
    assert {c.facet for c in national} == {"XX"}
    assert [d.file for d in publication.drawings] == [f"m001_00{i}.jpg" for i in range(1, 8)]
    assert [p.name for p in publication.parties if p.role is PartyRole.INVENTOR] == [
        "Emma Francis", "Jeannette Altova", "Manuel Ho"]
    assert publication.claims[0].text == ("The ornamental design for a chair, as shown "
                                          "and described.")
    assert len(result.events) == 28
    assert any("design application instance" in p for p in result.problems)


def test_trademark_application():
    result = read(TRADEMARK)
    [publication] = result.publications
    assert publication.law is Law.TRADEMARK and publication.kind == "T"
    assert (publication.country, publication.number) == ("US", "87035559")
    assert publication.title == "LANYI"
    assert publication.registration_number == "5169753"
    assert publication.registration_date == dt.date(2017, 3, 28)
    mark = publication.trademark
    assert mark is not None
    assert mark.display == "LANYI" and mark.kind_of_mark == "combined"
    assert mark.vienna_codes == ("06.03.03",)
    [goods] = mark.goods_services
    assert goods.nice_class == "09" and goods.names.startswith("Audio cables; Bags for")
    assert mark.image_files == ("87035559.png",)
    nice = [c.code for c in publication.classifications if c.scheme is Scheme.NICE]
    assert nice == ["09"]
    roles = [p.role for p in publication.parties]
    assert roles.count(PartyRole.APPLICANT) == 1 and roles.count(PartyRole.RIGHT_HOLDER) == 2
    assert [p.name for p in publication.parties if p.role is PartyRole.ATTORNEY] == ["IVY XU"]
    assert result.events[0].code == "R.PRA"
    assert result.events[0].date == "2017-03-28"
    assert any("application number" in p for p in result.problems)


def test_a_geographical_indication_is_not_a_publication():
    with pytest.raises(ParseFailure) as failure:
        st96.read(GI, (ST96 / GI).read_bytes())
    assert failure.value.code == "unsupported-document"
    assert "geographical indication" in failure.value.message


@pytest.mark.parametrize("name", PUBLICATIONS)
def test_a_truncated_instance_fails_where_it_ends(name):
    data = (ST96 / name).read_bytes()
    cut = data[:data.rfind(b"\n", 0, len(data) // 2)]
    with pytest.raises(ParseFailure) as failure:
        st96.read(name, cut)
    last_line = cut[cut.rfind(b"\n") + 1:].decode("utf-8")
    assert failure.value.code == "truncated"
    assert (failure.value.line, failure.value.column) == (cut.count(b"\n") + 1,
                                                          len(last_line) + 1)


def test_latin1_bytes_under_a_utf8_declaration_fail_with_encoding_error():
    data = (ST96 / TRADEMARK).read_bytes().replace(
        b"<tmk:MarkVerbalElementText>LANYI", "<tmk:MarkVerbalElementText>LANYÉ".encode("latin-1"))
    bad = data.index(b"\xc9")
    line_start = data.rfind(b"\n", 0, bad) + 1
    with pytest.raises(ParseFailure) as failure:
        st96.read(TRADEMARK, data)
    assert failure.value.code == "encoding-error"
    assert (failure.value.line, failure.value.column) == (data.count(b"\n", 0, bad) + 1,
                                                          bad - line_start + 1)


def test_an_application_number_stands_in_for_a_missing_publication_number():
    data = (ST96 / PATENT).read_bytes().replace(
        b"<pat:PublicationNumber>08936998</pat:PublicationNumber>", b"")
    result = st96.read(PATENT, data)
    assert result.publications[0].number == "13797521"
    assert any("application number is used" in p for p in result.problems)


def test_docdb_numbers():
    assert st96.docdb_number("US", "08936998") == "8936998"
    assert st96.docdb_number("US", "D0435854") == "D435854"
    assert st96.docdb_number("US", "2004/0226162") == "20040226162"
    assert st96.docdb_number("WO", "2022/259205") == "2022259205"


def test_claim_elements_stay_on_lines_of_their_own():
    claim = read(PATENT).publications[0].claims[0].text.split("\n")
    assert claim[0] == "1. A device manufacture method, comprising:"
    assert claim[1].startswith("sputtering a first surface")
    assert len(claim) == 4


def test_paths_walked_without_xpath_select_what_xpath_selects(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every (element, path) the reader asks for while reading the examples selects the
    same elements, in the same order, walked by lxml's iterators as evaluated by XPath;
    and the walked paths are most of them."""
    asked: list[tuple[etree._Element, str]] = []
    walk = st96._x

    def recording(element: etree._Element | None, path: str) -> list[etree._Element]:
        if element is not None:
            asked.append((element, path))
        return walk(element, path)

    monkeypatch.setattr(st96, "_x", recording)
    roots = [etree.fromstring((ST96 / name).read_bytes()) for name in PUBLICATIONS]
    for name in PUBLICATIONS:
        st96.read(name, (ST96 / name).read_bytes())
    asked += [(e, p) for root in roots for e in root.iter() if isinstance(e.tag, str)
              for p in (".//com:P", "com:FileName", "pat:Claims/pat:Claim", ".//tmk:Priority")]
    walked = [(e, p) for e, p in asked if st96._plan(p) is not None]
    assert len(walked) > 0.8 * len(asked), (len(walked), len(asked))
    for element, path in asked:
        assert walk(element, path) == st96._xpath(element, path), path
