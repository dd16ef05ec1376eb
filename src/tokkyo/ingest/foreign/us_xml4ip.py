"""USPTO XML4IP file-wrapper ZIPs: the claims, specifications and abstracts filed in an
application's file wrapper, as OCR'd XML.

Members are named `CDC_Download_{date}/{appno}/{appno}.{mail date}.{id}.{CLM|SPEC|ABST}/
….xml`. The members of one application make one publication: the latest `CLM` gives
the claims, the latest `SPEC` the description, the latest `ABST` the abstract. These
are file-wrapper documents, not publications: the publication's kind is `IFW` (image
file wrapper, not an ST.16 kind), its number and application number are the
application number, its date the latest mail-room date. Earlier versions of a part
(the claims as filed when an amendment followed) cannot be held by the model and are
named in `ForeignRead.problems`, as are the claim-list texts that are not numbered
claims and the missing bibliography (the XML4IP documents carry no title, parties or
classifications; `DocumentTitle` names the kind of document, `CLAIM DOCUMENT`).

Page furniture is not text: `BoundaryData` (running headers, page and line numbers)
is dropped; the OCR confidence marks (`OCRConfidenceData`) are dropped as markup and
their text kept. Paragraph numbers are the printed `[0002]` where the OCR'd text
starts with one (kept as `0002` and cut from the text), else none.

A member whose path climbs out of the archive (`../`, an absolute path, a drive)
refuses the whole ZIP with `zip-traversal`; nothing of it is read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.us_xml import text_of, to_date
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.ingest.items import escapes
from tokkyo.model.documents import Claim, Paragraph, Publication
from tokkyo.model.laws import Law

FORMAT = "us-xml4ip"
KIND = "IFW"
MEMBER = re.compile(r"(?:^|/)CDC_Download_[^/]+/(?P<app>\d+)/(?P=app)\.(?P<date>\d{4}-\d{2}-\d{2})"
                    r"\.(?P<id>[A-Z0-9]+)\.(?P<part>CLM|SPEC|ABST)/[^/]+\.xml$",
                    re.IGNORECASE)
_SKIP = frozenset({"BoundaryData", "ClaimNumber", "ClaimTypeCategory",
                   "ClaimStatusCategory"})
_PRINTED = re.compile(r"^\[\s*(\d+)\s*\]\s*")


def sniff(data: bytes) -> bool:
    """Whether `data` is an XML4IP file-wrapper ZIP: a ZIP with at least one member
    named `CDC_Download_…/{appno}/{appno}.{date}.{id}.{CLM|SPEC|ABST}/….xml`."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(MEMBER.search(name) for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False


@dataclass(frozen=True)
class _Member:
    application: str
    date: dt.date | None
    part: str
    name: str
    root: etree._Element


def _members(name: str, data: bytes, problems: list[str]) -> list[_Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        code = "truncated" if data.startswith(b"PK") else "not-zip"
        raise ParseFailure(name, code, f"the ZIP cannot be opened ({exc})",
                           format=FORMAT) from None
    members: list[_Member] = []
    with archive:
        infos = archive.infolist()
        for info in infos:
            if escapes(info.filename):
                raise ParseFailure(name, "zip-traversal", f"the member {info.filename!r} "
                                   "points outside the archive; the ZIP is refused",
                                   format=FORMAT)
        for info in infos:
            if info.is_dir():
                continue
            match = MEMBER.search(info.filename)
            if match is None:
                problems.append(f"{name}: the member {info.filename} is not an XML4IP "
                                "claims, specification or abstract document; not read.")
                continue
            if info.file_size > xmlsafe.MAX_BYTES:
                raise ParseFailure(name, "too-large", f"the member {info.filename} has "
                                   f"{info.file_size} bytes", format=FORMAT)
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, EOFError) as exc:
                raise ParseFailure(name, "truncated", f"the member {info.filename} cannot "
                                   f"be read ({exc})", format=FORMAT) from None
            try:
                root = xmlsafe.parse(f"{name}:{info.filename}", content, format=FORMAT)
            except ParseFailure as exc:
                problems.append(f"{name}: the member {info.filename} cannot be read: "
                                f"{exc.code} at line {exc.line}, column {exc.column}: "
                                f"{exc.message}; the other members are loaded.")
                continue
            members.append(_Member(match["app"], to_date(match["date"]),
                                   match["part"].upper(), info.filename, root))
    return members


def _find(root: etree._Element, local: str) -> list[etree._Element]:
    return [element for element in root.iter() if xmlsafe.local(element.tag) == local]


def _claims(member: _Member, problems: list[str], label: str) -> list[Claim]:
    """The numbered claims (`ClaimNumber` given, an id that is not `UNKNOWN-…`); a
    claim without text of its own (a cancelled one) is held as its status,
    `(canceled)`."""
    claims: list[Claim] = []
    for claim in _find(member.root, "Claim"):
        number = "".join(text_of(el) for el in claim if xmlsafe.local(el.tag) == "ClaimNumber")
        text = text_of(claim, _SKIP)
        ident = next((value for key, value in claim.attrib.items()
                      if xmlsafe.local(key) == "id"), "")
        if not number.isdigit() or ident.startswith("UNKNOWN"):
            if text:
                problems.append(f"{label}: text of {member.name} outside a numbered "
                                f"claim is not held as a claim: {text[:200]!r}.")
            continue
        if not text:
            status = "".join(text_of(el) for el in claim
                             if xmlsafe.local(el.tag) == "ClaimStatusCategory")
            text = f"({status})" if status else ""
        claims.append(Claim(int(number), text))
    return claims


def _paragraphs(member: _Member) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    section = ""
    for element in member.root.iter():
        name = xmlsafe.local(element.tag)
        if name == "Heading":
            section = _PRINTED.sub("", text_of(element, _SKIP))
        elif name == "P":
            text = text_of(element, _SKIP)
            printed = _PRINTED.match(text)
            number = printed.group(1) if printed else ""
            paragraphs.append(Paragraph(number, section,
                                        text[printed.end():] if printed else text))
    return paragraphs


def _abstract(member: _Member) -> str:
    return "\n".join(text_of(p, _SKIP) for p in _find(member.root, "P"))


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """One publication per application of an XML4IP ZIP; `tolerant` changes nothing."""
    del tolerant
    result = ForeignRead(FORMAT)
    members = _members(name, data, result.problems)
    applications: dict[str, list[_Member]] = {}
    for member in members:
        applications.setdefault(member.application, []).append(member)
    for application, group in applications.items():
        label = f"US application {application} (file wrapper)"
        latest: dict[str, _Member] = {}
        for member in sorted(group, key=lambda m: (m.date or dt.date.min, m.name)):
            if member.part in latest:
                result.problems.append(
                    f"{label}: the {member.part} document {latest[member.part].name} is "
                    f"superseded by {member.name} and is not held.")
            latest[member.part] = member
        claims = _claims(latest["CLM"], result.problems, label) if "CLM" in latest else []
        paragraphs = _paragraphs(latest["SPEC"]) if "SPEC" in latest else []
        abstract = _abstract(latest["ABST"]) if "ABST" in latest else ""
        dates = [m.date for m in group if m.date is not None]
        pub = Publication(
            country="US", kind=KIND, st16_kind="", law=Law.PATENT, number=application,
            date=max(dates) if dates else None, application_number=application,
            filing_date=None, title="",
            abstract=abstract, language="en", claims=tuple(claims),
            paragraphs=tuple(paragraphs))
        result.publications.append(pub)
        missing = [part for part, present in (("claims", claims),
                                              ("description", paragraphs),
                                              ("abstract", abstract)) if not present]
        if missing:
            result.problems.append(f"{label}: the file wrapper carries no "
                                   f"{', '.join(missing)}.")
        result.problems.append(f"{label}: XML4IP documents carry no bibliographic data "
                               "(title, filing date, parties, classifications).")
    return result
