"""The EPO ep-patent-document reader over the 33 real publication-server files.

Counts are checked against counts made here from the source text with plain regexes
(`source_counts`), not against numbers copied from a run; a few field values are checked
exactly against what the files say.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tokkyo.ingest.foreign import ep
from tokkyo.ingest.foreign.reading import ForeignRead, Repair
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.classifications import Scheme
from tokkyo.model.parties import PartyRole

EP = SAMPLES / "foreign" / "ep"
FILES = sorted(str(p.relative_to(EP)) for p in EP.glob("*/*.xml"))

#: exchange.md §11: where strict parsing fails (line, column of the offending
#: character) and how many repairs tolerant recovery makes.
MALFORMED = {
    "application/v1-2-A1.xml": (93, 36, 1),
    "application/v1-4-A1.xml": (96, 32, 1),
    "application/v1-4-A1-1.xml": (118, 43, 1),
    "application/v1-5-1-A1-2.xml": (308, 45, 4),
}


def source_counts(path: Path) -> dict[str, int]:
    """Claims (all languages), description paragraphs, applicants or proprietors, and
    IPC/CPC codes of an ep-patent-document, counted in its text with regexes (the four
    malformed files cannot be parsed strictly, so no parser is used)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)

    def count(pattern: str, within: str = text) -> int:
        return len(re.findall(pattern, within))

    description = "".join(re.findall(r"<description\b.*?</description>", text, re.DOTALL))
    return {
        "claims": count(r"<claim[\s>]"),
        "paragraphs": count(r"<p[\s>]", description),
        "applicants": count(r"<B711[\s>]") + count(r"<B731[\s>]"),
        "classifications": count(r"<(?:classification-ipcr|classification-cpc|B511|B512|B513)"
                                 r"[\s>]"),
    }


@functools.cache
def read(relative: str) -> ForeignRead:
    """Each sample read once per session: strictly, or tolerantly for the malformed."""
    path = EP / relative
    return ep.read(str(path), path.read_bytes(), tolerant=relative in MALFORMED)


def attribute(relative: str, name: str) -> str:
    head = (EP / relative).read_text(encoding="utf-8")[:4000]
    match = re.search(rf'<ep-patent-document\b[^>]*\s{name}="([^"]*)"', head)
    assert match, name
    return match.group(1)


def test_all_33_files_are_present():
    assert len(FILES) == 33


@pytest.mark.parametrize("relative", FILES)
def test_counts_match_the_source(relative):
    result = read(relative)
    [publication] = result.publications
    expected = source_counts(EP / relative)
    assert {
        "claims": len(publication.claims),
        "paragraphs": len(publication.paragraphs),
        "applicants": sum(1 for p in publication.parties
                          if p.role in (PartyRole.APPLICANT, PartyRole.RIGHT_HOLDER)),
        "classifications": len(publication.classifications),
    } == expected


@pytest.mark.parametrize("relative", FILES)
def test_identity_against_the_file(relative):
    [publication] = read(relative).publications
    text = (EP / relative).read_text(encoding="utf-8")
    assert publication.country == "EP"
    assert publication.number == attribute(relative, "doc-number")
    assert publication.kind == publication.st16_kind == attribute(relative, "kind")
    assert publication.date == dt.datetime.strptime(
        attribute(relative, "date-publ"), "%Y%m%d").date()
    assert publication.language == attribute(relative, "lang")
    assert publication.application_number == re.search(r"<B210>([^<]+)</B210>", text)[1]
    titles = dict(re.findall(r"<B541>(\w+)</B541>\s*<B542>([^<]*)</B542>", text))
    assert " ".join(titles[publication.language].split()) == publication.title
    assert {(t.language, t.text) for t in publication.other_texts if t.part == "title"} == {
        (language, " ".join(title.split())) for language, title in titles.items()
        if language != publication.language}
    figures = len(re.findall(r"<img[^>]*img-content=\"drawing\"",
                             "".join(re.findall(r"<drawings\b.*?</drawings>", text,
                                                re.DOTALL))))
    assert len(publication.drawings) == figures
    assert publication.repaired is (relative in MALFORMED)
    assert len(publication.priorities) == text.count("<B310>")
    roles = [p.role for p in publication.parties]
    assert roles.count(PartyRole.INVENTOR) == len(re.findall(r"<B721[\s>]", text))
    assert roles.count(PartyRole.ATTORNEY) == len(re.findall(r"<B741[\s>]", text))


def test_application_fields():
    [p] = read("application/v1-5-1-A1.xml").publications
    assert (p.number, p.kind, p.date) == ("3882239", "A1", dt.date(2021, 9, 22))
    assert (p.application_number, p.filing_date) == ("19883405.3", dt.date(2019, 11, 14))
    assert p.title == "1,3,4-OXADIAZOLONE COMPOUND AND MEDICINE"
    assert p.abstract.startswith("The purpose of the present invention is to provide a "
                                 "compound having PIM inhibitory activity.")
    [priority] = p.priorities
    assert (priority.paris_country, priority.paris_application_number,
            priority.paris_date) == ("JP", "2018214950", dt.date(2018, 11, 15))
    ipc = [c for c in p.classifications if c.scheme is Scheme.IPC]
    assert ipc[0].code == "C07D271/113" and ipc[0].main
    assert not any(c.main for c in ipc[1:])
    assert "Y02A50/30" in {c.code for c in p.classifications if c.scheme is Scheme.CPC}
    [applicant] = [x for x in p.parties if x.role is PartyRole.APPLICANT]
    assert applicant.name == "Nippon Shinyaku Co., Ltd."
    assert applicant.address.endswith("JP")
    assert {x.name for x in p.parties if x.role is PartyRole.INVENTOR} >= {
        "KAMITANI Hirotaka", "ZAIMOKU Hisaaki"}
    assert p.paragraphs[0].number == "0001"


def test_description_headings_become_sections():
    [p] = read("application/v1-0-A1.xml").publications
    text = (EP / "application/v1-0-A1.xml").read_text(encoding="utf-8")
    description = re.search(r"<description\b.*?</description>", text, re.DOTALL)[0]
    first_heading = re.sub(r"<[^>]+>", "", re.search(r"<heading[^>]*>(.*?)</heading>",
                                                      description, re.DOTALL)[1])
    before_first_heading = description.index("<heading") > description.index("<p ")
    assert p.paragraphs[0].section == ("" if before_first_heading
                                       else " ".join(first_heading.split()))
    assert [x.number for x in p.paragraphs] == re.findall(r'<p [^>]*num="(\d+)"',
                                                            description)


def test_grant_claims_in_three_languages_and_no_abstract():
    result = read("grant/v1-5-B2.xml")
    [p] = result.publications
    assert (p.number, p.kind, p.language) == ("2743087", "B2", "de")
    by_language: dict[str, int] = {}
    for claim in p.claims:
        by_language[claim.language] = by_language.get(claim.language, 0) + 1
    text = (EP / "grant/v1-5-B2.xml").read_text(encoding="utf-8")
    for language in ("de", "en", "fr"):
        block = re.search(rf'<claims [^>]*lang="{language}".*?</claims>', text, re.DOTALL)[0]
        assert by_language["" if language == "de" else language] == len(
            re.findall(r"<claim[\s>]", block))
    assert p.number_of_claims == by_language[""]
    assert p.abstract == ""
    assert not any("abstract" in problem for problem in result.problems)
    assert {x.role for x in p.parties} >= {PartyRole.RIGHT_HOLDER, PartyRole.ATTORNEY}
    assert not any(x.role is PartyRole.APPLICANT for x in p.parties)
    search = [c for c in p.patent_citations if c.citation_type == "search"]
    assert len(search) == text.count("<B561>")
    references = re.search(r"<ep-reference-list\b.*?</ep-reference-list>", text, re.DOTALL)[0]
    assert len(p.patent_citations) - len(search) == len(re.findall(r"<patcit[\s>]",
                                                                   references))


def test_old_printed_ipc_and_files_without_declaration():
    [p] = read("grant/v1-1-B1.xml").publications
    assert [(c.code, c.main) for c in p.classifications] == [
        ("B60L7/26", True), ("B66F9/24", False), ("B60T8/26", False)]
    [old] = read("application/v1-1-A1.xml").publications     # no declaration, no DOCTYPE
    assert (old.number, old.kind, old.date) == ("0000002", "A1", dt.date(1978, 12, 20))
    assert old.language == "de"


@pytest.mark.parametrize("relative", [f for f in FILES if "<description" not in
                                      (EP / f).read_text(encoding="utf-8")])
def test_bibliographic_only_is_said(relative):
    result = read(relative)
    [p] = result.publications
    assert not p.claims and not p.paragraphs
    assert any("bibliographic only" in problem and p.number in problem
               for problem in result.problems)


def test_what_the_model_cannot_hold_is_said():
    result = read("grant/v1-2-B2.xml")
    assert any("opponents are not kept" in problem for problem in result.problems)
    assert any("divisional applications" in problem for problem in result.problems)
    stray = read("application/v1-4-A1-1.xml")
    assert any("<style>" in problem for problem in stray.problems)


@pytest.mark.parametrize(("relative", "where"), MALFORMED.items())
def test_malformed_files_fail_strictly_where_the_spec_says(relative, where):
    line, column, _ = where
    with pytest.raises(ParseFailure) as failure:
        ep.read(relative, (EP / relative).read_bytes())
    assert (failure.value.code, failure.value.line, failure.value.column) == (
        "xml-not-well-formed", line, column)
    assert failure.value.format == "ep-patent-document"


@pytest.mark.parametrize(("relative", "where"), MALFORMED.items())
def test_malformed_files_load_tolerantly_with_their_repairs(relative, where):
    result = read(relative)
    assert len(result.repairs) == where[2]
    lines = (EP / relative).read_text(encoding="utf-8").split("\n")
    for repair in result.repairs:                    # each points at the character changed
        assert lines[repair.line - 1][repair.column - 1] == repair.original


def test_repaired_ampersand_text():
    [p] = read("application/v1-2-A1.xml").publications
    assert read("application/v1-2-A1.xml").repairs == [Repair(93, 36, "&", "&amp;")]
    assert any("UDAPI & ASOCIADOS" in x.address for x in p.parties)
    [q] = read("application/v1-4-A1.xml").publications
    assert "Kador & Partner" in {x.name for x in q.parties}


def test_repaired_headings_keep_their_text():
    result = read("application/v1-5-1-A1-2.xml")
    assert [(r.line, r.column, r.original, r.replacement) for r in result.repairs] == [
        (308, 29, "<", "&lt;"), (437, 29, "<", "&lt;"), (454, 29, "<", "&lt;"),
        (480, 29, "<", "&lt;")]
    sections = {x.section for x in result.publications[0].paragraphs}
    assert {"<First Embodiment", "<Second Embodiment", "<Third Embodiment",
            "<Fourth Embodiment"} <= sections


def test_well_formed_file_in_tolerant_mode_is_not_repaired():
    path = EP / "application/v1-01-A1.xml"
    result = ep.read(str(path), path.read_bytes(), tolerant=True)
    assert result.repairs == [] and result.publications[0].repaired is False


@pytest.mark.parametrize("relative", ["application/v1-01-A1.xml", "grant/v1-0-B1.xml",
                                      "application/v1-1-A1.xml"])
def test_truncated_file_fails_as_truncated(relative):
    data = (EP / relative).read_bytes()
    cut = data[:len(data) // 2]
    for tolerant in (False, True):
        with pytest.raises(ParseFailure) as failure:
            ep.read(relative, cut, tolerant=tolerant)
        last_line = cut.split(b"\n")[-1].decode("utf-8", "replace")
        # where the file ends: just after its last character
        assert (failure.value.code, failure.value.line, failure.value.column) == (
            "truncated", cut.count(b"\n") + 1, len(last_line) + 1)


def test_wrong_encoding_declaration_fails():
    data = (EP / "grant/v1-0-B1.xml").read_bytes()
    ascii_declared = data.replace(b'encoding="UTF-8"', b'encoding="US-ASCII"', 1)
    first = next(i for i, byte in enumerate(data) if byte > 0x7F)
    with pytest.raises(ParseFailure) as failure:
        ep.read("v1-0-B1.xml", ascii_declared)
    assert (failure.value.code, failure.value.line, failure.value.column) == (
        "encoding-error", data.count(b"\n", 0, first) + 1, first - data.rfind(b"\n", 0, first))
    assert failure.value.format == "ep-patent-document"
    unknown = data.replace(b'encoding="UTF-8"', b'encoding="X-EPO-7BIT"', 1)
    with pytest.raises(ParseFailure) as failure:
        ep.read("v1-0-B1.xml", unknown)
    assert (failure.value.code, failure.value.line, failure.value.column) == (
        "encoding-error", 1, 1)


def test_other_roots_are_refused():
    with pytest.raises(Exception, match="not <ep-patent-document>"):
        ep.read("x.xml", b"<us-patent-grant/>")
    assert ep.ROOTS == ("ep-patent-document",)
