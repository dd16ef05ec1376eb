"""Foreign publication numbers (tokkyo.model.numbers: parse_foreign, parse_document_id,
display, is_foreign; issue 15 §3).

Table-driven: every written form the issue names, the printed form, a row of wrong inputs
with their exact messages, and the routing between foreign and JP numbers (JP forms must
keep reaching parse_number). The last block reads the publication numbers of the real
foreign samples (`samples/foreign/`) from their sources and checks that each one parses and
survives every form it can be written in.
"""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path

import pytest

from tokkyo.model.foreign_numbers import (
    ForeignForm,
    ForeignNumber,
    ForeignNumberError,
    display,
    is_foreign,
    parse_document_id,
    parse_foreign,
)
from tokkyo.model.laws import Law
from tokkyo.model.numbers import NumberError, NumberKind, parse_number

F = ForeignForm
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "foreign"


# --- every form the issue names ----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "country", "number", "kind", "form"),
    [
        ("EP1234567B1", "EP", "1234567", "B1", F.COMPACT),
        ("EP 1 234 567", "EP", "1234567", "", F.PRINTED),
        ("EP 1234567 B1", "EP", "1234567", "B1", F.PRINTED),
        ("EP1234567", "EP", "1234567", "", F.EPODOC),
        ("EP 0 123 456 A1", "EP", "0123456", "A1", F.PRINTED),
        ("EP123456", "EP", "0123456", "", F.EPODOC),  # EP numbers are 7 digits, zero-padded
        ("US 6,336,130 B1", "US", "6336130", "B1", F.PRINTED),
        ("US6336130", "US", "6336130", "", F.EPODOC),
        ("US 6336130 B2", "US", "6336130", "B2", F.PRINTED),
        ("US06336130", "US", "6336130", "", F.EPODOC),  # USPTO file names keep a zero
        ("US 10,123,456 B2", "US", "10123456", "B2", F.PRINTED),
        ("USD435854S", "US", "D435854", "S", F.COMPACT),
        ("US D435,854 S", "US", "D435854", "S", F.PRINTED),
        ("USD0435854", "US", "D435854", "", F.EPODOC),  # the SGML B110 form D0435854
        ("US RE40,000 E", "US", "RE40000", "E", F.PRINTED),
        ("USPP12345P2", "US", "PP12345", "P2", F.COMPACT),
        ("US20010000044A1", "US", "20010000044", "A1", F.COMPACT),
        ("US 2001/0000044 A1", "US", "20010000044", "A1", F.PRINTED),
        ("US 2001-0000044", "US", "20010000044", "", F.PRINTED),
        ("US 2020/123456 A1", "US", "20200123456", "A1", F.PRINTED),
        ("US2001000044", "US", "20010000044", "", F.EPODOC),  # epodoc: year + 6 digits
        ("CN102015000481495", "CN", "102015000481495", "", F.EPODOC),
        ("CN 101234567 A", "CN", "101234567", "A", F.PRINTED),
        ("CN1012345678A", "CN", "1012345678", "A", F.COMPACT),
        ("CN1149075C", "CN", "1149075", "C", F.COMPACT),
        ("WO2022/259205", "WO", "2022259205", "", F.PRINTED),
        ("WO 2022/259205 A1", "WO", "2022259205", "A1", F.PRINTED),
        ("WO2022259205A1", "WO", "2022259205", "A1", F.COMPACT),
        ("WO2022259205", "WO", "2022259205", "", F.EPODOC),
        ("WO/2022/259205", "WO", "2022259205", "", F.PRINTED),  # PATENTSCOPE
        ("WO-2022259205-A1", "WO", "2022259205", "A1", F.PRINTED),  # DOCDB file names
        ("WO 99/61002 A1", "WO", "1999061002", "A1", F.PRINTED),
        ("WO 03/15838", "WO", "2003015838", "", F.PRINTED),
        ("WO9961002A1", "WO", "1999061002", "A1", F.COMPACT),  # DOCDB before 2004
        ("EP.1234567.B1", "EP", "1234567", "B1", F.DOCDB),
        ("EP.1234567", "EP", "1234567", "", F.DOCDB),
        ("US.D435854.S", "US", "D435854", "S", F.DOCDB),
        ("WO.2022259205.A1", "WO", "2022259205", "A1", F.DOCDB),
        ("GE.P20033014.B", "GE", "P20033014", "B", F.DOCDB),  # other offices: as given
        ("AR.017747.A1", "AR", "017747", "A1", F.DOCDB),
        ("DE102005012345A1", "DE", "102005012345", "A1", F.COMPACT),
        ("KR 10-2004-0032451", "KR", "20040032451", "", F.PRINTED),
        ("KR 10-0484299 B1", "KR", "100484299", "B1", F.PRINTED),
        ("KR1020200012345A", "KR", "20200012345", "A", F.COMPACT),
        ("KR20010043736A", "KR", "20010043736", "A", F.COMPACT),  # DOCDB's own form
        ("ep1234567b1", "EP", "1234567", "B1", F.COMPACT),
        ("ＥＰ１２３４５６７Ｂ１", "EP", "1234567", "B1", F.COMPACT),  # full width
        ("  US 6,336,130 B1 ", "US", "6336130", "B1", F.PRINTED),
    ],
)
def test_forms(text: str, country: str, number: str, kind: str, form: ForeignForm) -> None:
    found = parse_foreign(text)
    assert (found.country, found.number, found.kind, found.form) == (country, number, kind, form)
    assert parse_foreign(found.docdb()) == found
    assert parse_foreign(display(found)) == found


def test_docdb_form_with_date() -> None:
    found = parse_foreign("EP.1234567.B1.20050101")
    assert found == ForeignNumber("EP", "1234567", "B1")
    assert (found.form, found.date) == (F.DOCDB, datetime.date(2005, 1, 1))


def test_form_and_date_take_no_part_in_equality() -> None:
    assert parse_foreign("EP 1 234 567 B1") == parse_foreign("EP.1234567.B1.20050101")
    assert parse_foreign("EP1234567") != parse_foreign("EP1234567B1")  # the kind counts


@pytest.mark.parametrize(
    ("text", "printed", "docdb", "epodoc"),
    [
        ("EP1234567B1", "EP 1 234 567 B1", "EP.1234567.B1", "EP1234567"),
        ("EP123456", "EP 0 123 456", "EP.0123456", "EP0123456"),
        ("US6336130B1", "US 6,336,130 B1", "US.6336130.B1", "US6336130"),
        ("US10123456B2", "US 10,123,456 B2", "US.10123456.B2", "US10123456"),
        ("USD435854S", "US D435,854 S", "US.D435854.S", "USD435854"),
        ("USRE40000E", "US RE40,000 E", "US.RE40000.E", "USRE40000"),
        ("US20010000044A1", "US 2001/0000044 A1", "US.20010000044.A1", "US2001000044"),
        ("WO2022259205A1", "WO 2022/259205 A1", "WO.2022259205.A1", "WO2022259205"),
        ("WO 99/61002", "WO 1999/061002", "WO.1999061002", "WO1999061002"),
        ("CN101234567A", "CN 101234567 A", "CN.101234567.A", "CN101234567"),
        ("DE102005012345A1", "DE 102005012345 A1", "DE.102005012345.A1", "DE102005012345"),
    ],
)
def test_printed_docdb_and_epodoc(text: str, printed: str, docdb: str, epodoc: str) -> None:
    found = parse_foreign(text)
    assert (display(found), found.docdb(), found.epodoc()) == (printed, docdb, epodoc)
    assert display(text) == printed  # display reads a string too


@pytest.mark.parametrize(
    ("text", "law"),
    [
        ("EP1234567B1", Law.PATENT), ("US6336130B1", Law.PATENT), ("USD435854S", Law.DESIGN),
        ("USPP12345P2", Law.PATENT), ("CN101234567A", Law.PATENT), ("CN201234567U", Law.UTILITY),
        ("CN301234567S", Law.DESIGN), ("CN101234567", None), ("DE202005012345U1", Law.UTILITY),
        ("WO2022259205A1", Law.PATENT),
    ],
)
def test_law(text: str, law: Law | None) -> None:
    assert parse_foreign(text).law is law


def test_document_id_repeating_the_country() -> None:
    # USPTO citations: <country>WO</country><doc-number>WO 2005/023894</doc-number>
    assert parse_document_id("WO", "WO 2005/023894", "A2") == ForeignNumber(
        "WO", "2005023894", "A2")
    assert parse_document_id("WO", "WO/2006/001333", "A1").number == "2006001333"
    assert parse_document_id("US", "D0435854", "S") == ForeignNumber("US", "D435854", "S")
    assert parse_document_id("EP", "1325900", "A1") == ForeignNumber("EP", "1325900", "A1")


# --- wrong input, with the exact message ---------------------------------------------------

@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty input: expected a foreign number such as EP1234567B1"),
        ("   ", "empty input: expected a foreign number such as EP1234567B1"),
        ("XX1234567", "XX1234567: XX is not a WIPO ST.3 country code"),
        ("UK1234567", "UK1234567: UK is not a WIPO ST.3 country code (the United Kingdom is "
                      "GB)"),
        ("6336130", "6336130: no country code; a foreign number starts with the office's ST.3 "
                    "code, e.g. EP1234567B1"),
        ("JP2021044377A", "JP2021044377A: a JP number; parse_number reads JP numbers"),
        ("EP", "EP: EP is not followed by a number"),
        ("EP12A4567B1", "EP12A4567B1: letters in the number 12A4567; EP numbers are digits"),
        ("CN1012X4567A", "CN1012X4567A: letters in the number 1012X4567; CN numbers are digits"),
        ("USX12345", "USX12345: letters in the number X12345; US numbers are digits or D, RE, "
                     "PP or H and digits"),
        ("EP1234567A5", "EP1234567A5: kind A5 does not exist for EP; EP kinds are A1, A2, A3, "
                        "A4, A8, A9, B1, B2, B3, B8, B9"),
        ("CN101234567B1", "CN101234567B1: kind B1 does not exist for CN; CN kinds are A, B, C, "
                          "U, Y, S, D"),
        ("WO2022259205B1", "WO2022259205B1: kind B1 does not exist for WO; WO kinds are A1, A2, "
                           "A3, A4, A8, A9"),
        ("US6336130A1", "US6336130A1: kind A1 does not fit a US utility grant number; those are "
                        "published as A, B1, B2, C1, C2, C3"),
        ("USD435854B2", "USD435854B2: kind B2 does not fit a US design number (D…), published "
                        "as S, S1"),
        ("US 2001/0000044 B1", "US 2001/0000044 B1: kind B1 is a US grant kind, but "
                               "2001/0000044 is a pre-grant publication (kinds A1, A2, A9, P1, "
                               "P4, P9)"),
        ("EP1234567B12", "EP1234567B12: B12 is not a kind code; kind codes are a letter and at "
                         "most one digit"),
        ("EP12345678", "EP12345678: 12345678 has 8 digits; EP publication numbers have at "
                       "most 7"),
        ("EP0000000", "EP0000000: the number is 0"),
        ("EP 2021/12345", "EP 2021/12345: EP numbers have no parts separated by / - or .; "
                          "write the digits, e.g. EP1234567B1"),
        ("EP/1234567", "EP/1234567: a slash after EP; only WO numbers are written so"),
        ("US123456789012", "US123456789012: 123456789012 is neither a US grant number (up to 8 "
                           "digits) nor a pre-grant publication (year and 7 digits, "
                           "US 2001/0000044)"),
        ("US20000000044A1", "US20000000044A1: year 2000 is outside 2001–2100 (US pre-grant "
                            "publication began in 2001)"),
        ("WO2022/1234567", "WO2022/1234567: serial 1234567 has more than 6 digits; WO serials "
                           "have at most 6"),
        ("WO 2022/000000", "WO 2022/000000: the serial is 0"),
        ("WO12345", "WO12345: 12345 has 5 digits; WO numbers are a 4-digit year and a 6-digit "
                    "serial (WO2022/259205)"),
        ("WO 77/12345", "WO 77/12345: 2-digit year 77: WO numbers had 2-digit years from 1978 "
                        "to 2003 (WO 99/61002), 4-digit years since 2004"),
        ("WO 1970/123456", "WO 1970/123456: year 1970 is outside 1978–2100 (PCT began in "
                           "1978)"),
        ("CN12345", "CN12345: 12345 has 5 digits; CN numbers have 6–15"),
        ("EP.1234567.B1.20051301", "EP.1234567.B1.20051301: 20051301 is not a real date"),
        ("EP.1234567.B1.2005", "EP.1234567.B1.2005: not a DOCDB number; DOCDB writes "
                               "country.number.kind[.date], e.g. EP.1234567.B1.20050101"),
    ],
)
def test_wrong(text: str, message: str) -> None:
    with pytest.raises(ForeignNumberError) as caught:
        parse_foreign(text)
    assert str(caught.value) == message


def test_error_is_a_number_error() -> None:
    # callers that catch the module's NumberError (number lookup, search values) catch it too
    assert issubclass(ForeignNumberError, NumberError)
    with pytest.raises(NumberError):
        parse_foreign("EP12A4567")


# --- routing: foreign numbers to parse_foreign, JP numbers to parse_number ------------------

FOREIGN = ["EP1234567B1", "EP 1 234 567", "EP1234567", "US 6,336,130 B1", "US6336130",
           "USD435854S", "US D435,854 S", "US RE40,000 E", "US20010000044A1",
           "US 2001/0000044 A1", "US 2001-0000044", "CN102015000481495", "CN 101234567 A",
           "CN1012345678A", "WO2022/259205", "WO 2022/259205 A1", "WO2022259205A1",
           "WO/2022/259205", "EP.1234567.B1", "EP.1234567.B1.20050101", "GE.P20033014.B",
           "KR 10-2004-0032451", "ｅｐ１２３４５６７",
           # malformed but foreign: parse_foreign gives the message
           "EP12345678", "EP1234567A5"]
JP = ["特開2021-044377", "2021-044377", "JP2021044377A", "JP 2021-044377 A", "JPH08179521",
      "JP.2022012345.A", "特願2020-123456", "特許第7533889号", "7533889", "503090037",
      "PCT/JP2019/011858", "JPWO2019/123456", "DM/091050", "JPA 414233033", "平成10-123456"]


@pytest.mark.parametrize("text", FOREIGN)
def test_is_foreign(text: str) -> None:
    assert is_foreign(text)


@pytest.mark.parametrize("text", JP)
def test_jp_forms_stay_with_the_jp_parsers(text: str) -> None:
    assert not is_foreign(text)
    assert parse_number(text)  # and the JP parser still reads them


@pytest.mark.parametrize("text", ["CO2", "NO2", "USB3", "EPA", "US", "UK1234567", "ABC",
                                  "DE 12", "EP/1234567"])
def test_words_and_unknown_codes_are_not_foreign(text: str) -> None:
    assert not is_foreign(text)


def test_numbers_both_parsers_read() -> None:
    """Overlaps callers must know of: WO publications are foreign documents and also the
    international publication of a JP national phase; a country code and 10 digits is
    the JPO API's form of a PCT application (US2019012345 = PCT/US2019/012345) and also an
    epodoc US pre-grant publication or a CN number."""
    wo = parse_number("WO2022/259205")[0]
    assert (wo.kind, wo.key) == (NumberKind.INTERNATIONAL_PUBLICATION, "WO2022259205")
    assert is_foreign("WO2022/259205")
    assert parse_foreign("WO2022/259205").number == "2022259205"
    pct = parse_number("US2001000044")[0]
    assert pct.kind is NumberKind.INTERNATIONAL_APPLICATION
    assert is_foreign("US2001000044")
    assert parse_foreign("US2001000044").number == "20010000044"


@pytest.mark.parametrize("text", ["EP1234567B1", "US 6,336,130 B1", "CN 101234567 A",
                                  "EP.1234567.B1", "USD435854S"])
def test_jp_parser_refuses_foreign_numbers(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


# --- the real samples -------------------------------------------------------------------

_ST36 = re.compile(  # (cn-)publication-reference/document-id: OPS, USPTO XML, DOCDB, CNIPA
    rb"<(?:[\w-]+:)?(?:cn-)?publication-reference\b[^>]*>\s*<(?:[\w-]+:)?document-id\b[^>]*>\s*"
    rb"<(?:[\w-]+:)?country>([^<]*)</(?:[\w-]+:)?country>\s*"
    rb"<(?:[\w-]+:)?doc-number>([^<]*)</(?:[\w-]+:)?doc-number>\s*"
    rb"(?:<(?:[\w-]+:)?kind>([^<]*)</(?:[\w-]+:)?kind>)?"
)
_SDOBI = re.compile(  # EP SDOBI and USPTO ST.32 PATDOC: B110 number, B130 kind, B190 country
    rb"<B110>(?:<DNUM><PDAT>)?([^<]*)(?:</PDAT></DNUM>)?</B110>\s*(?:<B120>.*?</B120>)?\s*"
    rb"<B130>(?:<PDAT>)?([^<]*)(?:</PDAT>)?</B130>.*?<B190>(?:<PDAT>)?([^<]*)<", re.S)
#: File names that are numbers: USPTO (US06336130, USD435854S1) and DOCDB (AP-1206-A_3021…).
_NUMBER_NAME = re.compile(r"[A-Z]{2}-?[A-Z]?[0-9]")
_PAP = re.compile(  # USPTO pre-grant pap v1.5: the first document-id
    rb"<document-id>\s*<doc-number>([^<]*)</doc-number>\s*<kind-code>([^<]*)</kind-code>")
_CN_NEW = re.compile(  # CNIPA business:PublicationReference
    rb"<business:PublicationReference\b[^>]*>\s*<base:DocumentID>\s*"
    rb"<base:WIPOST3Code>([^<]*)</base:WIPOST3Code>\s*<base:DocNumber>([^<]*)</base:DocNumber>"
    rb"\s*<base:Kind>([^<]*)</base:Kind>")
_ST96 = re.compile(  # ST.96 PatentPublicationIdentification
    rb"<com:IPOfficeCode>([^<]*)</com:IPOfficeCode>\s*<pat:PublicationNumber>([^<]*)"
    rb"</pat:PublicationNumber>\s*<com:PatentDocumentKindCode>([^<]*)<")


def _xml_samples() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.suffix.lower() == ".xml")


@functools.cache
def publication_ids(path: Path) -> tuple[tuple[str, str, str], ...]:
    """(country, doc-number, kind) of every publication reference in one sample, read from
    the source with plain regular expressions (not with the code under test)."""
    data = path.read_bytes()
    found = [m.groups() for m in _ST36.finditer(data)]
    found += [(m[3], m[1], m[2]) for m in _SDOBI.finditer(data)]
    if path.parent.name == "pap":
        found += [(b"US", m[1], m[2]) for m in _PAP.finditer(data)][:1]
    found += [m.groups() for m in _CN_NEW.finditer(data)]
    found += [m.groups() for m in _ST96.finditer(data)]
    return tuple((cc.decode().strip(), number.decode().strip(), (kind or b"").decode().strip())
                 for cc, number, kind in found)


def _nonzero(digits: str) -> str:
    return re.sub(r"[^1-9]", "", digits)


def test_every_publication_sample_has_its_number() -> None:
    # the patterns above find a number in every publication; only the CPC tables and the
    # ST.96 design, GI and trademark application examples have none
    without = sorted(p.relative_to(SAMPLES).as_posix() for p in _xml_samples()
                     if not publication_ids(p))
    assert without == [
        "st96/wipo_st96_v6_examples/DesignApplication_Example.xml",
        "st96/wipo_st96_v6_examples/GIApplication_Example.xml",
        "st96/wipo_st96_v6_examples/TrademarkApplication_Example.xml",
        "us/cpcMaster/cpcMaster.xml",
        "us/cpcScheme/cpc-scheme-A01L.xml",
    ]


@pytest.mark.parametrize("path", _xml_samples(), ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_sample_publication_numbers(path: Path) -> None:
    for country, doc_number, kind in publication_ids(path):
        if country == "JP":
            assert not is_foreign(f"{country}{doc_number}{kind}")
            continue
        found = parse_document_id(country, doc_number, kind)
        assert (found.country, found.kind) == (country, kind)
        # normalising only adds or drops zeros (and a WO 2-digit year's century)
        assert _nonzero(found.number).endswith(_nonzero(doc_number)), (doc_number, found)
        assert re.sub(r"[0-9]", "", found.number) == re.sub(r"[0-9\s,./-]", "", doc_number)
        for form in (display(found), found.docdb(), found.epodoc() + found.kind,
                     f"{country}{doc_number}{kind}"):
            assert is_foreign(form), form
            assert parse_foreign(form) == found, form


@pytest.mark.parametrize("path", [p for p in _xml_samples() if _NUMBER_NAME.match(p.stem)
                                  and p.parent.name != "cn"], ids=lambda p: p.name)
def test_file_name_names_the_document(path: Path) -> None:
    """USPTO and DOCDB file names are numbers too (US06336130, USD435854S1,
    WO-2022259205-A1_544370561): each names the document its content publishes."""
    named = parse_foreign(path.stem.split("_")[0])
    published = [parse_document_id(*ids) for ids in publication_ids(path)[:1]]
    assert published, path.name
    assert (named.country, named.number) == (published[0].country, published[0].number)
    assert named.kind[:1] in ("", published[0].kind[:1])
