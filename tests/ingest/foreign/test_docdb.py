"""The DOCDB reader against the real DOCDB samples: counts equal those computed from the
source, exact field values, statuses, the delivery's document count, the entity table,
the statistics CSV, and bad input with its exact failure."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from tokkyo.ingest.foreign import docdb, xmlsafe
from tokkyo.ingest.foreign.docdb_entities import DOCDB_ENTITIES, from_dtd
from tokkyo.ingest.foreign.reading import DocumentKey, ForeignRead
from tokkyo.model.classifications import Scheme
from tokkyo.model.laws import Law
from tokkyo.model.parties import PartyRole

DOCDB = Path(__file__).resolve().parents[3] / "samples" / "foreign" / "docdb"
FILES = sorted(DOCDB.glob("*.xml"))
#: The single-record WO files use `exch:` without declaring it: read tolerantly.
UNDECLARED = {"WO-2022259205-A1_544370561.xml", "WO-2023012807-A1_507242069.xml"}

_RECORD = re.compile(rb"<(?:exch:)?exchange-document\s")
_APPLICANT = re.compile(rb"<(?:exch:)?applicant\s[^>]*?data-format=\"(\w+)\"")
_IPC_BLOCK = re.compile(rb"<(?:exch:)?classification-ipc>(.*?)</(?:exch:)?classification-ipc>",
                        re.DOTALL)


@cache
def source(name: str) -> bytes:
    return (DOCDB / name).read_bytes()


@cache
def reading(name: str) -> ForeignRead:
    return docdb.read(name, source(name), tolerant=name in UNDECLARED)


def source_counts(path: Path) -> dict[str, int]:
    """Claims, description paragraphs, applicants and classification codes of a DOCDB
    file, counted with plain regular expressions per record and summed. Applicants are
    counted in the name form the reader uses: `docdba`, else `original`, else `docdb`,
    else `epodoc` (each party is listed once per form)."""
    data = path.read_bytes()
    starts = [m.start() for m in _RECORD.finditer(data)] + [len(data)]
    counts = {"claims": 0, "paragraphs": 0, "applicants": 0, "classifications": 0}
    for begin, end in pairwise(starts):
        record = data[begin:end]
        counts["claims"] += sum(len(re.findall(rb"<(?:exch:)?claim[\s>]", block))
                                for block in re.findall(rb"<(?:exch:)?claims\b.*?"
                                                        rb"</(?:exch:)?claims>", record,
                                                        re.DOTALL))
        counts["paragraphs"] += sum(len(re.findall(rb"<(?:exch:)?p[\s>]", block))
                                    for block in re.findall(rb"<(?:exch:)?description\b.*?"
                                                            rb"</(?:exch:)?description>",
                                                            record, re.DOTALL))
        forms = [m.decode() for m in _APPLICANT.findall(record)]
        form = next((f for f in ("docdba", "original", "docdb", "epodoc") if f in forms), None)
        counts["applicants"] += forms.count(form) if form else 0
        counts["classifications"] += len(re.findall(rb"<classification-ipcr\s", record))
        counts["classifications"] += len(re.findall(rb"<patent-classification\s", record))
        counts["classifications"] += sum(
            len(re.findall(rb"<(?:main-classification|further-classification|text)>", block))
            for block in _IPC_BLOCK.findall(record))
    return counts


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
    counts = source_counts(path)
    assert reader_counts(reading(path.name)) == counts
    assert counts["classifications"] > 0 and counts["applicants"] > 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_one_publication_per_record_with_its_identity(path: Path) -> None:
    data = source(path.name)
    read = reading(path.name)
    records = re.findall(rb"<(?:exch:)?exchange-document\s[^>]*>", data)
    assert len(read.publications) == len(records)
    for publication, start in zip(read.publications, records, strict=True):
        attributes = dict(re.findall(rb'([\w-]+)="([^"]*)"', start))
        assert publication.country == attributes[b"country"].decode()
        assert publication.kind == publication.st16_kind == attributes[b"kind"].decode()
        assert publication.family_id == attributes[b"family-id"].decode()
        published = attributes[b"date-publ"].decode()
        assert publication.date == dt.date(int(published[:4]), int(published[4:6]),
                                           int(published[6:]))
        # every record says it is bibliographic only
        assert any(line.startswith(f"{publication.country} {publication.number} "
                                   f"{publication.kind}: a DOCDB bibliographic record")
                   for line in read.problems)


def test_de_backfile_delivery() -> None:
    read = reading("DE-backfile.xml")
    first = read.publications[0]
    assert (first.country, first.number, first.kind, first.law) == ("DE", "1258188", "B",
                                                                      Law.PATENT)
    assert first.title == "Kraftstoffeinspritzpumpe fuer mehrzylindrige Brennkraftmaschinen"
    assert first.language == "de"
    assert first.application_number == "B0077613"
    assert first.filing_date == dt.date(1964, 7, 10)
    assert first.family_id == "6979546"
    assert [p.name for p in first.parties if p.role is PartyRole.APPLICANT] == [
        "ROBERT BOSCH G.M.B.H."]
    assert first.classifications[0].scheme is Scheme.IPC
    assert first.classifications[0].code == "F02M41/12"
    cpc = [c for c in first.classifications if c.scheme is Scheme.CPC]
    assert cpc[0].code == "F02M59/34" and cpc[0].main and cpc[0].raw == "F02M  59/34"
    assert any(c.code == "F02M2700/1358" for c in cpc)
    assert first.patent_citations[0].document_number == "DE814968C"
    assert not read.deletions and not read.repairs and not read.partial
    # the sample is the head of a delivery of 18626 documents: said, not hidden
    assert ("DE-backfile.xml: the delivery DOCDB-202407-009-DE-0074 says it holds 18626 "
            "documents (no-of-documents) but 10 were read.") in read.problems


def test_no_of_documents_that_agrees_is_no_problem() -> None:
    data = source("DE-backfile.xml").replace(b'no-of-documents="0018626"',
                                             b'no-of-documents="0000010"')
    read = docdb.read("DE-backfile.xml", data)
    assert not [line for line in read.problems if "no-of-documents" in line]


def test_statuses_create_amend_delete() -> None:
    """The backfile's records carry no status (creates); A amends, D deletes."""
    data = source("DE-backfile.xml")
    data = data.replace(b'doc-number="1258189" kind="B"',
                        b'doc-number="1258189" kind="B" status="D"', 1)
    data = data.replace(b'doc-number="1258190" kind="B"',
                        b'doc-number="1258190" kind="B" status="A"', 1)
    read = docdb.read("DE-backfile.xml", data)
    assert read.deletions == [DocumentKey("DE", "B", "1258189")]
    assert len(read.publications) == 9
    assert "1258190" in {p.number for p in read.publications}
    assert "1258189" not in {p.number for p in read.publications}


def test_unknown_status_is_a_problem_not_a_publication() -> None:
    data = source("DE-backfile.xml").replace(b'doc-number="1258189" kind="B"',
                                             b'doc-number="1258189" kind="B" status="X"', 1)
    read = docdb.read("DE-backfile.xml", data)
    assert len(read.publications) == 9
    assert ("DE 1258189 B: the record's status 'X' is none of C (create), A (amend), "
            "D (delete); not read.") in read.problems


def test_ap_single_record_without_namespace() -> None:
    read = reading("AP-1206-A_302101161.xml")
    (ap,) = read.publications
    assert (ap.country, ap.number, ap.kind, ap.date) == ("AP", "1206", "A",
                                                         dt.date(2003, 9, 18))
    assert ap.title == "Enteric coated pharmaceutical composition and method of manufacturing."
    assert ap.abstract.startswith("A high drug load enteric coated pharmaceutical")
    # docdba, not the docdb form "BRISTOL MYERS SQUIBB CO"
    assert [(p.role, p.name) for p in ap.parties] == [
        (PartyRole.APPLICANT, "BRISTOL-MYERS SQUIBB COMPANY"),
        (PartyRole.INVENTOR, "ULLAR Ismat"), (PartyRole.INVENTOR, "WILEY Gary J")]
    assert [(p.paris_country, p.paris_application_number, p.paris_date)
            for p in ap.priorities] == [("US", "8359798", dt.date(1998, 5, 22)),
                                        ("US", "9816128", dt.date(1998, 8, 4))]
    ipc7 = ap.classifications[0]
    assert (ipc7.code, ipc7.main, ipc7.raw) == ("A61K9/16", True, "7A 61K   9/16   A")
    assert ("AP 1206 A: the record lists 46 family members (patent-family), which a "
            "publication does not hold; the family id 22179393 links those tokkyo holds."
            ) in read.problems


def test_wo_record_titles_abstracts_and_entities() -> None:
    read = reading("WO-2022259205-A1_544370561.xml")
    (wo,) = read.publications
    assert (wo.country, wo.number, wo.kind) == ("WO", "2022259205", "A1")
    assert wo.title == "SELF-EMULSIFYING COMPOSITION, PRODUCTION METHODS AND USES THEREOF"
    assert wo.language == "en"
    assert [(t.part, t.language) for t in wo.other_texts] == [("title", "fr"),
                                                              ("abstract", "fr")]
    assert wo.other_texts[0].text == ("COMPOSITION AUTO-ÉMULSIFIANTE, SES PROCÉDÉS DE "
                                      "PRODUCTION ET SES UTILISATIONS")
    assert wo.application_number == "2022055385"
    assert wo.repaired
    assert [c.code for c in wo.classifications if c.main and c.scheme is Scheme.IPC] == [
        "A61K9/00"]
    # &SACUTE; from docdb-entities.dtd, resolved rather than refused
    assert any("CZAJKOWSKA-KOŚNIK" in c.author or "CZAJKOWSKA-KOŚNIK" in c.title
               for c in wo.non_patent_citations)
    other = reading("WO-2023012807-A1_507242069.xml").publications[0]
    assert any("data–driven" in c.title for c in other.non_patent_citations)   # &ndash;


def test_wo_undeclared_prefix_fails_strictly_and_is_one_repair_tolerantly() -> None:
    data = source("WO-2022259205-A1_544370561.xml")
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        docdb.read("wo.xml", data)
    assert failure.value.code == "xml-not-well-formed"
    # the last character accepted: the quote that ends the start tag's last attribute
    assert (failure.value.line, failure.value.column) == (1, data.index(b">"))
    assert "Namespace prefix exch" in failure.value.message
    read = reading("WO-2022259205-A1_544370561.xml")
    assert len(read.repairs) == 1
    repair = read.repairs[0]
    assert (repair.line, repair.column) == (1, len(b"<exch:exchange-document") + 1)
    assert repair.replacement == ('<exch:exchange-document '
                                  'xmlns:exch="http://www.epo.org/exchange"')


def test_entity_table_is_the_dtd() -> None:
    dtd = (DOCDB / "docdb-entities.dtd").read_text(encoding="utf-8")
    assert from_dtd(dtd) == DOCDB_ENTITIES
    assert DOCDB_ENTITIES["SACUTE"] == "Ś" and DOCDB_ENTITIES["ndash"] == "–"
    assert len(DOCDB_ENTITIES) == len(set(re.findall(r"<!ENTITY\s+(\S+)", dtd)))


def test_without_the_entity_table_the_wo_entity_is_unknown() -> None:
    data, _repair = docdb.declare_exchange_prefix(source("WO-2022259205-A1_544370561.xml"))
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        xmlsafe.parse("wo.xml", data)
    assert failure.value.code == "unknown-entity"
    assert "&SACUTE;" in failure.value.message


@pytest.mark.parametrize("name", ["DE-backfile.xml", "AP-1206-A_302101161.xml"])
def test_truncated_file(name: str) -> None:
    data = source(name)
    cut = len(data) // 2
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        docdb.read(name, data[:cut])
    assert failure.value.code == "truncated"
    assert failure.value.format == "docdb"
    line = data[:cut].count(b"\n") + 1
    column = cut - (data.rfind(b"\n", 0, cut) + 1) + 1
    assert (failure.value.line, failure.value.column) == (line, column)


@pytest.mark.parametrize("tolerant", [False, True])
def test_wrong_encoding_declaration(tolerant: bool) -> None:
    """The position is the one in the file as received, also when tolerant mode has
    declared the `exch:` prefix on the same line."""
    body = source("WO-2022259205-A1_544370561.xml")
    declaration = b'<?xml version="1.0" encoding="US-ASCII"?>\n'
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        docdb.read("wo.xml", declaration + body, tolerant=tolerant)
    assert failure.value.code == "encoding-error"
    first = next(i for i, byte in enumerate(body) if byte >= 0x80)
    assert (failure.value.line, failure.value.column) == (2, first + 1)


def test_document_numbers() -> None:
    assert docdb.document_number("US", "2006142694", "A1") == "20060142694"
    assert docdb.document_number("US", "06336130", "B1") == "6336130"
    assert docdb.document_number("US", "D0435854", "S") == "D435854"
    assert docdb.document_number("EP", "680812", "A1") == "0680812"
    assert docdb.document_number("WO", "2022/259205", "A1") == "2022259205"
    assert docdb.law_of("U1") is Law.UTILITY and docdb.law_of("S1") is Law.DESIGN


STATISTICS = DOCDB / "statistics_202324_Amend_001.csv"


@cache
def statistics() -> list[docdb.StatisticsRow]:
    return docdb.read_statistics(STATISTICS.read_bytes(), STATISTICS.name)


def test_statistics_rows() -> None:
    data = STATISTICS.read_bytes()
    lines = data.split(b"\r")
    assert b"\n" not in data                        # CR line ends, as delivered
    rows = statistics()
    summary = lines[0].decode().split(",")
    assert len(rows) == int(summary[4]) == len([line for line in lines[2:] if line])
    assert sum(row.count for row in rows) == int(summary[3])
    assert rows[0] == docdb.StatisticsRow("A", 616732, "AP", "A", "36", "4072",
                                          dt.date(1988, 12, 6), dt.date(2017, 3, 16), 24)
    ch = next(row for row in rows if (row.country, row.kind) == ("CH", "B"))
    assert (ch.first_number, ch.first_date, ch.last_date, ch.count) == ("639519", None,
                                                                         None, 1)
    tw = next(row for row in rows if (row.country, row.kind) == ("TW", "B"))
    assert tw.last_number == "I788274"                 # numbers kept as DOCDB prints them


def test_statistics_that_disagree_with_their_first_line() -> None:
    data = STATISTICS.read_bytes().replace(b"DOCDB-202324,616732,478",
                                           b"DOCDB-202324,616733,478", 1)
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        docdb.read_statistics(data, STATISTICS.name)
    assert failure.value.code == "statistics-mismatch"
    truncated = STATISTICS.read_bytes()[:5000]
    with pytest.raises(xmlsafe.ParseFailure) as failure:
        docdb.read_statistics(truncated, STATISTICS.name)
    assert failure.value.code in ("statistics-malformed", "statistics-mismatch")
