"""Reading one source item, ready to load: the CPU-bound half of ingest.

`prepare` runs in the ingest process or in worker processes (it is picklable, and so are
its results): it detects the format, reads the file and stores its bytes in the blob
store (content-addressed; writing the same bytes twice is free).
"""

from __future__ import annotations

from dataclasses import dataclass

from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.parsed import Delivery, Parsed
from tokkyo.ingest.readers import fingerprint, parse
from tokkyo.model.cases import CaseUpdate
from tokkyo.store.blobs import BlobStore


@dataclass
class Ready:
    name: str
    size: int
    parsed: Parsed
    blob: str
    fingerprint: str
    body_blobs: tuple[str, ...] = ()
    # per publication of a Delivery: (name, blob or None, media type, size) of its files
    attachment_blobs: tuple[tuple[tuple[str, str | None, str, int], ...], ...] = ()


@dataclass
class SkippedItem:
    name: str
    reason: str


@dataclass
class Refused:
    name: str
    size: int
    reason: str
    format: str = ""
    blob: str | None = None


Prepared = Ready | Refused | SkippedItem


def prepare(item: SourceItem, blobs: BlobStore, tolerant: bool = False) -> Prepared:
    try:
        parsed = parse(item, tolerant=tolerant)
    except Skipped as exc:
        return SkippedItem(item.name, exc.reason)
    except Rejected as exc:
        return Refused(item.name, len(item.data), exc.reason, exc.format,
                       blobs.put(item.data) if item.data else None)
    return ready(item, parsed, blobs)


def ready(item: SourceItem, parsed: Parsed, blobs: BlobStore) -> Ready:
    """An item its reader has read, ready to load: its bytes and bodies in the blob
    store (for callers that read the item themselves, such
    as exchange, which keeps the reader's error position)."""
    body_blobs: tuple[str, ...] = ()
    payload = parsed.payload
    if isinstance(payload, CaseUpdate) and payload.bodies:
        body_blobs = tuple(blobs.put(b.data) for b in payload.bodies)
    attachment_blobs: tuple[tuple[tuple[str, str | None, str, int], ...], ...] = ()
    if isinstance(payload, Delivery):
        attachment_blobs = tuple(
            tuple((a.name, blobs.put(a.data) if a.data is not None else None, a.media_type,
                   len(a.data or b"")) for a in files) for files in payload.attachments)
    blob = blobs.put(item.data)          # the SHA-256 of the bytes (content-addressed)
    return Ready(item.name, len(item.data), parsed, blob, fingerprint(parsed, item.data, blob),
                 body_blobs, attachment_blobs)
