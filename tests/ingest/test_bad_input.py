"""Bad input: each gets its exact error, goes to quarantine with its bytes, and nothing
else in the store changes (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.conftest import EXAMPLES, GAZETTE, REAL, SAMPLES, table_counts
from tests.conftest import ingest as ingest_paths
from tests.ingest.builders import EXAMPLE1, corrupt_member, zip_of
from tokkyo.store.repositories import publications, sources
from tokkyo.store.tables import blobs, quarantine

GOOD = EXAMPLE1.read_bytes()
PROGRESS = (REAL / "patent__v1__app_progress__2020123456.json").read_bytes()
OPINION_ZIP = (REAL / "patent__v1__app_doc_cont_opinion_amendment__2020123456.zip").read_bytes()


def _json_with(**changes: str) -> bytes:
    document = json.loads(PROGRESS)
    document["result"]["data"].update(changes)
    return json.dumps(document, ensure_ascii=False).encode()


def _bundle_with_broken_member() -> bytes:
    a53 = (REAL / "patent__v1__app_doc_cont_opinion_amendment__2020123456" / "A53_52400900476"
           / "JPOXMLDOC01-jpbibl.xml").read_bytes()
    return zip_of({"A53_52400900476/JPOXMLDOC01-jpbibl.xml": a53,
                   "A523_52400900473/JPOXMLDOC01-jpbibl.xml": a53[:-200]})


def _bundle_with_bad_crc() -> bytes:
    a53 = (REAL / "patent__v1__app_doc_cont_opinion_amendment__2020123456" / "A53_52400900476"
           / "JPOXMLDOC01-jpbibl.xml").read_bytes()
    return corrupt_member(zip_of({"A53_52400900476/JPOXMLDOC01-jpbibl.xml": a53}), a53)


@dataclass(frozen=True)
class Bad:
    id: str
    file_name: str
    data: Callable[[], bytes]
    message: str            # `{path}` stands for the file's path


CASES = [
    Bad("gazette-tag-mismatch", "broken.xml",
        lambda: GOOD.replace(b"</claim>", b"</clam>", 1),
        "{path}: malformed XML: Opening and ending tag mismatch: claim line 552 and clam "
        "(line 561, column 8)"),
    Bad("gazette-bare-ampersand", "amp.xml",
        lambda: GOOD.replace("【課題】".encode(), b"& ", 1),
        "{path}: malformed XML: xmlParseEntityRef: no name (line 588, column 14)"),
    Bad("gazette-undefined-entity", "entity.xml",
        lambda: GOOD.replace(b'<p num="0001">', b'<p num="0001">&nbsp;', 1),
        "{path}: malformed XML: Entity 'nbsp' not defined (line 239, column 21)"),
    Bad("gazette-cut-off-in-the-middle", "cut.xml", lambda: GOOD[:len(GOOD) // 2],
        "{path}: file cut off: the document ends before its root element is closed; the "
        "parser stopped with: Incomplete UTF-8 sequence starting with E6 (line 554, column 36)"),
    Bad("gazette-cut-off-near-the-end", "cut2.xml", lambda: GOOD[:-30],
        "{path}: file cut off: the document ends before its root element is closed; the "
        "parser stopped with: expected '>' (line 953, column 1884)"),
    Bad("gazette-shift-jis-without-declaration", "sjis.xml",
        lambda: GOOD.decode().encode("cp932", errors="replace"),
        "{path}: wrong encoding: Invalid bytes in character encoding (line 6, column 15); "
        "declare the encoding in the XML declaration or convert the file to UTF-8"),
    Bad("gazette-declared-shift-jis-but-utf8", "declared.xml",
        lambda: b'<?xml version="1.0" encoding="Shift_JIS"?>\n' + GOOD,
        "{path}: wrong encoding: byte 0x81 at offset 664 is not shift_jis (declared in the "
        "XML declaration)"),
    Bad("gazette-unparseable-publication-number", "number.xml",
        lambda: GOOD.replace(b"<doc-number>2021044377<", b"<doc-number>2021-O44377<", 1),
        "{path}: publication number: 2021-O44377: not a JP number form; expected e.g. "
        "特願2020-123456, 特開平10-123456, 特許第7533889号, JP2011251389A or PCT/JP2019/011858"),
    Bad("gazette-application-serial-too-long", "app.xml",
        lambda: GOOD.replace(b"<doc-number>2019165329<",
                             "<doc-number>特願2019-1653299<".encode(), 1),
        "{path}: application number: 特願2019-1653299: serial 1653299 has 7 digits; a JP "
        "serial has at most 6"),
    Bad("gazette-impossible-date", "date.xml",
        lambda: GOOD.replace(b"<date>20210318</date>", b"<date>20210231</date>", 1),
        "{path}: publication date '20210231' is not a date of the form YYYYMMDD"),
    Bad("gazette-unknown-kind", "kind.xml",
        lambda: GOOD.replace(b'kind-of-jp="A"', b'kind-of-jp="Q"', 1),
        "{path}: kind-of-jp 'Q' is not a JPO gazette kind tokkyo knows (A, T, B, U, Y, S)"),
    Bad("json-cut-off", "patent__v1__app_progress__2020123456.json", lambda: PROGRESS[:1000],
        "{path}: file cut off: the JSON ends before it is complete; the parser stopped with: "
        "Unterminated string starting at (line 1, column 920)"),
    Bad("json-malformed", "patent__v1__app_progress__2020123456.json",
        lambda: PROGRESS.replace(b'"filingDate":', b'"filingDate"', 1),
        "{path}: malformed JSON: Expecting ':' delimiter (line 1, column 581)"),
    Bad("json-wrong-encoding", "patent__v1__app_progress__2020123456.json",
        lambda: PROGRESS.decode().encode("cp932"),
        "{path}: wrong encoding: JPO API answers are UTF-8; byte 0x97 at offset 133 is not"),
    Bad("json-unparseable-application-number", "patent__v1__app_progress__2020123456.json",
        lambda: _json_with(applicationNumber="2020-12345"),
        "{path}: data.applicationNumber: '2020-12345' is not a 10-digit application number"),
    Bad("json-impossible-date", "patent__v1__app_progress__2020123456.json",
        lambda: _json_with(filingDate="20200231"),
        "{path}: data.filingDate: '20200231' is not a calendar date (day is out of range "
        "for month)"),
    Bad("json-number-of-another-case", "patent__v1__app_progress__2020123457.json",
        lambda: PROGRESS,
        "{path}: the file name says application 2020123457 but the answer is for application "
        "2020123456"),
    Bad("json-error-answer", "patent__v1__app_progress__2020123456.json",
        lambda: (EXAMPLES / "patent__v1__app_progress__application_number__200__203.json"
                 ).read_bytes(),
        "{path}: JPO API error answer 203 (1日のアクセス上限を超過したため閲覧を制限します。) "
        "carries no data"),
    Bad("json-without-request-name", "answer.json", lambda: PROGRESS,
        "{path}: a JPO API answer, but the file name does not say which request it answered; "
        "name it LAW__v1__OPERATION__PARAM.json, e.g. patent__v1__app_progress__2020123456.json"),
    Bad("json-not-an-answer", "patent__v1__app_progress__2020123456.json",
        lambda: b'{"data": {}}', "{path}: not a JPO API answer: no result.statusCode"),
    Bad("unknown-format-xml", "other.xml",
        lambda: b'<?xml version="1.0"?><patent-record><title>x</title></patent-record>',
        "{path}: unknown format: XML with root element <patent-record>, not a format tokkyo "
        "reads (README lists them)"),
    Bad("ep-not-well-formed", "ep.xml",
        lambda: (SAMPLES / "foreign" / "ep" / "application" / "v1-2-A1.xml").read_bytes(),
        "{path}: xml-not-well-formed at line 93, column 36: xmlParseEntityRef: no name near "
        "'<str>UDAPI & ASOCIADOS Explanada, 8</str>'"),
    Bad("unknown-format-binary", "image.tif", lambda: b"II*\x00\x08\x00\x00\x00" + bytes(64),
        "{path}: unknown format: not XML, JSON or ZIP (starts with "
        "b'II*\\x00\\x08\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00')"),
    Bad("utf16", "utf16.xml", lambda: GOOD.decode().encode("utf-16"),
        "{path}: UTF-16 text; JPO formats are UTF-8 or Shift_JIS"),
    Bad("empty", "empty.xml", lambda: b"", "{path}: empty file"),
    Bad("document-zip-with-a-broken-member",
        "patent__v1__app_doc_cont_opinion_amendment__2020123456.zip", _bundle_with_broken_member,
        "{path}: member A523_52400900473/JPOXMLDOC01-jpbibl.xml: file cut off: the document "
        "ends before its root element is closed (byte 0x82 at offset 9032 is not shift_jis)"),
    Bad("document-zip-with-a-bad-crc",
        "patent__v1__app_doc_cont_opinion_amendment__2020123456.zip", _bundle_with_bad_crc,
        "{path}: member A53_52400900476/JPOXMLDOC01-jpbibl.xml cannot be read (Bad CRC-32 for "
        "file 'A53_52400900476/JPOXMLDOC01-jpbibl.xml')"),
    Bad("document-zip-of-another-case",
        "patent__v1__app_doc_cont_opinion_amendment__2021000001.zip", lambda: OPINION_ZIP,
        "{path}: the file name says application 2021000001 but its documents belong to "
        "2020123456"),
]


def ingest(db, *paths):
    return ingest_paths(db, *paths, batch_size=50)


@pytest.fixture
def loaded(db):
    """A store holding real data before the bad file arrives."""
    report = ingest(db, GAZETTE, REAL)
    assert report.ok
    return db


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_quarantined_and_nothing_else_changes(loaded, tmp_path, case):
    db = loaded
    path = tmp_path / case.file_name
    data = case.data()
    path.write_bytes(data)
    before = table_counts(db.engine)
    sha = hashlib.sha256(data).hexdigest()
    with db.engine.connect() as conn:
        stored = publications.load(conn, publications.find(conn, "JP", "A", "2021044377"))
        blob_known = conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first()
    report = ingest(db, path)
    [outcome] = report.outcomes
    assert outcome.status == "quarantined"
    assert outcome.reason == case.message.format(path=path)
    after = table_counts(db.engine)
    new_blob = 0 if not data or blob_known else 1
    assert after == before | {"quarantine": before["quarantine"] + 1,
                              "blobs": before["blobs"] + new_blob}
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(quarantine).order_by(quarantine.c.id.desc())).first()
        assert (row.name, row.reason) == (str(path), outcome.reason)
        assert row.format and row.format == outcome.format    # what was refused, named
        if data:      # the rejected bytes are kept: nothing is lost
            assert db.blobs.get(row.blob_sha256) == data
        assert publications.load(conn, publications.find(conn, "JP", "A", "2021044377")) == stored


def test_zip_archive_with_a_bad_member_loads_the_good_ones(db, tmp_path):
    second = (GAZETTE / "jp_example2.xml").read_bytes()
    third = (GAZETTE / "jp_example3.xml").read_bytes()
    archive = zip_of({"a.xml": GOOD, "b.xml": second, "c.xml": third})
    path = tmp_path / "gazettes.zip"
    path.write_bytes(corrupt_member(archive, second))
    report = ingest(db, path)
    assert [(o.name, o.status) for o in report.outcomes] == [
        (f"{path}!a.xml", "loaded"), (f"{path}!b.xml", "quarantined"),
        (f"{path}!c.xml", "loaded")]
    assert report.outcomes[1].reason == (f"{path}!b.xml: ZIP member cannot be read (Bad CRC-32 "
                                         "for file 'b.xml')")
    with db.engine.connect() as conn:
        assert publications.find(conn, "JP", "A", "2021044249") is None
        assert publications.find(conn, "JP", "A", "2021044377") is not None


def test_corrupt_new_version_keeps_the_stored_one(loaded, tmp_path):
    db = loaded
    with db.engine.connect() as conn:
        before = publications.load(conn, publications.find(conn, "JP", "A", "2021044377"))
        versions = sources.history(conn, "gazette:JP/A/2021044377")
    path = tmp_path / "jp_example1.xml"
    path.write_bytes(GOOD.replace("ウェーハの加工方法</invention-title>".encode(),
                                  "新しい題名</invention-title".encode(), 1))
    report = ingest(db, path)
    assert report.counts == {"quarantined": 1}
    with db.engine.connect() as conn:
        assert publications.load(conn, publications.find(conn, "JP", "A", "2021044377")
                                 ) == before
        assert sources.history(conn, "gazette:JP/A/2021044377") == versions
