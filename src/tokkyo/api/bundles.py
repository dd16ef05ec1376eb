"""Document ZIPs of the three `app_doc_cont_*` operations, built from stored bodies.

Layout as JPO's (jpo-api.md §9): opinions and amendments in folders named after the API
document code and number (A53 folders first, then amendments, each by ascending number),
notices flat, by ascending number. Folders are stored entries (0755), files deflated
(0644), every entry stamped with the generation time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from tokkyo.store.repositories.case_reader import BodyRef

NOTICES = {"A131"}                                  # notices of reasons for refusal
DECISIONS = NOTICES | {"A01", "A02", "A191", "A192"}  # + grant, refusal, dismissal of amendment


def _opinion_or_amendment(code: str) -> bool:
    return code == "A53" or code.startswith("A52")


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    sha256: str


def entries(operation: str, bodies: tuple[BodyRef, ...]) -> list[Entry]:
    """The ZIP entries (files only) of one operation, in JPO's order."""
    if operation == "app_doc_cont_opinion_amendment":
        chosen = [b for b in bodies if _opinion_or_amendment(b.document_code)]
        chosen.sort(key=lambda b: (b.document_code != "A53", b.document_number, b.file_name))
        return [Entry(f"{b.document_code}_{b.document_number}/{b.file_name}", b.blob_sha256)
                for b in chosen]
    codes = NOTICES if operation == "app_doc_cont_refusal_reason" else DECISIONS
    chosen = sorted((b for b in bodies if b.document_code in codes),
                    key=lambda b: (b.document_number, b.file_name))
    return [Entry(b.file_name, b.blob_sha256) for b in chosen]


def build(files: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """The ZIP bytes: each folder once, as a stored directory entry before its files."""
    stamp = when.timetuple()[:6]
    buffer = io.BytesIO()
    folders: set[str] = set()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            folder = name.rpartition("/")[0]
            if folder and folder not in folders:
                folders.add(folder)
                info = zipfile.ZipInfo(folder + "/", date_time=stamp)
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
