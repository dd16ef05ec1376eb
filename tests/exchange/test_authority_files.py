"""WIPO ST.37 authority files (issue 16 item 5): the CSV, XML and JSON forms read, bad files
refused with the line and nothing stored, a partner's file kept and replaced with its
history, and tokkyo's JP holding exported as CSV and XML and read back equal.

No real authority file is in the corpus: the files here are written from the corpus
documents themselves (the EP samples, read with the real EP reader; the JP gazettes,
loaded with the real ingest)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, ingest, table_counts
from tests.exchange.corpus_records import delivered
from tokkyo.exchange import authority, st37
from tokkyo.exchange.st37 import AuthorityEntry, AuthorityFileError

RECEIVED = dt.datetime(2024, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ep_docs():
    return delivered("ep-2024-01", RECEIVED)


def ep_csv(docs, extra: str = "") -> bytes:
    """The EPO's text form for the corpus EP documents, header line first."""
    lines = ["office;number;kind;date;exception"]
    lines += [f"EP;{d.number};{d.kind};{d.publication_date:%Y%m%d};" for d in docs]
    return ("\n".join(lines) + "\n" + extra).encode()


def test_the_csv_form_reads_every_corpus_document_with_its_exception_codes(ep_docs):
    data = ep_csv(ep_docs, "EP;9999991;A1;20210922;W\nEP;9999992;A1;20210922;O\n")
    entries = st37.read(data, "csv")
    assert len(entries) == len(ep_docs) + 2
    first = next(e for e in entries if e.number == "2")           # EP 0000002 A1
    assert first == AuthorityEntry("EP", "2", "A1", dt.date(1978, 12, 20), "")
    withdrawn = next(e for e in entries if e.number == "9999991")
    assert (withdrawn.exception, withdrawn.expected) == ("W", st37.Expected.NOT_EXPECTED)
    assert st37.EXCEPTION_CODES["O"][0] == "document available on paper only"


def test_the_xml_form_in_st36_and_annex_iii_names_and_the_json_form(ep_docs):
    chosen = ep_docs[:3]
    st36 = "<authority-file>" + "".join(
        f"<document-id><country>EP</country><doc-number>{d.number}</doc-number>"
        f"<kind>{d.kind}</kind><date>{d.publication_date:%Y%m%d}</date></document-id>"
        for d in chosen) + "</authority-file>"
    annex = ('<af:AuthorityFile xmlns:af="urn:example:st37">' + "".join(
        f"<af:Document><af:IPOfficeCode>EP</af:IPOfficeCode><af:PublicationNumber>"
        f"{d.number}</af:PublicationNumber><af:KindCode>{d.kind}</af:KindCode>"
        f"<af:PublicationDate>{d.publication_date:%Y%m%d}</af:PublicationDate>"
        f"<af:ExceptionCode>D</af:ExceptionCode></af:Document>" for d in chosen)
        + "</af:AuthorityFile>")
    as_json = json.dumps({"documents": [
        {"office": "EP", "number": d.number, "kind": d.kind,
         "date": d.publication_date.isoformat()} for d in chosen]})
    plain = st37.read(st36.encode(), "xml")
    assert plain == st37.read(as_json.encode(), "json")
    assert [(e.number, e.kind) for e in plain] == [
        (d.number.lstrip("0"), d.kind) for d in chosen]
    assert {e.exception for e in st37.read(annex.encode(), "xml")} == {"D"}
    assert st37.detect_format("x", st36.encode()) == "xml"
    assert st37.detect_format("x", as_json.encode()) == "json"


@pytest.mark.parametrize(("data", "fmt", "message"), [
    (b"EP;1;A1;20210230;\n", "csv", "line 1: publication date '20210230' is not a real date"),
    (b"office;number\nEP;1;A1\n", "csv", "line 2: 3 fields, expected office;number;kind;"
                                         "date[;exception]"),
    (b"EP;1;A1;20210101;\nEP;2;A1;20210101;Q\n", "csv",
     "line 2: exception code 'Q' is not one of D, E, P, M, O, R, U, N, W"),
    (b"EP;1;A1;20210101;\nEPO;2;A1;20210101;\n", "csv",
     "line 2: office code 'EPO' is not a two-letter ST.3 code"),
    (b"EP;1;A1;20210101;\nEP;1;A1;20210102;\n", "csv", "EP 1 A1 is listed twice"),
    (b"EP;1;AB;20210101;\n", "csv", "line 1: kind code 'AB' is not an ST.16 kind"),
    (b"<authority-file><document-id><country>EP</country>", "xml",
     "the XML is not well-formed at 1:"),
    (b'[{"office": "EP", "number": "", "kind": "A1"}]', "json",
     "document 1: publication number '' is empty or has no digits"),
    (b"office;number;kind;date\n", "csv", "the authority file lists no publication"),
])
def test_a_bad_file_is_refused_with_where_and_what(data, fmt, message):
    with pytest.raises(AuthorityFileError) as caught:
        st37.read(data, fmt)
    assert str(caught.value).startswith(message), str(caught.value)


def test_import_replaces_the_current_file_keeps_history_and_a_bad_file_changes_nothing(
        db, ep_docs):
    with db.engine.begin() as conn:
        first = authority.import_file(conn, "EP", "ep-af.csv", ep_csv(ep_docs))
    assert (first.row.entries, first.row.exceptions, first.row.offices) == (
        len(ep_docs), 0, ("EP",))
    with db.engine.begin() as conn:
        second = authority.import_file(conn, "EP", "ep-af-2.csv",
                                       ep_csv(ep_docs[:5], "EP;9999991;A1;20210922;W\n"))
    assert second.exceptions == {"W": 1}
    before = table_counts(db.engine)
    with pytest.raises(AuthorityFileError, match="line 3: publication date"), \
            db.engine.begin() as conn:
        authority.import_file(conn, "EP", "bad.csv", b"EP;1;A1;20210101;\nEP;2;A1;20210101;"
                                                     b"\nEP;3;A1;2021-13-01;\n")
    assert table_counts(db.engine) == before
    with db.engine.connect() as conn:
        current = authority.entries(conn, "EP")
        history = authority.history(conn, "EP")
    assert len(current) == 6 and {e.number for e in current} >= {"9999991"}
    assert [(h.file_name, h.replaced_at is None) for h in history] == [
        ("ep-af-2.csv", True), ("ep-af.csv", False)]
    with db.engine.connect() as conn:
        assert authority.entries(conn, "US") == []


def test_the_jp_holding_exported_as_csv_and_xml_reads_back_equal(db):
    ingest(db, GAZETTE)
    with db.engine.connect() as conn:
        held = authority.holding(conn)
        as_csv = authority.export(conn, "csv")
        as_xml = authority.export(conn, "xml", produced=dt.date(2026, 12, 1))
        numbers = conn.execute(sa.text("SELECT number, st16_kind FROM publications "
                                       "WHERE country = 'JP' ORDER BY number")).all()
    assert len(held) == len(numbers) >= 3
    assert sorted((e.number, e.kind) for e in held) == sorted(
        (n.lstrip("0"), k) for n, k in numbers)
    assert b'date-produced="20261201"' in as_xml
    for name, data in (("jp-af.csv", as_csv), ("jp-af.xml", as_xml)):
        with db.engine.begin() as conn:
            authority.import_file(conn, "JP-self", name, data)
        with db.engine.connect() as conn:
            assert sorted(authority.entries(conn, "JP-self")) == sorted(held)
    with pytest.raises(AuthorityFileError, match="kinds Z are not JP publication kinds"), \
            db.engine.connect() as conn:
        authority.holding(conn, ("A", "Z"))
