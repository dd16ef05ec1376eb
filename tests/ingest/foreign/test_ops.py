"""The EPO OPS reader against the real OPS answers: counts equal those computed from the
source with XPath, exact field values per kind of answer, legal events, partial answers,
unsupported answers and bad input."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tokkyo.ingest.foreign import ops, xmlsafe
from tokkyo.ingest.foreign.reading import DocumentKey, ForeignRead
from tokkyo.model.classifications import Scheme
from tokkyo.model.parties import PartyRole

OPS = Path(__file__).resolve().parents[3] / "samples" / "foreign" / "epo-ops" / "epo_ops_xml"
#: Answers that carry no publication (an image inquiry).
NO_DOCUMENTS = {"image_example.xml"}
FILES = sorted(path for path in OPS.glob("*.xml") if path.name not in NO_DOCUMENTS)


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


@cache
def source(name: str) -> bytes:
    return (OPS / name).read_bytes()


@cache
def reading(name: str) -> ForeignRead:
    return ops.read(name, source(name))


def source_counts(path: Path) -> dict[str, int]:
    """Claims, description paragraphs, applicants and classification codes of an OPS
    answer by XPath. Text-only claims are counted by their printed numbers (a line
    starting `12.` in a claim-text); applicants per exchange-document in the name form
    the reader uses (`docdba`, else `original`, else `docdb`, else `epodoc`)."""
    root = etree.parse(str(path)).getroot()
    claims = sum(len(re.findall(r"(?m)^\s*\d+\s*\.", "".join(text.itertext())))
                 for text in root.xpath(f"//{_local('claims')}//{_local('claim-text')}"))
    paragraphs = len(root.xpath(f"//{_local('description')}/{_local('p')}"))
    applicants = 0
    classifications = 0
    for record in root.xpath(f"//{_local('exchange-document')}"):
        forms = [a.get("data-format", "") for a in record.xpath(f".//{_local('applicant')}")]
        form = next((f for f in ("docdba", "original", "docdb", "epodoc") if f in forms), None)
        applicants += forms.count(form) if form else 0
        classifications += len(record.xpath(
            f".//{_local('classification-ipc')}/*[local-name()='main-classification' or "
            "local-name()='further-classification' or local-name()='text']"
            f" | .//{_local('classification-ipcr')} | .//{_local('patent-classification')}"))
    return {"claims": claims, "paragraphs": paragraphs, "applicants": applicants,
            "classifications": classifications}


def reader_counts(read: ForeignRead) -> dict[str, int]:
    return {
        "claims": sum(len(p.claims) for p in read.publications),
        "paragraphs": sum(len(p.paragraphs) for p in read.publications),
        "applicants": sum(1 for p in read.publications for party in p.parties
                          if party.role is PartyRole.APPLICANT),
        "classifications": sum(len(p.classifications) for p in read.publications),
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_counts_equal_the_source(path: Path) -> None:
    assert reader_counts(reading(path.name)) == source_counts(path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_publications_are_the_answer_s_documents(path: Path) -> None:
    """One publication per exchange-document, fulltext-document, family member or search
    result, each with the country, number and kind its docdb reference gives."""
    root = etree.parse(str(path)).getroot()
    units = root.xpath(f"//{_local('exchange-document')} | //{_local('fulltext-document')}"
                       f" | //{_local('family-member')}"
                       f" | //{_local('search-result')}/{_local('publication-reference')}")
    read = reading(path.name)
    assert len(read.publications) == len(units)
    for publication, unit in zip(read.publications, units, strict=True):
        ids = unit.xpath(f".//{_local('document-id')}[@document-id-type='docdb'] | "
                         f".//*[@data-format='docdb']/{_local('document-id')}")
        first = ids[0]
        assert publication.country == first.xpath(f"string({_local('country')})")
        assert publication.kind == first.xpath(f"string({_local('kind')})")
        assert publication.number.endswith(
            first.xpath(f"string({_local('doc-number')})").lstrip("0")[-6:])


def test_biblio_answer() -> None:
    read = reading("biblio_example.xml")
    (us,) = read.publications
    assert (us.country, us.number, us.kind) == ("US", "20060142694", "A1")
    assert us.date == dt.date(2006, 6, 29)
    assert us.title == "Bi-directional steerable catheter control handle"
    assert us.abstract.startswith("The present invention is a handle for controlling")
    assert us.family_id == "35840242"
    assert us.filing_date == dt.date(2004, 12, 28)
    assert [p.name for p in us.parties if p.role is PartyRole.APPLICANT] == [
        "ST. JUDE MEDICAL, ATRIAL FIBRILLATION DIVISION, INC"]
    national = [c for c in us.classifications if c.scheme is Scheme.NATIONAL]
    assert (national[0].code, national[0].facet) == ("600/585", "US")
    assert len(us.patent_citations) == 99
    assert not read.partial


def test_biblio_answer_with_several_titles() -> None:
    read = reading("full_cycle_example.xml")
    a1, b1 = read.publications
    assert (a1.key, b1.key) == ("EP/A1/1000000", "EP/B1/1000000")
    assert a1.title == "Apparatus for manufacturing green bricks for the brick manufacturing "\
        "industry"
    assert [(t.part, t.language) for t in a1.other_texts] == [("title", "de"), ("title", "fr")]
    assert a1.priorities[0].paris_country == "NL"
    assert a1.family_id == b1.family_id == "19768124"


def test_abstract_answer_is_partial() -> None:
    read = reading("ep1000000_abstract_result.xml")
    assert read.partial
    (ep,) = read.publications
    assert ep.abstract.endswith("at least one side of the green bricks. <IMAGE>")
    assert "EP 1000000 A1: an OPS bibliographic answer: abstract only, no claims or "\
        "description." in read.problems


def test_claims_answers() -> None:
    read = reading("claims_example.xml")
    assert read.partial
    (ep,) = read.publications
    assert ep.key == "EP/A1/1000000" and ep.language == "en"
    assert [c.number for c in ep.claims] == list(range(1, 12))
    assert ep.claims[0].text.startswith("Apparatus for manufacturing green bricks from clay")
    assert ep.claims[0].language == ""                # the publication's own language
    wo = reading("claims_example_2.xml").publications[0]
    assert wo.key == "WO/A2/2009085664"
    assert [c.number for c in wo.claims] == list(range(1, 21))
    assert wo.claims[4].text == ("The method of claim 4, wherein the drop down menu is "
                                 "provided in connection with a browser's address bar.")


def test_description_answer() -> None:
    read = reading("description_example.xml")
    assert read.partial
    (ep,) = read.publications
    assert [p.number for p in ep.paragraphs] == [f"{n:04d}" for n in range(1, 23)]
    assert ep.paragraphs[1].text == ("A recent demand has developed on the market for "
                                     "bricks which appear as if they have been manufactured "
                                     "according to traditional methods.")


@pytest.mark.parametrize("name", ["example_1.xml", "example_2.xml", "example_3.xml"])
def test_family_answer_with_legal_events(name: str) -> None:
    read = reading(name)
    root = etree.parse(str(OPS / name)).getroot()
    legal = root.xpath(f"//{_local('legal')}")
    assert read.partial
    assert len(read.events) == len(legal)
    (member,) = read.publications
    assert all(event.document == DocumentKey(member.country, member.kind, member.number)
               for event in read.events)
    for event, element in zip(read.events, legal, strict=True):
        assert event.code == element.get("code").strip()
        assert event.date == element.xpath(f"string({_local('L007EP')})")
    total = root.xpath(f"string(//{_local('patent-family')}/@total-result-count)")
    assert (f"the OPS family answer says the family has {total} members "
            "(total-result-count) but carries 1.") in read.problems


def test_family_answer_values() -> None:
    read = reading("example_1.xml")
    (ep,) = read.publications
    assert (ep.key, ep.date, ep.family_id) == ("EP/A1/1000000", dt.date(2000, 5, 17),
                                               "19768124")
    assert (ep.application_number, ep.filing_date) == ("99203729", dt.date(1999, 11, 8))
    first = read.events[0]
    assert (first.code, first.date) == ("17Q", "2002-06-05")
    assert first.description.startswith("FIRST EXAMINATION REPORT DESPATCHED")
    family = reading("family_input.xml")
    assert [p.key for p in family.publications][:2] == ["EP/A1/1000000", "EP/B1/1000000"]
    assert {p.family_id for p in family.publications} == {"19768124"}
    assert not family.events


def test_search_answer() -> None:
    read = reading("search_example.xml")
    assert read.partial
    assert len(read.publications) == 15
    first = read.publications[0]
    assert (first.key, first.family_id) == ("US/A1/20210381337", "40674565")
    assert ("US 20210381337 A1: an OPS search result names the publication only (number, "
            "kind, family id).") in read.problems


def test_image_inquiry_is_unsupported() -> None:
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        ops.read("image_example.xml", (OPS / "image_example.xml").read_bytes())
    assert failure.value.code == "unsupported-document"
    assert "document-inquiry" in failure.value.message


@pytest.mark.parametrize("name", ["claims_example.xml", "example_1.xml"])
def test_truncated_answer(name: str) -> None:
    data = source(name)
    cut = len(data) // 2
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        ops.read(name, data[:cut])
    assert failure.value.code == "truncated"
    assert failure.value.format == "epo-ops"
    line = data[:cut].count(b"\n") + 1
    column = cut - (data.rfind(b"\n", 0, cut) + 1) + 1
    assert (failure.value.line, failure.value.column) == (line, column)


def test_wrong_encoding_declaration() -> None:
    data = source("full_cycle_example.xml").replace(b'encoding="UTF-8"',
                                                    b'encoding="US-ASCII"', 1)
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        ops.read("full_cycle_example.xml", data)
    assert failure.value.code == "encoding-error"
    first = next(i for i, byte in enumerate(data) if byte >= 0x80)
    line = data[:first].count(b"\n") + 1
    assert (failure.value.line, failure.value.column) == (
        line, first - (data.rfind(b"\n", 0, first) + 1) + 1)


def test_cpc_combination_sets_are_read_and_said() -> None:
    read = reading("biblio_example_4.xml")
    (us,) = read.publications
    root = etree.parse(str(OPS / "biblio_example_4.xml")).getroot()
    sets = root.xpath(f"//{_local('combination-set')}")
    combined = root.xpath(f"//{_local('combination-set')}//{_local('patent-classification')}")
    assert len(combined) > len(sets) > 0
    assert "C07C29/151" in {c.code for c in us.classifications if c.scheme is Scheme.CPC}
    assert (f"US 20120116137 A1: {len(sets)} CPC combination sets are kept as their separate "
            "codes; which codes combine is not held.") in read.problems
