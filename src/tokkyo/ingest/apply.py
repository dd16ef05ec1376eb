"""Writing one prepared item to the store, inside its batch's transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tokkyo.ingest.indexer import Indexer
from tokkyo.ingest.prepare import Ready, Refused
from tokkyo.model.cases import CaseUpdate, PartyNames
from tokkyo.model.documents import Publication
from tokkyo.store.repositories import cases, parties, publications, sources

# Publications written in this batch, to index at its end: (publication id, entries).
IndexQueue = list[tuple[int, Any]]


def quarantine(conn: sa.Connection, batch_id: int, entry: Refused) -> None:
    if entry.blob:
        sources.record_blob(conn, entry.blob, entry.size)
    sources.add_quarantine(conn, batch_id=batch_id, name=entry.name, format=entry.format,
                           reason=entry.reason, blob_sha256=entry.blob)


def apply(conn: sa.Connection, batch_id: int, entry: Ready, indexer: Indexer | None,
          to_index: IndexQueue, touched: set[int]) -> str:
    """Record the new version and write its content; returns the outcome status. The
    cases whose content it changed go to `touched` (their summaries are stored again at
    the batch's end)."""
    parsed = entry.parsed
    previous = sources.current(conn, parsed.key)
    if previous is not None and previous.fingerprint == entry.fingerprint:
        return "unchanged"
    payload = parsed.payload
    new_content = True
    if previous is None and isinstance(payload, CaseUpdate) and payload.bodies:
        new_content = cases.bodies_changed(conn, payload, entry.body_blobs)
    sources.record_blob(conn, entry.blob, entry.size)
    for body, sha in zip(getattr(payload, "bodies", ()), entry.body_blobs, strict=True):
        sources.record_blob(conn, sha, len(body.data), body.media_type)
    version = sources.add_version(
        conn, key=parsed.key, format=parsed.format, name=entry.name,
        blob_sha256=entry.blob, fingerprint=entry.fingerprint, batch_id=batch_id,
        problems="\n".join(parsed.problems), previous=previous)
    if isinstance(payload, Publication):
        existing = publications.find(conn, payload.country, payload.kind, payload.number)
        if existing is not None:        # a replacement may move it to another case
            touched.add(publications.case_of(conn, existing))
        if existing is not None and indexer is not None:
            queued = [item for item in to_index if item[0] == existing]
            if queued:
                # an earlier version in this batch: its entries are not in the index yet
                to_index[:] = [item for item in to_index if item[0] != existing]
            else:
                indexer.remove(conn, existing)
        pub_id, app_id = publications.write(conn, payload, version.id, existing)
        touched.add(app_id)
        if indexer is not None:
            to_index.append((pub_id, entry.index_entries))
    elif isinstance(payload, CaseUpdate):
        touched.add(cases.apply_update(conn, payload, version.id, entry.body_blobs))
    elif isinstance(payload, PartyNames):
        parties.learn_names(conn, payload.names, origin="lookup")
    if previous is not None:
        return "replaced"
    return "loaded" if new_content else "unchanged"
