"""Accumulated translation (translation.md §4): foreign documents translated once, stored
per publication, section and target language, and searched beside their originals.

Ingest queues the foreign publications of the accumulated languages (CN, KR, EN → JA by
default: `stored_translations.DEFAULT_PAIRS`). `run` first queues again every stored
translation an engine of another version made (an engine upgrade), then takes the queue
most viewed publication first (the pages' view counts), then newest first: each
section's units go through the platform (segmentation, placeholders, glossary, cache, the
routed engine; a section whose kind has no route is left untranslated, a publication with
none routed stays queued) and the translated sections of a publication are written in
one transaction with the case's search outbox entry, so the search engine writes the
case's document again, old translation out and new one in, in one commit of its own.
Until then the old translation is what search finds; a reader sees the old document or
the new one, never neither. The originals are only read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tokkyo.store.database import Database
from tokkyo.store.repositories import search_outbox, stored_translations
from tokkyo.store.repositories.stored_translations import DEFAULT_PAIRS, SECTIONS, Due, Stored
from tokkyo.translate.errors import NoRoute, RoutingError, TranslationError
from tokkyo.translate.kinds import ContentKind
from tokkyo.translate.service import Platform

log = logging.getLogger("tokkyo.translate")
#: The content kind each stored section is routed as.
SECTION_KINDS = {"title": ContentKind.TITLE, "abstract": ContentKind.ABSTRACT,
                 "claims": ContentKind.CLAIMS, "description": ContentKind.DESCRIPTION}
#: Queue entries read at a time.
BATCH = 20
Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def source_sha256(units: Sequence[str]) -> str:
    """The SHA-256 of a section's source text (its units, one per line)."""
    return hashlib.sha256("\n".join(units).encode("utf-8")).hexdigest()


def one_line(text: str) -> str:
    """A translated unit as one line of the stored section (units are lines)."""
    return " ".join(text.split("\n")).strip()


@dataclass(slots=True)
class RunReport:
    """What one `run` did."""

    requeued: int = 0                 # publications queued again for a new engine version
    publications: int = 0             # translated and stored (or found unchanged)
    sections: int = 0                 # sections written
    unchanged: int = 0                # sections whose source, engine and version were stored
    segments: int = 0                 # sentences sent through the platform
    cached: int = 0                   # of which came from the cache
    left: int = 0                     # entries still queued afterwards
    failures: list[str] = field(default_factory=list)


def queue_upgrades(database: Database, platform: Platform,
                   pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS,
                   clock: Clock = _utc_now) -> int:
    """Queue every publication whose stored translation of a pair an engine or version
    other than the one routed now made. Pairs and kinds without a route are skipped.
    Returns how many entries were added."""
    added = 0
    for source, target in pairs:
        for section in SECTIONS:
            try:
                _route, engine = platform.route(source, target, SECTION_KINDS[section])
            except (NoRoute, RoutingError):
                continue
            with database.transaction() as conn:
                items = stored_translations.outdated(conn, source, target, section,
                                                     engine.name, engine.version)
                added += stored_translations.enqueue(conn, items, target,
                                                     "engine version", clock())
    return added


def run(database: Database, platform: Platform, *, limit: int | None = None,
        pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS, clock: Clock = _utc_now,
        batch: int = BATCH) -> RunReport:
    """Translate and store the queued publications (at most `limit`), most viewed
    then newest first (`stored_translations.due`). An entry whose translation fails stays
    queued (the failure is reported) and the run goes on with the next."""
    report = RunReport(requeued=queue_upgrades(database, platform, pairs, clock))
    skipped: set[int] = set()
    while limit is None or report.publications < limit:
        size = batch if limit is None else min(batch, limit - report.publications)
        with database.read_primary() as conn:
            entries = stored_translations.due(conn, size, skip=sorted(skipped))
        if not entries:
            break
        for entry in entries:
            try:
                _translate(database, platform, entry, clock, report)
            except TranslationError as exc:
                skipped.add(entry.id)
                report.failures.append(f"publication {entry.publication_id} "
                                       f"({entry.language}→{entry.target}): {exc}")
                log.warning("accumulated translation: %s", report.failures[-1])
    with database.read_primary() as conn:
        report.left = stored_translations.pending(conn)
    return report


def _translate(database: Database, platform: Platform, entry: Due, clock: Clock,
               report: RunReport) -> None:
    with database.read_primary() as conn:
        texts = stored_translations.sources(conn, entry.publication_id)
        held = stored_translations.stored(conn, entry.publication_id, entry.target)
    new: list[tuple[Stored, int]] = []       # a section's translation, its unit count
    unrouted: list[NoRoute] = []
    for section, units in texts.items():
        kind = SECTION_KINDS[section]
        digest = source_sha256(units)
        try:
            _route, engine = platform.route(entry.language, entry.target, kind)
        except NoRoute as exc:                 # a kind the operator does not route
            unrouted.append(exc)
            continue
        before = held.get(section)
        if (before is not None and before.source_sha256 == digest
                and (before.engine, before.version) == (engine.name, engine.version)):
            report.unchanged += 1
            continue
        result = platform.translate_texts(units, source=entry.language, target=entry.target,
                                          kind=kind)
        report.segments += result.segments
        report.cached += result.cached
        text = "\n".join(one_line(u.text) for u in result.units)
        new.append((Stored(section, entry.language, text, result.engine, result.version,
                           clock(), digest), len(result.units)))
    if texts and len(unrouted) == len(texts):
        raise unrouted[0]                      # nothing of it is routed: stays queued
    gone = [s for s in held if s not in texts]
    with database.transaction() as conn:
        current = stored_translations.sources(conn, entry.publication_id)
        if {s: source_sha256(u) for s, u in current.items()} != {
                s: source_sha256(u) for s, u in texts.items()}:
            return          # the document changed meanwhile: stays queued, done next time
        for item, count in new:
            stored_translations.save(conn, entry.publication_id, entry.target, item, count)
        stored_translations.remove(conn, entry.publication_id, entry.target, gone)
        if new or gone:
            search_outbox.record(conn, [entry.application_id])
        stored_translations.done(conn, entry.id)
    report.publications += 1
    report.sections += len(new)
