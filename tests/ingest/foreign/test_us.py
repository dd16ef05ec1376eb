"""The USPTO readers on every real US sample: what each reader produces equals what the
source holds, counted here independently with plain XPath and regex counts
(`source_counts`, which the store-level tests reuse), plus exact field values, the
DTD entity cases of exchange.md §11 and weekly files of concatenated documents."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

from tokkyo.ingest.detect import xml_root
from tokkyo.ingest.foreign import (
    us_greenbook,
    us_pap,
    us_patdoc,
    us_xml,
    us_xml4ip,
    xmlsafe,
)
from tokkyo.ingest.foreign.entities import ISO_AND_MATHML
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.classifications import Scheme
from tokkyo.model.documents import Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import PartyRole

US = Path(__file__).resolve().parents[3] / "samples" / "foreign" / "us"
GREENBOOK = sorted((US / "greenbook").glob("*.greenbook"))
PATDOC = sorted((US / "sgml").glob("*.xml"))
PAP = sorted((US / "pap").glob("*.xml"))
ST36 = sorted(path for folder in ("xml2004", "xml2006", "xml2014", "xmlApp2004")
              for path in (US / folder).glob("*.xml"))
XML4IP = US / "xml4ip" / "sample_XML4IP.ZIP"
ALL = [*GREENBOOK, *PATDOC, *PAP, *ST36, XML4IP]


def reader_of(path: Path) -> ModuleType:
    """The reader module a sample belongs to (by its folder)."""
    folder = path.parent.name
    return {"greenbook": us_greenbook, "sgml": us_patdoc, "pap": us_pap,
            "xml4ip": us_xml4ip}.get(folder, us_xml)


@functools.cache
def read(path: Path) -> ForeignRead:
    """Each sample is read once per test session."""
    result: ForeignRead = reader_of(path).read(path.name, path.read_bytes())
    return result


# ------------------------------------------------------------------ source counts


_GB_GROUP = re.compile(r"^([A-Z]{4})\s*$")
_GB_FIELD = re.compile(r"^([A-Z][A-Z0-9]{2}[A-Z0-9 ]) ")


def _greenbook_counts(text: str) -> dict[str, int]:
    counts = dict.fromkeys(("claims", "paragraphs", "applicants", "classifications"), 0)
    group = ""
    for line in text.splitlines():
        head = _GB_GROUP.match(line)
        if head:
            group = head.group(1)
            counts["applicants"] += group == "INVT"
            continue
        field = _GB_FIELD.match(line)
        tag = field.group(1).strip() if field else ""
        if group in ("CLMS", "DCLM") and tag == "NUM":
            counts["claims"] += 1
        elif group in ("BSUM", "DRWD", "DETD", "PARN", "GOVT") and re.fullmatch(
                r"PAR|PA\d|TBL\d?|EQU", tag):
            counts["paragraphs"] += 1
        elif group == "CLAS" and tag in ("OCL", "XCL", "ICL"):
            counts["classifications"] += 1
    return counts


def _count(root: etree._Element, xpath: str) -> int:
    return int(root.xpath(f"count({xpath})"))


def _patdoc_counts(root: etree._Element) -> dict[str, int]:
    return {"claims": _count(root, "/PATDOC/SDOCL/CL/CLM"),
            "paragraphs": _count(root, "/PATDOC/SDODE//PARA")
            + _count(root, "/PATDOC/SDODE//CWU[not(ancestor::PARA)]"),
            "applicants": _count(root, "//B721"),
            "classifications": _count(root, "//B511|//B512|//B521|//B522")}


def _pap_counts(root: etree._Element) -> dict[str, int]:
    bib = "/*/subdoc-bibliographic-information"
    return {"claims": _count(root, "/*/subdoc-claims/claim"),
            "paragraphs": _count(root, "/*/subdoc-description//paragraph"),
            "applicants": _count(root, f"{bib}/inventors/*[not(authority-applicant) or "
                                       "normalize-space(authority-applicant)='INV']"),
            "classifications": _count(root, f"{bib}/technical-information//ipc|"
                                            f"{bib}/technical-information//uspc")}


def _st36_counts(root: etree._Element) -> dict[str, int]:
    bib = "/*/*[starts-with(name(), 'us-bibliographic-data')]"
    return {"claims": _count(root, "/*/claims/claim"),
            "paragraphs": _count(root, "/*/description//p[not(ancestor::p)]"),
            "applicants": _count(root, f"{bib}/parties/applicants/applicant|"
                                       f"{bib}/us-parties/us-applicants/us-applicant"),
            "classifications": _count(
                root, f"{bib}/classification-ipc/main-classification|"
                      f"{bib}/classification-ipc/further-classification|"
                      f"{bib}/classifications-ipcr/classification-ipcr|"
                      f"{bib}/classifications-cpc/*/classification-cpc|"
                      f"{bib}/classification-national/main-classification|"
                      f"{bib}/classification-national/further-classification|"
                      f"{bib}/classification-locarno/main-classification")}


def _xml4ip_counts(data: bytes) -> dict[str, int]:
    """Per application the latest claims, specification and abstract members count
    (earlier versions are superseded); file-wrapper documents name no parties and no
    classifications."""
    pattern = re.compile(r"/(\d+)/\1\.(\d{4}-\d{2}-\d{2})\.\w+\.(CLM|SPEC|ABST)/[^/]+\.xml$")
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            match = pattern.search(name)
            if match:
                key = (match.group(1), match.group(3))
                latest[key] = max(latest.get(key, ("", "")), (match.group(2), name))
        counts = dict.fromkeys(("claims", "paragraphs", "applicants", "classifications"), 0)
        ns = {"pat": "urn:us:gov:doc:uspto:patent"}
        for (_app, part), (_date, name) in latest.items():
            root = etree.fromstring(archive.read(name))
            if part == "CLM":
                counts["claims"] += int(root.xpath(
                    "count(//pat:Claim[not(starts-with(@pat:id, 'UNKNOWN'))]"
                    "[translate(normalize-space(pat:ClaimNumber), '0123456789', '') = '']"
                    "[normalize-space(pat:ClaimNumber) != ''])", namespaces=ns))
            elif part == "SPEC":
                counts["paragraphs"] += int(root.xpath("count(//pat:P)", namespaces=ns))
    return counts


def source_counts(path: Path) -> dict[str, int]:
    """Claims, description paragraphs, applicants and classification codes of a US
    sample, counted from the source itself (summed over the documents of a file)."""
    data = path.read_bytes()
    if path.suffix == ".greenbook":
        return _greenbook_counts(data.decode("utf-8"))
    if path.suffix.upper() == ".ZIP":
        return _xml4ip_counts(data)
    total = dict.fromkeys(("claims", "paragraphs", "applicants", "classifications"), 0)
    for _index, _line, chunk in us_xml.documents(data):
        root = xmlsafe.parse(path.name, chunk, ISO_AND_MATHML)
        counter = {"PATDOC": _patdoc_counts,
                   "patent-application-publication": _pap_counts}.get(root.tag, _st36_counts)
        for key, value in counter(root).items():
            total[key] += value
    return total


def produced_counts(result: ForeignRead) -> dict[str, int]:
    pubs = result.publications
    return {"claims": sum(len(p.claims) for p in pubs),
            "paragraphs": sum(len(p.paragraphs) for p in pubs),
            "applicants": sum(1 for p in pubs for party in p.parties
                              if party.role is PartyRole.APPLICANT),
            "classifications": sum(len(p.classifications) for p in pubs)}


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_counts_equal_the_source(path: Path) -> None:
    expected = source_counts(path)
    assert produced_counts(read(path)) == expected
    assert expected["claims"] > 0


@pytest.mark.parametrize("path", [*PATDOC, *PAP, *ST36], ids=lambda p: p.name)
def test_roots_name_the_reader(path: Path) -> None:
    assert xml_root(path.read_bytes()) in reader_of(path).ROOTS


def test_sniffers() -> None:
    assert all(us_greenbook.sniff(path.read_bytes()) for path in GREENBOOK)
    assert not us_greenbook.sniff(PATDOC[0].read_bytes())
    assert us_xml4ip.sniff(XML4IP.read_bytes())
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("A53_1/JPOXMLDOC01-jpbibl.xml", b"<x/>")
    assert not us_xml4ip.sniff(other.getvalue())
    assert not us_xml4ip.sniff(GREENBOOK[0].read_bytes())


# ----------------------------------------------------------------- field values


def _one(path: Path) -> Publication:
    (pub,) = read(path).publications
    return pub


def test_greenbook_fields() -> None:
    pub = _one(US / "greenbook" / "US04347903.greenbook")
    assert (pub.country, pub.kind, pub.number) == ("US", "A", "4347903")
    assert pub.date == dt.date(1982, 9, 7)
    assert pub.filing_date == dt.date(1980, 3, 10)
    assert pub.application_number == "06192529"            # SRC 6 + APN 192529(6)
    assert pub.title == "Electronic reading balance"
    assert pub.claims[0].text.startswith("1. A weighing balance device designed")
    assert pub.paragraphs[0].section == "BACKGROUND OF THE INVENTION"
    assert pub.priorities[0].paris_country == "JP"
    assert pub.priorities[0].paris_application_number == "53/84696"
    assert {c.code for c in pub.classifications if c.scheme is Scheme.IPC} == {
        "G01G19/04", "G01G23/10", "G06F7/28"}
    assert [p.name for p in pub.parties if p.role is PartyRole.RIGHT_HOLDER] == [
        "Shimadzu Corporation"]
    assert any("PCT/JP79/00178" in problem for problem in read(
        US / "greenbook" / "US04347903.greenbook").problems)
    table = _one(US / "greenbook" / "US03932709.greenbook")
    assert any(p.text.startswith("TABLE 1\n") for p in table.paragraphs)


def test_patdoc_fields() -> None:
    pub = _one(US / "sgml" / "US06336130.xml")
    assert (pub.country, pub.kind, pub.number, pub.law) == ("US", "B1", "6336130", Law.PATENT)
    assert pub.date == dt.date(2002, 1, 1)
    assert pub.application_number == "09413215"
    assert pub.title == ("Arrangement for improving availability of services in a "
                         "communication system")
    assert pub.claims[1].text == ("2. The arrangement in claim 1, wherein the fixed network "
                                  "node agent is configured to perform a security function.")
    assert pub.priorities[0].paris_country == "NO"
    assert {c.code for c in pub.classifications} == {"G06F15/16", "G06F13/00", "709/202",
                                                    "709/201"}
    design = _one(US / "sgml" / "USD435854S1.xml")
    assert (design.kind, design.number, design.law) == ("S", "D435854", Law.DESIGN)
    assert [(c.scheme, c.code) for c in design.classifications] == [
        (Scheme.LOCARNO, "14-02"), (Scheme.NATIONAL, "D14/480")]
    assert design.claims[0].text == ("The ornamental design for a disc cartridge, as shown "
                                     "and described.")


def test_pap_fields() -> None:
    pub = _one(US / "pap" / "US20010009014A1.xml")
    assert (pub.kind, pub.number, pub.date) == ("A1", "20010009014", dt.date(2001, 7, 19))
    assert pub.paragraphs[0].number == "0001"                  # &lsqb;0001&rsqb;
    assert pub.paragraphs[0].section == "RELATED APPLICATION DATA"
    assert pub.claims[1].text.startswith("2. The method of claim 1 further comprising")
    xhtml = _one(US / "pap" / "US20010000044A1.xml")           # wrong XHTML DOCTYPE
    assert xhtml.title.startswith("Systems and Methods For Transacting Business")
    assert xhtml.filing_date == dt.date(1999, 6, 29)


def test_st36_fields() -> None:
    grant = _one(US / "xml2014" / "US08926509.xml")
    assert (grant.kind, grant.number, grant.date) == ("B2", "8926509", dt.date(2015, 1, 6))
    assert grant.title == "Wireless physiological sensor patches and systems"
    assert grant.paragraphs[0].number == "0001"
    cpc = [c for c in grant.classifications if c.scheme is Scheme.CPC]
    assert cpc and cpc[0].main
    assert any(c.facet == "US" and c.scheme is Scheme.NATIONAL
               for c in grant.classifications)
    assert grant.non_patent_citations
    application = _one(US / "xmlApp2004" / "US20050004437A1.xml")
    assert (application.kind, application.number) == ("A1", "20050004437")
    assert application.abstract.startswith("A simulation device for playful evaluation")
    assert application.priorities


def test_xml4ip_groups_members_by_application() -> None:
    result = read(XML4IP)
    assert [p.number for p in result.publications] == [
        "12993548", "13694401", "13821389", "13962724", "14522151"]
    hitch = next(p for p in result.publications if p.number == "13962724")
    assert (hitch.kind, hitch.date) == ("IFW", dt.date(2014, 11, 18))
    assert hitch.abstract.startswith("Please replace the Abstract")
    assert hitch.paragraphs[0].number == "0002"
    assert not any("KEG" in p.text for p in hitch.paragraphs)   # page headers dropped
    assert any("superseded" in problem and "13962724.2013-08-08" in problem
               for problem in result.problems)


# ------------------------------------------------------- DTD entities (§11)


@pytest.mark.parametrize(("folder", "file", "entity", "character", "line", "column"), [
    ("sgml", "US06336130.xml", "lsquo", "‘", 102, 74),
    ("sgml", "US06337117.xml", "ldquo", "“", 218, 196),
    ("pap", "US20010000943A1.xml", "minus", "−", 155, 39),
    ("pap", "US20010009014A1.xml", "lsqb", "[", 157, 39),
])
def test_dtd_entities(folder: str, file: str, entity: str, character: str, line: int,
                      column: int) -> None:
    path = US / folder / file
    module = reader_of(path)
    pub = _one(path)
    texts = [pub.abstract, *(c.text for c in pub.claims), *(p.text for p in pub.paragraphs),
             *(c.title for c in pub.non_patent_citations)]
    if character == "[":
        assert pub.paragraphs[0].number == "0001"
    else:
        assert any(character in text for text in texts)
    assert not any(f"&{entity};" in text for text in texts)
    with pytest.raises(ParseFailure) as failure:
        module.read(path.name, path.read_bytes(), entities=None)
    # exchange.md §11 counts columns from 0 (as expat does); ParseFailure counts them
    # from 1, as libxml2 does: the `&` is at index `column` of the line either way.
    assert (failure.value.code, failure.value.line, failure.value.column) == (
        "unknown-entity", line, column + 1)
    source_line = path.read_bytes().split(b"\n")[line - 1]
    assert source_line[column:].startswith(f"&{entity};".encode())
    assert f"&{entity};" in failure.value.message


# ------------------------------------------------------------- weekly files


def test_weekly_file_is_split_and_a_broken_document_is_a_problem() -> None:
    files = sorted((US / "xml2014").glob("*.xml"))
    parts = [path.read_bytes() for path in files]
    broken = parts[1][: len(parts[1]) // 2]
    weekly = parts[0] + broken + b"\n" + parts[2] + parts[1]
    result = us_xml.read("ipg150106.xml", weekly)
    assert [p.number for p in result.publications] == ["8926509", "8930553", "8927118"]
    start = parts[0].count(b"\n") + 1
    (problem,) = [text for text in result.problems if "cannot be read" in text]
    assert f"document 2 of 4 (starting at line {start})" in problem
    assert "truncated" in problem
    whole = us_xml.read("ipg.xml", b"".join(parts))
    assert produced_counts(whole) == {
        key: sum(source_counts(path)[key] for path in files)
        for key in ("claims", "paragraphs", "applicants", "classifications")}
