"""Dossier document files (the contents of the JPO document ZIPs) and what they belong to.

Names follow jpo-api.md §9: `A53_52400900476/JPOXMLDOC01-jpbibl.xml` (folder = API
document code and document number), flat `06124084096-jpntce.xml` (document number;
the code is read from the notice's element name), and for designs and trademarks
`…P.HTM` with images. XML bodies are checked to be well-formed and say which
application they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.xmlread import NS, parse_whole
from tokkyo.model.dossier import DocumentBody, strip_law_digit
from tokkyo.model.laws import Law

_FOLDER = re.compile(r"^(?P<code>[A-Z][0-9A-Z]*)_(?P<number>[0-9A-Z]{11})$")
_FLAT = re.compile(r"^(?P<number>[0-9A-Z]{11})(?:-jpntce\.xml|P\.HTM|\d{4}\.tif)$",
                   re.IGNORECASE)
_ELEMENT_CODE = re.compile(r"-(?P<code>[a-z][0-9]+)(?:-rn)?$")
MEDIA_TYPES = {".xml": "application/xml", ".htm": "text/html", ".jpg": "image/jpeg",
               ".tif": "image/tiff"}


@dataclass(frozen=True, slots=True)
class BodyFile:
    body: DocumentBody
    application_number: str       # from inside the document; "" when it does not say
    law: Law | None


_IMAGE = re.compile(r"^(?:[0-9A-Z]{11}\d{4}\.tif|JPOSGMLDOC\d[0-9A-Z]*\.JPG)$", re.IGNORECASE)
_IMAGE_MAGIC = (b"II*\x00", b"MM\x00*", b"\xff\xd8\xff")


def is_page_image(file_name: str, data: bytes) -> bool:
    """Whether a loose file is a page or figure image of a JPO document (named as the
    document ZIPs name them, TIFF or JPEG bytes): the unzipped folder of a design or
    trademark ZIP holds them beside the HTM."""
    return _IMAGE.match(file_name) is not None and data.startswith(_IMAGE_MAGIC)


def media_type(file_name: str) -> str:
    suffix = file_name[file_name.rfind("."):].lower() if "." in file_name else ""
    return MEDIA_TYPES.get(suffix, "application/octet-stream")


def identify(entry: str, data: bytes) -> BodyFile:
    """What one ZIP entry (or a loose file with its folder) is."""
    parts = entry.replace("\\", "/").split("/")
    file_name = parts[-1]
    folder = _FOLDER.match(parts[-2]) if len(parts) >= 2 else None
    flat = _FLAT.match(file_name)
    if folder:
        code, number = folder["code"], folder["number"]
    elif flat:
        code, number = "", flat["number"]
    else:
        raise Rejected(f"{entry}: not a JPO document file name (expected CODE_NUMBER/"
                       "JPOXMLDOC01-jpbibl.xml, NUMBER-jpntce.xml or NUMBERP.HTM)")
    app_number, law = "", None
    if file_name.lower().endswith(".xml"):
        code_inside, app_number, law = _xml_facts(entry, data)
        code = code or code_inside
    body = DocumentBody(document_code=code, document_number=number, file_name=file_name,
                        data=data, media_type=media_type(file_name))
    return BodyFile(body, app_number, law)


def _xml_facts(entry: str, data: bytes) -> tuple[str, str, Law | None]:
    root = parse_whole(entry, data)
    doc = next((child for child in root if isinstance(child.tag, str)), None)
    if doc is None:
        raise Rejected(f"{entry}: empty JPO document")
    law_name = doc.get("{http://www.jpo.go.jp}kind-of-law", "")
    law = Law(law_name) if law_name in {x.value for x in Law} else None
    code = ""
    inner = doc.find("jp:document-code", NS)
    if inner is not None and inner.text and law is not None:
        try:
            code = strip_law_digit(inner.text.strip(), law.digit)
        except ValueError:
            code = ""
    if not code:
        match = _ELEMENT_CODE.search(doc.tag.rsplit("}", 1)[-1])
        code = match["code"].upper() if match else ""
    number = root.find(".//jp:application-reference/jp:document-id/jp:doc-number", NS)
    app_number = (number.text or "").strip() if number is not None else ""
    return code, app_number, law
