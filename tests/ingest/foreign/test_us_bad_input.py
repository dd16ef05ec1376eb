"""Bad input to the USPTO readers: a truncated file of each format, a wrong encoding
declaration, an empty file and a ZIP with traversal members each fail with their exact
`ParseFailure` code (and line and column where the input has lines)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tokkyo.ingest.foreign import us_greenbook, us_pap, us_patdoc, us_xml, us_xml4ip
from tokkyo.ingest.foreign.xmlsafe import ParseFailure

US = Path(__file__).resolve().parents[3] / "samples" / "foreign" / "us"
XML_SAMPLES = [
    (us_patdoc, US / "sgml" / "US06336130.xml"),
    (us_patdoc, US / "sgml" / "USD435854S1.xml"),
    (us_pap, US / "pap" / "US20010000943A1.xml"),
    (us_pap, US / "pap" / "US20010000044A1.xml"),
    (us_xml, US / "xml2004" / "US06859910.xml"),
    (us_xml, US / "xml2006" / "US07272630B2.xml"),
    (us_xml, US / "xml2014" / "US08930553.xml"),
    (us_xml, US / "xmlApp2004" / "US20050004437A1.xml"),
]
GREENBOOK = US / "greenbook" / "US03937375.greenbook"
XML4IP = US / "xml4ip" / "sample_XML4IP.ZIP"


def _name(value: object) -> str:
    return str(getattr(value, "name", ""))


def _fails(module: ModuleType, data: bytes) -> ParseFailure:
    with pytest.raises(ParseFailure) as failure:
        module.read("bad", data)
    return failure.value


@pytest.mark.parametrize(("module", "path"), XML_SAMPLES, ids=_name)
def test_truncated_xml_fails_where_the_file_ends(module: ModuleType, path: Path) -> None:
    data = path.read_bytes()
    cut = data[: len(data) // 2]
    failure = _fails(module, cut)
    assert failure.code == "truncated"
    assert (failure.line, failure.column) == (cut.count(b"\n") + 1,
                                              len(cut) - cut.rfind(b"\n"))


def test_truncated_greenbook_fails_at_its_last_line() -> None:
    data = GREENBOOK.read_bytes()
    cut = data[: len(data) // 2]
    assert not cut.endswith(b"\n")
    failure = _fails(us_greenbook, cut)
    assert (failure.code, failure.line, failure.column) == (
        "truncated", cut.count(b"\n") + 1, len(cut) - cut.rfind(b"\n"))


def test_truncated_zip_fails() -> None:
    data = XML4IP.read_bytes()
    assert _fails(us_xml4ip, data[: len(data) // 2]).code == "truncated"


@pytest.mark.parametrize(("module", "path"), XML_SAMPLES[::2], ids=_name)
def test_latin1_text_declared_as_utf8_fails_at_the_byte(module: ModuleType, path: Path) -> None:
    data = path.read_bytes()
    at = data.index(b"<", data.index(b"?>") + 2) - 1            # before the first element
    bad = data[:at] + b"\n<!-- caf\xe9 -->" + data[at:]
    failure = _fails(module, bad)
    offset = bad.index(b"\xe9")
    assert (failure.code, failure.line, failure.column) == (
        "encoding-error", bad.count(b"\n", 0, offset) + 1, offset - bad.rfind(b"\n", 0, offset))


@pytest.mark.parametrize(("module", "path"), XML_SAMPLES[1::2], ids=_name)
def test_unknown_declared_encoding_fails(module: ModuleType, path: Path) -> None:
    data = path.read_bytes()
    if b"encoding=" not in data[:100]:
        data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + data
    bad = data.replace(b'encoding="UTF-8"', b'encoding="UTF-9"', 1)
    failure = _fails(module, bad)
    assert (failure.code, failure.line, failure.column) == ("encoding-error", 1, 1)


def test_greenbook_with_a_byte_that_is_not_text_fails_at_it() -> None:
    data = GREENBOOK.read_bytes()
    offset = data.index(b"Bumper support") + 3
    bad = data[:offset] + b"\xe9" + data[offset:]
    failure = _fails(us_greenbook, bad)
    assert (failure.code, failure.line, failure.column) == (
        "encoding-error", bad.count(b"\n", 0, offset) + 1, offset - bad.rfind(b"\n", 0, offset))


@pytest.mark.parametrize("module", [us_greenbook, us_patdoc, us_pap, us_xml])
def test_empty_file(module: ModuleType) -> None:
    assert _fails(module, b"  \n").code == "empty"


@pytest.mark.parametrize("member", ["../../etc/cron.d/evil.xml", "/etc/passwd",
                                    "CDC_Download_2016-03-30/../../x.xml", "C:/Windows/x.xml"])
def test_zip_with_a_traversal_member_is_refused(member: str) -> None:
    good = XML4IP.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr(zipfile.ZipInfo(member), b"<x/>")
    failure = _fails(us_xml4ip, buffer.getvalue())
    assert failure.code == "zip-traversal"
    assert member in failure.message


def test_a_broken_member_of_a_zip_is_a_problem_and_the_others_load() -> None:
    good = XML4IP.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("13694401.2014-07-29.HYHJN3UIPXXIFW4.SPEC.xml"):
                content = content[: len(content) // 2]
            out.writestr(info, content)
    result = us_xml4ip.read("broken.zip", buffer.getvalue())
    assert "13694401" not in [p.number for p in result.publications]
    assert len(result.publications) == 4
    assert any("13694401" in problem and "truncated" in problem
               for problem in result.problems)
