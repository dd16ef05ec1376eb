"""Reading one source item, ready to load: the CPU-bound half of ingest.

`prepare` runs in the ingest process or in worker processes (it is picklable, and so are
its results): it detects the format, reads the file, stores its bytes in the blob store
(content-addressed; writing the same bytes twice is free) and prepares index entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.indexer import Indexer
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.parsed import Delivery, Parsed
from tokkyo.ingest.readers import fingerprint, parse
from tokkyo.model.cases import CaseUpdate
from tokkyo.model.documents import Publication
from tokkyo.store.blobs import BlobStore


@dataclass
class Ready:
    name: str
    size: int
    parsed: Parsed
    blob: str
    fingerprint: str
    body_blobs: tuple[str, ...] = ()
    index_entries: Any = None
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


def prepare(item: SourceItem, blobs: BlobStore, indexer: Indexer | None,
            tolerant: bool = False) -> Prepared:
    try:
        parsed = parse(item, tolerant=tolerant)
    except Skipped as exc:
        return SkippedItem(item.name, exc.reason)
    except Rejected as exc:
        return Refused(item.name, len(item.data), exc.reason, exc.format,
                       blobs.put(item.data) if item.data else None)
    return ready(item, parsed, blobs, indexer)


def ready(item: SourceItem, parsed: Parsed, blobs: BlobStore, indexer: Indexer | None
          ) -> Ready:
    """An item its reader has read, ready to load: its bytes and bodies in the blob
    store, its index entries prepared (for callers that read the item themselves, such
    as exchange, which keeps the reader's error position)."""
    body_blobs: tuple[str, ...] = ()
    payload = parsed.payload
    if isinstance(payload, CaseUpdate) and payload.bodies:
        body_blobs = tuple(blobs.put(b.data) for b in payload.bodies)
    entries: Any = None
    attachment_blobs: tuple[tuple[tuple[str, str | None, str, int], ...], ...] = ()
    if isinstance(payload, Publication) and indexer is not None:
        entries = indexer.prepare(payload)
    elif isinstance(payload, Delivery):
        if indexer is not None:
            entries = [indexer.prepare(pub) for pub in payload.publications]
        attachment_blobs = tuple(
            tuple((a.name, blobs.put(a.data) if a.data is not None else None, a.media_type,
                   len(a.data or b"")) for a in files) for files in payload.attachments)
    return Ready(item.name, len(item.data), parsed, blobs.put(item.data),
                 fingerprint(parsed, item.data), body_blobs, entries, attachment_blobs)
