"""Telling formats apart by content, not by file name."""

from __future__ import annotations

import re
from enum import StrEnum

from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.items import EMPTY_ZIP_MAGIC, ZIP_MAGIC


class Format(StrEnum):
    GAZETTE = "jp-gazette"              # jp-official-gazette XML
    API_JSON = "jpo-api-json"           # a JSON answer of the JPO Retrieval API
    API_ZIP = "jpo-api-zip"             # a document ZIP of the JPO Retrieval API
    DOCUMENT = "jpo-document"           # one dossier document (XML or HTM) outside a ZIP


_PROLOG = re.compile(
    rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<(?P<root>[A-Za-z_][\w:.-]*)",
    re.DOTALL,
)

FOREIGN_ROOTS = {
    "ep-patent-document": "an EPO publication-server document",
    "us-patent-grant": "a USPTO grant", "us-patent-application": "a USPTO application",
    "cn-patent-document": "a CNIPA document", "business:PatentPublication": "a WIPO ST.96 document",
}
# The office whose format a foreign root is: a refused file's format names it
# ("EP ep-patent-document"); other XML is "XML <root>", anything else "unknown".
FOREIGN_OFFICES = {"ep-patent-document": "EP", "us-patent-grant": "US",
                   "us-patent-application": "US", "cn-patent-document": "CN",
                   "business:PatentPublication": "WO"}
UNKNOWN = "unknown"


def xml_root(data: bytes) -> str | None:
    head = data[:65536]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    match = _PROLOG.match(head)
    return match.group("root").decode("ascii") if match else None


NOT_DATA = {".dtd": "a DTD (document type definition)", ".ent": "a DTD entity set",
            ".mod": "a DTD module", ".xsd": "an XML schema", ".xsl": "an XSL stylesheet",
            ".xslt": "an XSL stylesheet", ".css": "a stylesheet"}


def detect(name: str, data: bytes) -> Format:
    """The format of `data`; `Skipped` for schema files, `Rejected` for anything unknown."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix in NOT_DATA:
        raise Skipped(f"{name}: {NOT_DATA[suffix]}, not a document")
    if not data:
        raise Rejected(f"{name}: empty file", format=UNKNOWN)
    if data[:4] in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        return Format.API_ZIP
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return Format.API_JSON
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise Rejected(f"{name}: UTF-16 text; JPO formats are UTF-8 or Shift_JIS",
                       format=UNKNOWN)
    root = xml_root(data)
    if root is None:
        if stripped[:1] == b"<":
            raise Rejected(f"{name}: unknown format: starts like markup but no XML root "
                           "element was found in the first 64 KiB", format=UNKNOWN)
        raise Rejected(f"{name}: unknown format: not XML, JSON or ZIP (starts with "
                       f"{data[:16]!r})", format=UNKNOWN)
    if root == "jp-official-gazette":
        return Format.GAZETTE
    if root.startswith("jp:") or root.upper() == "HTML":
        return Format.DOCUMENT
    what = FOREIGN_ROOTS.get(root, f"XML with root element <{root}>")
    raise Rejected(f"{name}: unknown format: {what}, not a format tokkyo ingests "
                   "(jp-official-gazette XML, JPO API answers and document ZIPs)",
                   format=f"{FOREIGN_OFFICES.get(root, 'XML')} {root}")
