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
from tokkyo.ingest.parsed import Parsed
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


def prepare(item: SourceItem, blobs: BlobStore, indexer: Indexer | None) -> Prepared:
    try:
        parsed = parse(item)
    except Skipped as exc:
        return SkippedItem(item.name, exc.reason)
    except Rejected as exc:
        return Refused(item.name, len(item.data), exc.reason, exc.format,
                       blobs.put(item.data) if item.data else None)
    body_blobs: tuple[str, ...] = ()
    payload = parsed.payload
    if isinstance(payload, CaseUpdate) and payload.bodies:
        body_blobs = tuple(blobs.put(b.data) for b in payload.bodies)
    entries = (indexer.prepare(payload) if indexer is not None
               and isinstance(payload, Publication) else None)
    return Ready(item.name, len(item.data), parsed, blobs.put(item.data),
                 fingerprint(parsed, item.data), body_blobs, entries)
