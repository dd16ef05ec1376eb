"""WIPO ST.37 authority files: read the text (CSV), XML and JSON forms an office publishes,
write tokkyo's own holding as CSV and XML (exchange.md §2, issue 16 item 5).

An authority file lists every publication number an office assigned: office code (ST.3),
publication number, kind code (ST.16) and publication date are the four mandatory
elements (ST.37 paragraph 8); an entry may carry an exception code saying why no regular
document exists for it. The text form, as the EPO publishes its own, is one entry a line,
semicolon-separated, in that order, the exception code (if any) fifth:

    EP;0000001;A1;19781220;
    EP;0000002;A1;19781220;W

A header line (any line whose date field is not 8 digits and whose first field is not a
two-letter code, e.g. `office;number;kind;date;exception`) and blank lines are skipped.
Dates are `YYYYMMDD` (an ISO `YYYY-MM-DD` is accepted too).

The XML form: any root whose record elements carry the four elements, as ST.36
`document-id` children (`country`, `doc-number`, `kind`, `date`, optional
`exception-code`) or as ST.37 Annex III names (`IPOfficeCode`, `PublicationNumber`,
`KindCode`, `PublicationDate`, `ExceptionCode`); namespaces are ignored. The JSON form is
a list of objects (or `{"documents": [...]}`) with `country`/`office`, `number`/
`doc-number`, `kind`, `date` and optional `exception`.

The exception codes are the ST.37 set (defective, deleted after publication, PCT
national/regional entry without document, missing, paper only, reissued, unknown) plus
the office-defined `N` and the EPO's `W` (application withdrawn before publication). No
real authority file is in the corpus: the tests build theirs from the corpus documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from tokkyo.errors import TerminalError


class AuthorityFileError(TerminalError):
    """An authority file that cannot be read as given: the message names the line (or
    record) and what is wrong; nothing of the file is kept."""

    status = 400


class Expected(StrEnum):
    """What an exception code says about the document behind a number."""

    DELIVERED = "delivered"            # a regular document: it should arrive
    NOT_EXPECTED = "not-expected"      # no document to deliver (withdrawn, deleted, …)


#: ST.37 exception codes (plus EPO's W and the office-defined N), with their meaning and
#: whether a document is still expected to arrive for the number.
EXCEPTION_CODES: dict[str, tuple[str, Expected]] = {
    "D": ("defective publication document", Expected.DELIVERED),
    "E": ("deleted after publication", Expected.NOT_EXPECTED),
    "P": ("PCT national/regional phase entry without a published document",
          Expected.NOT_EXPECTED),
    "M": ("published document missing at the office", Expected.NOT_EXPECTED),
    "O": ("document available on paper only", Expected.NOT_EXPECTED),
    "R": ("reissued publication", Expected.NOT_EXPECTED),
    "U": ("unknown publication number", Expected.NOT_EXPECTED),
    "N": ("not published (office-defined, see its definition file)", Expected.NOT_EXPECTED),
    "W": ("application withdrawn before publication", Expected.NOT_EXPECTED),
}

FORMATS = ("csv", "xml", "json")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KIND = re.compile(r"^[A-Z][0-9]?$")
_OFFICE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True, order=True)
class AuthorityEntry:
    """One number of an authority file: `number` as `normalise_number` gives it."""

    country: str
    number: str
    kind: str
    date: dt.date | None
    exception: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.country, self.number, self.kind)

    @property
    def expected(self) -> Expected:
        if not self.exception:
            return Expected.DELIVERED
        return EXCEPTION_CODES[self.exception][1]


def normalise_number(country: str, number: str) -> str:
    """The number as the authority file and a delivered document are compared on: the
    office prefix, separators and leading zeros dropped (`EP 0 000 001` → `1`), letters
    kept upper-case (`RE12345`)."""
    if number.isascii() and number.isdigit():     # the common form, without the work below
        return number.lstrip("0") or "0"
    text = re.sub(r"[^0-9A-Za-z]", "", number).upper()
    if text.startswith(country.upper()) and len(text) > len(country):
        text = text[len(country):]
    stripped = text.lstrip("0")
    return stripped or "0"


def entry(country: str, number: str, kind: str, date: str | dt.date | None,
          exception: str = "", *, where: str) -> AuthorityEntry:
    """An entry from its fields as a file gives them; AuthorityFileError saying `where`
    and what is wrong otherwise."""
    office = (country or "").strip().upper()
    if not _OFFICE.match(office):
        raise AuthorityFileError(f"{where}: office code {country!r} is not a two-letter "
                                 "ST.3 code")
    raw = (number or "").strip()
    if not raw or not re.search(r"[0-9]", raw):
        raise AuthorityFileError(f"{where}: publication number {number!r} is empty or has "
                                 "no digits")
    code = (kind or "").strip().upper()
    if not _KIND.match(code):
        raise AuthorityFileError(f"{where}: kind code {kind!r} is not an ST.16 kind "
                                 "(a letter and an optional digit)")
    exc = (exception or "").strip().upper()
    if exc and exc not in EXCEPTION_CODES:
        known = ", ".join(EXCEPTION_CODES)
        raise AuthorityFileError(f"{where}: exception code {exception!r} is not one of "
                                 f"{known}")
    return AuthorityEntry(office, normalise_number(office, raw), code,
                          _date(date, where=where), exc)


def _date(value: str | dt.date | None, *, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) == 8 and text.isascii() and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if _ISO.match(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise AuthorityFileError(f"{where}: publication date {value!r} is not a real date "
                             "(YYYYMMDD)")


def detect_format(name: str, data: bytes) -> str:
    """csv, xml or json, by the file's first non-blank character (its name decides only
    when the content does not)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return "xml"
    if head in (b"[", b"{"):
        return "json"
    lower = name.lower()
    for fmt in FORMATS:
        if lower.endswith("." + fmt):
            return fmt
    return "csv"


def read(data: bytes, fmt: str) -> list[AuthorityEntry]:
    """Every entry of an authority file in form `fmt` (csv, xml, json). A number listed
    twice with the same kind is an error (the file would contradict itself)."""
    if fmt not in FORMATS:
        raise AuthorityFileError(f"unknown authority file form {fmt!r} (csv, xml or json)")
    reader = {"csv": read_csv, "xml": read_xml, "json": read_json}[fmt]
    entries = reader(data)
    if not entries:
        raise AuthorityFileError("the authority file lists no publication")
    keys = {(e.country, e.number, e.kind) for e in entries}
    if len(keys) < len(entries):
        seen: set[tuple[str, str, str]] = set()
        for e in entries:
            if (e.country, e.number, e.kind) in seen:
                raise AuthorityFileError(f"{e.country} {e.number} {e.kind} is listed twice")
            seen.add((e.country, e.number, e.kind))
    return entries


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AuthorityFileError(f"the file is not UTF-8 (byte {exc.start})") from None


def read_csv(data: bytes) -> list[AuthorityEntry]:
    out: list[AuthorityEntry] = []
    for number, row in enumerate(csv.reader(io.StringIO(_text(data)), delimiter=";"),
                                 start=1):
        fields = [f.strip() for f in row]
        while fields and not fields[-1]:
            fields.pop()
        if not fields:
            continue
        if number == 1 and not _OFFICE.match(fields[0]):
            continue            # a header line
        if len(fields) < 4:
            raise AuthorityFileError(f"line {number}: {len(fields)} fields, expected office;"
                                     "number;kind;date[;exception]")
        exception = fields[4] if len(fields) > 4 else ""
        out.append(_plain(fields[0], fields[1], fields[2], fields[3], exception)
                   or entry(fields[0], fields[1], fields[2], fields[3], exception,
                            where=f"line {number}"))
    return out


def _plain(office: str, number: str, kind: str, date: str, exception: str
           ) -> AuthorityEntry | None:
    """The entry of a line in the usual form (`EP;0000001;A1;19781220;`), checked with
    plain string tests; None sends any other line through `entry`, which says what is
    wrong with it. Most of a large file's lines take this path."""
    if not (len(office) == 2 and office.isascii() and office.isalpha() and office.isupper()
            and number.isascii() and number.isdigit()
            and 1 <= len(kind) <= 2 and kind.isascii() and kind[0].isupper()
            and (len(kind) == 1 or kind[1].isdigit())
            and len(date) == 8 and date.isascii() and date.isdigit()
            and (not exception or exception in EXCEPTION_CODES)):
        return None
    try:
        day = dt.date(int(date[:4]), int(date[4:6]), int(date[6:]))
    except ValueError:
        return None
    return AuthorityEntry(office, number.lstrip("0") or "0", kind, day, exception)


_XML_NAMES = {
    "country": "country", "ipofficecode": "country", "office": "country",
    "doc-number": "number", "publicationnumber": "number", "number": "number",
    "kind": "kind", "kindcode": "kind",
    "date": "date", "publicationdate": "date",
    "exception-code": "exception", "exceptioncode": "exception", "exception": "exception",
}


def read_xml(data: bytes) -> list[AuthorityEntry]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise AuthorityFileError(f"the XML is not well-formed at {line}:{column}: "
                                 f"{exc.msg}") from None
    out: list[AuthorityEntry] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        fields: dict[str, str] = {}
        for child in element:
            if not isinstance(child.tag, str) or len(child):
                continue
            name = _XML_NAMES.get(etree.QName(child).localname.lower())
            if name:
                fields[name] = (child.text or "").strip()
        if "number" in fields and "kind" in fields:
            out.append(entry(fields.get("country", ""), fields["number"], fields["kind"],
                             fields.get("date"), fields.get("exception", ""),
                             where=f"XML line {element.sourceline}"))
    return out


def read_json(data: bytes) -> list[AuthorityEntry]:
    try:
        value = json.loads(_text(data))
    except json.JSONDecodeError as exc:
        raise AuthorityFileError(f"the JSON is not well-formed at {exc.lineno}:{exc.colno}: "
                                 f"{exc.msg}") from None
    if isinstance(value, dict):
        value = value.get("documents")
    if not isinstance(value, list):
        raise AuthorityFileError("the JSON form is a list of documents or "
                                 '{"documents": [...]}')
    out: list[AuthorityEntry] = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise AuthorityFileError(f"document {i}: not an object")

        def field(*names: str, item: dict[str, object] = item) -> str:
            for name in names:
                if item.get(name) is not None:
                    return str(item[name])
            return ""

        out.append(entry(field("country", "office"),
                         field("number", "doc-number", "publication_number"),
                         field("kind"), field("date", "publication_date"),
                         field("exception", "exception_code"), where=f"document {i}"))
    return out


def write_csv(entries: Iterable[AuthorityEntry]) -> bytes:
    """The text form: `office;number;kind;YYYYMMDD;exception`, one entry a line, sorted,
    no header (as the EPO's)."""
    lines = [f"{e.country};{e.number};{e.kind};"
             f"{e.date.strftime('%Y%m%d') if e.date else ''};{e.exception}"
             for e in sorted(entries)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_xml(entries: Iterable[AuthorityEntry], *, office: str, produced: dt.date) -> bytes:
    """The XML form, one ST.36-style `document-id` a publication, sorted."""
    root = etree.Element("authority-file", office=office,
                         **{"date-produced": produced.strftime("%Y%m%d")})
    for e in sorted(entries):
        doc = etree.SubElement(root, "document-id")
        for name, value in (("country", e.country), ("doc-number", e.number),
                            ("kind", e.kind),
                            ("date", e.date.strftime("%Y%m%d") if e.date else "")):
            etree.SubElement(doc, name).text = value
        if e.exception:
            etree.SubElement(doc, "exception-code").text = e.exception
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
