"""The dossier of a case: the `bibliographyInformation` rows of the JPO API.

Each group is a number the case is known under (`numberType` 01 application, 02
publication, 06 registration, 07 appeal …) with the documents filed or sent under it.
Placeholder rows (`BBBBBBBBBBB`, `99999999999`) are real rows and are kept as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NUMBER_TYPES = {
    "01": "application",
    "02": "publication",
    "03": "national publication",
    "04": "re-publication",
    "05": "examined publication",
    "06": "registration",
    "07": "appeal/trial/opposition",
    "08": "court case",
    "09": "priority",
    "10": "PCT application",
    "11": "PCT publication",
    "12": "international registration",
    "90": "internal",
}


@dataclass(frozen=True, slots=True)
class DossierDocument:
    legal_date: dt.date | None
    document_code: str
    description: str
    document_number: str
    irir_flag: str = "0"
    availability_flag: str = "0"
    version_number: str = "0000"
    separator: str = " "
    number_of_pages: int = 0
    size: int = 0


@dataclass(frozen=True, slots=True)
class DossierGroup:
    number_type: str
    number: str
    documents: tuple[DossierDocument, ...] = ()


def strip_law_digit(code: str, law_digit: str) -> str:
    """A code as a document carries it (`A1523`, `A153`) to the API's form (`A523`, `A53`).

    Only for codes known to come from inside a document: the API listing drops the law
    digit that the document itself carries (corpus/README.md), so `A131` in an API answer
    is already in API form and must not pass through here.
    """
    if len(code) >= 4 and code[0].isalpha() and code[1] == law_digit:
        return code[0] + code[2:]
    raise ValueError(f"document code {code!r} does not carry the law digit {law_digit} "
                     "after its letter")


@dataclass(frozen=True, slots=True)
class DocumentBody:
    """One file of a dossier document as the document ZIPs deliver it.

    `file_name` is the name inside the document (`JPOXMLDOC01-jpbibl.xml`,
    `06124084096-jpntce.xml`, `JPOSGMLDOC1P.HTM`, images); `data` the bytes as received.
    `position` is the file's place among its document's files in the ZIP it came in
    (None for a loose file), `received_in` that ZIP's operation (`app_doc_cont_…`; ""
    when not known): together they let the API give the ZIP back as received.
    """

    document_code: str
    document_number: str
    file_name: str
    data: bytes
    media_type: str
    position: int | None = None
    received_in: str = ""
