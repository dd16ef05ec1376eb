"""Document ZIPs of the three `app_doc_cont_*` operations, built from stored bodies.

Layout as JPO's (jpo-api.md §9, `model.bundle_layout`): opinions and amendments in folders
named after the API document code and number (A53 folders first, then amendments, each by
ascending number), notices flat, by ascending number; a document's files in the order they
came. Folders are stored entries (0755), files deflated (0644), every entry stamped with
the generation time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from tokkyo.model import bundle_layout
from tokkyo.store.repositories.case_reader import BodyRef


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    sha256: str


def entries(operation: str, bodies: tuple[BodyRef, ...]) -> list[Entry]:
    """The ZIP entries (files only) of one operation, in JPO's order (the layout the
    importer checked received ZIPs against: `model.bundle_layout`)."""
    return [Entry(name, b.blob_sha256) for name, b in bundle_layout.layout(operation, bodies)]


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
