"""Writing one prepared item to the store, inside its batch's transaction; a file's
publications may wait there to be written with the batch's others (`Pending`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from tokkyo.ingest.foreign.reading import ForeignEvent
from tokkyo.ingest.parsed import Delivery
from tokkyo.ingest.prepare import Ready, Refused
from tokkyo.model.cases import CaseUpdate, PartyNames
from tokkyo.model.documents import Claim, Drawing, Paragraph, Publication
from tokkyo.model.filings import Filing
from tokkyo.store.repositories import (
    cases,
    filings,
    parties,
    publications,
    search_outbox,
    sources,
)


def quarantine(conn: sa.Connection, batch_id: int, entry: Refused) -> None:
    if entry.blob:
        sources.record_blob(conn, entry.blob, entry.size)
    sources.add_quarantine(conn, batch_id=batch_id, name=entry.name, format=entry.format,
                           reason=entry.reason, blob_sha256=entry.blob)


@dataclasses.dataclass(frozen=True, slots=True)
class _Queued:
    """A publication to write: the source version it comes from, whether it is a
    partial answer to merge, the files that came with it (None: no list given), and
    whether it replaces the stored one whole (a JP gazette) rather than keeping the
    stored text when it carries none (a foreign bibliographic record)."""

    pub: Publication
    source_id: int
    partial: bool
    files: tuple[tuple[str, str | None, str], ...] | None
    whole: bool = False


class Pending:
    """Publications applied but not yet written, so that the files of a batch that each
    hold one document (a JP gazette, a trademark gazette, a Green Book patent, an OPS
    answer, a WIPO ST.96 instance) are written together, table by table, like one
    delivery's documents; with the legal events the files report, written after them.

    `apply` queues a file's publications (and events) here when nothing it does depends
    on them: they are written (`flush`) before any item that is not such a file, before
    a publication of a number already queued or of a document whose events are queued,
    and at the batch's end, all within the batch's transaction. Writing them later than
    one by one changes nothing stored: the items in between only record their source
    versions and blobs, which the publications' writing does not read, and the blobs
    are recorded at once, in the items' order. The events are written after all the
    queued publications, file by file in order: each file's events find the documents
    they would have found written at once (those queued before them; one that a later
    file brings is not queued with them, as the flush before it says). Only for batches
    without savepoints: an item refused by the database takes the batch back anyway,
    and the batch loaded again item by item (savepoints) writes each at once."""

    def __init__(self) -> None:
        self._queued: list[_Queued] = []
        self._keys: set[tuple[str, str, str]] = set()
        self._events: list[Sequence[ForeignEvent]] = []
        self._event_keys: set[tuple[str, str, str]] = set()

    def add(self, conn: sa.Connection, queued: Sequence[_Queued], touched: set[int],
            events: Sequence[ForeignEvent] = ()) -> None:
        keys = [(q.pub.country, q.pub.kind, q.pub.number) for q in queued]
        if not (self._keys.isdisjoint(keys) and self._event_keys.isdisjoint(keys)):
            self.flush(conn, touched)
        self._queued += queued
        self._keys.update(keys)
        if events:
            self._events.append(events)
            self._event_keys.update((e.document.country, e.document.kind, e.document.number)
                                    for e in events)

    def flush(self, conn: sa.Connection, touched: set[int]) -> None:
        """Write what is queued."""
        if self._queued or self._events:
            queued, self._queued = self._queued, []
            events, self._events = self._events, []
            self._keys = set()
            self._event_keys = set()
            _publish_together(conn, queued, touched)
            for reported in events:
                _events(conn, reported)


def apply(conn: sa.Connection, batch_id: int, entry: Ready, touched: set[int], *,
          reread: bool = False, pending: Pending | None = None) -> str:
    """Record the new version and write its content; returns the outcome status. The
    cases whose content it changed go to `touched` (their summaries are stored again at
    the batch's end). With `reread`, unchanged bytes are written again under their
    current version (its problems updated) and count as replaced. With `pending`, a
    file's publications may be queued there rather than written at once (see `Pending`;
    the caller flushes it)."""
    parsed = entry.parsed
    if pending is not None and not isinstance(parsed.payload, Delivery | Publication):
        pending.flush(conn, touched)
    previous = sources.current(conn, parsed.key)
    if previous is not None and previous.fingerprint == entry.fingerprint:
        if not reread:
            return "unchanged"
        sources.set_problems(conn, previous.id, "\n".join(parsed.problems))
        _content(conn, parsed.payload, previous.id, entry, touched, pending)
        return "replaced"
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
    _content(conn, payload, version.id, entry, touched, pending)
    if previous is not None:
        return "replaced"
    return "loaded" if new_content else "unchanged"


def _content(conn: sa.Connection, payload: Any, source_id: int, entry: Ready,
             touched: set[int], pending: Pending | None) -> None:
    if isinstance(payload, Publication):
        if pending is not None:
            pending.add(conn, [_Queued(payload, source_id, partial=False, files=None,
                                       whole=True)], touched)
        else:
            _write(conn, payload, source_id, touched,
                   publications.find(conn, payload.country, payload.kind, payload.number))
    elif isinstance(payload, Delivery):
        _deliver(conn, payload, source_id, entry, touched, pending)
    elif isinstance(payload, CaseUpdate):
        touched.add(cases.apply_update(conn, payload, source_id, entry.body_blobs))
    elif isinstance(payload, PartyNames):
        parties.learn_names(conn, payload.names, origin="lookup")
    elif isinstance(payload, Filing):
        # an unpublished application: its own table, which nothing public reads
        filings.write(conn, entry.parsed.key, payload, source_id, entry.blob)


def _write(conn: sa.Connection, pub: Publication, source_id: int, touched: set[int],
           existing: int | None) -> int:
    """Store a publication; `existing` is the stored one of its number (`find`), which
    it replaces. Its case (and the case it leaves) go to `touched`, whose summaries and
    search documents are written again at the batch's end."""
    if existing is not None:        # a replacement may move it to another case
        touched.add(publications.case_of(conn, existing))
    pub_id, app_id = publications.write(conn, pub, source_id, existing)
    touched.add(app_id)
    _linked(conn, pub, app_id)
    return pub_id


def _linked(conn: sa.Connection, pub: Publication, app_id: int) -> None:
    """What a written publication tells its case: a JP application published links the
    filing received earlier; a trademark gazette fills the case's mark."""
    if pub.country == "JP" and pub.application_number:
        # the application of a filing received earlier is published: linked to its case
        filings.link_publication(conn, pub.application_number, app_id, pub.number, pub.date)
    if pub.trademark is not None:
        cases.fill_trademark(conn, app_id, pub.trademark)


def _deliver(conn: sa.Connection, delivery: Delivery, source_id: int, entry: Ready,
             touched: set[int], pending: Pending | None) -> None:
    """Every publication of a foreign file, then the records it deletes. A partial
    answer (OPS claims or description) is merged into the stored document: what it
    carries replaces, what it lacks is kept. A bibliographic-only document (a DOCDB
    record, an OPS biblio answer) replaces the stored one but keeps its full text.
    The documents are written together, table by table (queued in `pending` with the
    batch's other files, with its events, when the file deletes nothing); a file that
    holds one number twice is written one by one, each replacing the one before."""
    if not _distinct(delivery):
        if pending is not None:
            pending.flush(conn, touched)
        _publish_each(conn, delivery, source_id, entry, touched)
    else:
        queued = _queued(conn, delivery, source_id, entry)
        if pending is not None and not delivery.deletions:
            pending.add(conn, queued, touched, delivery.events)
            return
        if pending is not None:
            pending.flush(conn, touched)
        _publish_together(conn, queued, touched)
    _events(conn, delivery.events)
    for key in delivery.deletions:
        existing = publications.find(conn, key.country, key.kind, key.number)
        if existing is None:
            continue
        app_id = publications.case_of(conn, existing)
        publications.delete(conn, existing)
        if cases.exists(conn, app_id):
            touched.add(app_id)
        else:
            touched.discard(app_id)
            search_outbox.record(conn, [app_id])      # its search document goes too


def _distinct(delivery: Delivery) -> bool:
    """Whether the delivery's publications all have numbers of their own."""
    keys = [(p.country, p.kind, p.number) for p in delivery.publications]
    return len(set(keys)) == len(keys)


def _publish_each(conn: sa.Connection, delivery: Delivery, source_id: int, entry: Ready,
                  touched: set[int]) -> None:
    """The delivery's publications one by one, each seeing what the one before wrote:
    the path of a file that holds one number twice, and the reference that
    tests/ingest/foreign/test_delivery_writes.py compares writing together with."""
    for i, pub in enumerate(delivery.publications):
        existing = publications.find(conn, pub.country, pub.kind, pub.number)
        pub = (_merged(conn, pub, existing) if delivery.partial
               else _with_stored_text(conn, pub, existing))
        pub_id = _write(conn, pub, source_id, touched, existing)
        if i < len(entry.attachment_blobs):
            files = entry.attachment_blobs[i]
            for _name, sha, media_type, size in files:
                if sha is not None:
                    sources.record_blob(conn, sha, size, media_type)
            publications.attach_files(conn, pub_id, [(n, sha, m) for n, sha, m, _s in files])


def _queued(conn: sa.Connection, delivery: Delivery, source_id: int, entry: Ready
            ) -> list[_Queued]:
    """The delivery's publications to write (`_publish_together`), the blobs of their
    files recorded now, in the order writing them one by one records them."""
    queued = []
    for i, pub in enumerate(delivery.publications):
        files = None
        if i < len(entry.attachment_blobs):
            for _name, sha, media_type, size in entry.attachment_blobs[i]:
                if sha is not None:
                    sources.record_blob(conn, sha, size, media_type)
            files = tuple((n, sha, m) for n, sha, m, _s in entry.attachment_blobs[i])
        queued.append(_Queued(pub, source_id, delivery.partial, files))
    return queued


def _publish_together(conn: sa.Connection, queued: Sequence[_Queued], touched: set[int]
                      ) -> None:
    """What `_publish_each` does (`_write` for a whole publication), for publications of
    distinct numbers, table by table:
    a statement per table for them all rather than a dozen per document (a DOCDB file
    holds many records, an OPS answer many documents, a batch many files). No
    document's write reads another's rows, so writing them together stores what writing
    them in turn stores; the cases go to `touched`, the filing links and trademark
    fills are made, in the documents' order."""
    if not queued:
        return
    pubs = [q.pub for q in queued]
    found = publications.find_many(conn, [(p.country, p.kind, p.number) for p in pubs])
    stored = [found.get((p.country, p.kind, p.number)) for p in pubs]
    held = {s.id: s for s in publications.held_many(conn, [s for s in stored if s is not None])}
    stored = [held[s.id] if s is not None else None for s in stored]
    loaded = publications.load_many(conn, [s for s, q in zip(stored, queued, strict=True)
                                           if s is not None and q.partial])
    texts = publications.stored_texts(conn, [
        s for s, q in zip(stored, queued, strict=True)
        if s is not None and not q.partial and not q.whole and not _has_text(q.pub)])
    pubs = [q.pub if s is None or q.whole else
            _merged_into(loaded[s.id], q.pub) if q.partial else
            _with_text(q.pub, texts.get(s.id)) for q, s in zip(queued, stored, strict=True)]
    written = publications.write_many(conn, pubs, [q.source_id for q in queued], stored)
    for old, (_pub_id, app_id) in zip(stored, written, strict=True):
        if old is not None:
            touched.add(old.application_id)
        touched.add(app_id)
    # `_linked` for them all: filings and marks are tables of their own, each written in
    # the documents' order
    filings.link_publications(conn, [
        (pub.application_number, app_id, pub.number, pub.date)
        for pub, (_pub_id, app_id) in zip(pubs, written, strict=True)
        if pub.country == "JP" and pub.application_number])
    cases.fill_trademarks(conn, [(app_id, pub.trademark)
                                 for pub, (_pub_id, app_id) in zip(pubs, written, strict=True)
                                 if pub.trademark is not None])
    attached = [(pub_id, q.files) for q, (pub_id, _app_id) in zip(queued, written, strict=True)
                if q.files is not None]
    if attached:
        publications.attach_files_many(conn, attached)


def _events(conn: sa.Connection, reported: Sequence[ForeignEvent]) -> None:
    """The legal events a delivery reports (an OPS family answer), each document's list
    replacing what an earlier report said; events of documents the store does not hold
    are left out (the delivery's problems say what it held)."""
    by_document: dict[tuple[str, str, str], list[tuple[dt.date | None, str, str, str]]] = {}
    for event in reported:
        key = (event.document.country, event.document.kind, event.document.number)
        try:
            day = dt.date.fromisoformat(event.date) if event.date else None
        except ValueError:
            day = None
        by_document.setdefault(key, []).append(
            (day, event.code, event.description, event.category))
    if not by_document:
        return
    found = publications.find_many(conn, list(by_document))
    publications.replace_events_many(conn, [(found[key].id, events)
                                            for key, events in by_document.items()
                                            if key in found])


def _merged(conn: sa.Connection, pub: Publication, existing: int | None) -> Publication:
    if existing is None:
        return pub
    return _merged_into(publications.load(conn, existing), pub)


def _merged_into(stored: Publication, pub: Publication) -> Publication:
    """The stored document with what the partial answer `pub` carries."""
    changes = {name: getattr(pub, name) for name in _MERGED if getattr(pub, name)}
    return dataclasses.replace(stored, **changes)


def _with_stored_text(conn: sa.Connection, pub: Publication, existing: int | None
                      ) -> Publication:
    """`pub` with the claims, description and drawings of `existing`, the stored
    document of its number, when it carries none of them itself: a bibliographic record
    says nothing about the text, so replacing the document by it must not delete the
    text the store received from another file (an OPS claims answer, an EP full-text
    document)."""
    if _has_text(pub):
        return pub
    if existing is None:
        return pub
    return _with_text(pub, publications.stored_text(conn, existing))


def _has_text(pub: Publication) -> bool:
    return bool(pub.claims or pub.paragraphs or pub.drawings)


def _with_text(pub: Publication, stored: tuple[tuple[Claim, ...], tuple[Paragraph, ...],
                                              tuple[Drawing, ...]] | None) -> Publication:
    """`pub` with the stored claims, paragraphs and drawings, when it carries none and the
    store holds some (`stored`)."""
    if stored is None or _has_text(pub):
        return pub
    kept_claims, kept_paragraphs, kept_drawings = stored
    return dataclasses.replace(pub, claims=kept_claims, paragraphs=kept_paragraphs,
                               drawings=kept_drawings)


# What a partial answer may carry, each replacing the stored part when it is not empty.
_MERGED = ("title", "abstract", "claims", "paragraphs", "drawings", "parties", "priorities",
           "classifications", "patent_citations", "non_patent_citations", "other_texts",
           "application_number", "filing_date", "date", "family_id", "language")
