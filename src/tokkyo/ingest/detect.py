"""Telling formats apart by content, not by file name."""

from __future__ import annotations

import re
from enum import StrEnum
from types import ModuleType

from tokkyo.ingest import filing_package, trademark_gazette
from tokkyo.ingest.bodies import is_page_image
from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.foreign import (
    cn_new,
    cn_old,
    docdb,
    ep,
    ops,
    st96,
    us_greenbook,
    us_pap,
    us_patdoc,
    us_xml,
    us_xml4ip,
)
from tokkyo.ingest.items import EMPTY_ZIP_MAGIC, ZIP_MAGIC


class Format(StrEnum):
    GAZETTE = "jp-gazette"              # jp-official-gazette XML
    API_JSON = "jpo-api-json"           # a JSON answer of the JPO Retrieval API
    API_ZIP = "jpo-api-zip"             # a document ZIP of the JPO Retrieval API
    DOCUMENT = "jpo-document"           # one dossier document (XML or HTM) outside a ZIP
    TM_GAZETTE = "jp-trademark-gazette"  # TM-REG-GAZ SGML
    EP = "ep-patent-document"           # EPO publication server
    US_XML = "us-patent-xml"            # ST.36 us-patent-grant / us-patent-application
    US_PATDOC = "us-patdoc"             # ST.32 SGML-derived XML, 2001-2004 grants
    US_PAP = "us-pap"                   # pre-grant publications 2001-2004
    US_GREENBOOK = "us-greenbook"       # APS text, 1976-2001 grants
    US_XML4IP = "us-xml4ip"             # file-wrapper ZIP
    CN_OLD = "cn-patent-document"       # CNIPA, older
    CN_NEW = "cn-business"              # CNIPA business:PatentDocumentAndRelated
    ST96 = "wipo-st96"                  # WIPO ST.96 v6 patent, design, trademark
    DOCDB = "epo-docdb"                 # EPO DOCDB exchange documents
    OPS = "epo-ops"                     # EPO Open Patent Services answers
    EFILING = filing_package.FORMAT     # a converted e-filing package (tokkyo efile)


_PROLOG = re.compile(
    rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<(?P<root>[A-Za-z_][\w:.-]*)",
    re.DOTALL,
)

#: The module that reads each format besides JP's; each names the root elements it reads
#: (`ROOTS`, prefix as written) or recognises its bytes (`sniff`).
READERS: dict[Format, ModuleType] = {
    Format.EP: ep, Format.US_XML: us_xml, Format.US_PATDOC: us_patdoc, Format.US_PAP: us_pap,
    Format.US_GREENBOOK: us_greenbook, Format.US_XML4IP: us_xml4ip, Format.CN_OLD: cn_old,
    Format.CN_NEW: cn_new, Format.ST96: st96, Format.DOCDB: docdb, Format.OPS: ops,
}
FOREIGN_ROOTS: dict[str, Format] = {
    root: fmt for fmt, module in READERS.items() for root in getattr(module, "ROOTS", ())}
FOREIGN_ROOTS[trademark_gazette.ROOT] = Format.TM_GAZETTE
# The same by local name, for files that bind another namespace prefix.
_BY_LOCAL_NAME = {root.rsplit(":", 1)[-1]: fmt for root, fmt in FOREIGN_ROOTS.items()}
# Files that are not publications but arrive beside them: reported, not quarantined.
NOT_PUBLICATIONS = {
    "CPCMasterClassificationFile": "a USPTO CPC master classification file",
    "class-scheme": "a CPC classification scheme",
    "CPCSchemeClassificationFile": "a CPC classification scheme",
}
UNKNOWN = "unknown"
#: The roots of an e-filing package's XML files, read only together (`filing_package`).
_IN_BUNDLE_FOLDER = re.compile(r"(?:^|[/!\\])[A-Z][0-9A-Z]*_[0-9A-Z]{11}[/\\][^/\\]+$")
_PACKAGE_PARTS = {"jp:pat-app-doc": "the request (JPOXMLDOC01-jpbibl.xml)",
                  "application-body": "the body (JPOXMLDOC01-appb.xml)"}


def xml_root(data: bytes) -> str | None:
    head = data[:65536]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    match = _PROLOG.match(head)
    return match.group("root").decode("ascii") if match else None


NOT_DATA = {".dtd": "a DTD (document type definition)", ".ent": "a DTD entity set",
            ".mod": "a DTD module", ".xsd": "an XML schema", ".xsl": "an XSL stylesheet",
            ".xslt": "an XSL stylesheet", ".css": "a stylesheet"}


_TEXT_NOTES = re.compile(r"^(?:LICEN[CS]E|COPYING|README|PROVENANCE|NOTICE)(?:[._-].*)?$",
                         re.IGNORECASE)
_DOCDB_STATISTICS = re.compile(rb"\A\s*DOC[A-Z]\d+,\d{6},")


def detect(name: str, data: bytes) -> Format:
    """The format of `data`; `Skipped` for schema files, licences, read-me files and
    delivery manifests, `Rejected` for anything unknown."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix in NOT_DATA:
        raise Skipped(f"{name}: {NOT_DATA[suffix]}, not a document")
    base = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    if _TEXT_NOTES.match(base) and not data.lstrip().startswith((b"<", b"{")):
        raise Skipped(f"{name}: a licence or read-me text, not a document")
    if _DOCDB_STATISTICS.match(data[:64]):
        raise Skipped(f"{name}: a DOCDB delivery statistics manifest (what a delivery "
                      "should hold, checked by the exchange), not a document")
    if not data:
        raise Rejected(f"{name}: empty file", format=UNKNOWN)
    if data[:4] in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        if filing_package.sniff(data):
            return Format.EFILING
        return Format.US_XML4IP if us_xml4ip.sniff(data) else Format.API_ZIP
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return Format.API_JSON
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise Rejected(f"{name}: UTF-16 text; JPO formats are UTF-8 or Shift_JIS",
                       format=UNKNOWN)
    if us_greenbook.sniff(data):
        return Format.US_GREENBOOK
    root = xml_root(data)
    if root is None and is_page_image(base, data):
        return Format.DOCUMENT
    if root is None:
        if stripped[:1] == b"<":
            raise Rejected(f"{name}: unknown format: starts like markup but no XML root "
                           "element was found in the first 64 KiB", format=UNKNOWN)
        raise Rejected(f"{name}: unknown format: not XML, JSON or ZIP (starts with "
                       f"{data[:16]!r})", format=UNKNOWN)
    if root == "jp-official-gazette":
        return Format.GAZETTE
    if root in _PACKAGE_PARTS and not _IN_BUNDLE_FOLDER.search(name):
        raise Rejected(f"{name}: {_PACKAGE_PARTS[root]} of an e-filing package alone; ingest "
                       "the package's folder or ZIP, which holds JPOXMLDOC01-jpbibl.xml and "
                       "JPOXMLDOC01-appb.xml together", format=Format.EFILING.value)
    if root.startswith("jp:") or root.upper() == "HTML":
        return Format.DOCUMENT
    local = root.rsplit(":", 1)[-1]
    found = FOREIGN_ROOTS.get(root) or _BY_LOCAL_NAME.get(local)
    if found is not None:
        return found
    if local in NOT_PUBLICATIONS:
        raise Skipped(f"{name}: {NOT_PUBLICATIONS[local]}, not a publication")
    raise Rejected(f"{name}: unknown format: XML with root element <{root}>, not a format "
                   "tokkyo reads (README lists them)", format=f"XML {root}")

