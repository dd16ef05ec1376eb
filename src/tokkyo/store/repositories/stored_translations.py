"""Queries of accumulated translations (translation.md §4): the queue of publications due
for translation, their source texts by section, the stored translations (replaced in one
statement per section, inside the caller's transaction) and what the search documents
and the bulk product read of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.store.tables import (
    claims,
    paragraphs,
    publication_views,
    publications,
    stored_translations,
    translation_queue,
)

_t = stored_translations.c
_q = translation_queue.c
_p = publications.c
_v = publication_views.c
#: The sections a publication is translated by, in the order pages show them.
SECTIONS = ("title", "abstract", "claims", "description")
#: The foreign languages translated into Japanese and stored by default (CN, KR, EN
#: documents): what ingest queues.
DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (("zh", "ja"), ("ko", "ja"), ("en", "ja"))
CHUNK = 500

Row = Any


@dataclass(frozen=True, slots=True)
class Due:
    """One queue entry: a publication to translate into `target`."""

    id: int
    publication_id: int
    application_id: int
    target: str
    reason: str
    language: str                # the publication's language


@dataclass(frozen=True, slots=True)
class Stored:
    section: str
    source_language: str
    text: str
    engine: str
    version: str
    translated_at: dt.datetime
    source_sha256: str


def enqueue_cases(conn: sa.Connection, case_ids: Iterable[int], now: dt.datetime,
                  pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS) -> int:
    """Queue the foreign publications of these cases whose language is a source of
    `pairs`, each for its targets (one not already queued). One read per chunk of cases
    (ingest calls this for every batch). Returns how many."""
    ids = sorted(set(case_ids))
    by_source: dict[str, list[str]] = {}
    for source, target in pairs:
        by_source.setdefault(source, []).append(target)
    due: dict[str, list[tuple[int, dt.date | None]]] = {}
    for start in range(0, len(ids), CHUNK):
        for row in conn.execute(sa.select(_p.id, _p.date, _p.language).where(
                _p.application_id.in_(ids[start:start + CHUNK]), _p.country != "JP",
                _p.language.in_(sorted(by_source)))):
            for target in by_source[row.language]:
                due.setdefault(target, []).append((row.id, row.date))
    return sum(enqueue(conn, items, target, "new", now) for target, items in due.items())


def enqueue(conn: sa.Connection, items: Sequence[tuple[int, dt.date | None]], target: str,
            reason: str, now: dt.datetime) -> int:
    """Queue (publication id, its date) for `target`, those not queued already."""
    if not items:
        return 0
    queued: set[int] = set()
    pub_ids = [i for i, _ in items]
    for start in range(0, len(pub_ids), CHUNK):
        queued.update(conn.execute(sa.select(_q.publication_id).where(
            _q.target == target, _q.publication_id.in_(pub_ids[start:start + CHUNK])))
            .scalars())
    rows = [{"publication_id": i, "target": target, "reason": reason, "published": d,
             "queued_at": now} for i, d in dict(items).items() if i not in queued]
    if rows:
        conn.execute(sa.insert(translation_queue), rows)
    return len(rows)


def outdated(conn: sa.Connection, source: str, target: str, section: str, engine: str,
             version: str) -> list[tuple[int, dt.date | None]]:
    """Publications whose stored `section` from `source` into `target` was made by
    another engine or version than (engine, version): due for re-translation."""
    query = (sa.select(_t.publication_id, _p.date)
             .select_from(stored_translations.join(publications,
                                                   publications.c.id == _t.publication_id))
             .where(_t.source_language == source, _t.target == target, _t.section == section,
                    sa.or_(_t.engine != engine, _t.version != version))
             .order_by(_t.publication_id))
    return [(r.publication_id, r.date) for r in conn.execute(query)]


def due(conn: sa.Connection, limit: int, skip: Sequence[int] = ()) -> list[Due]:
    """The next `limit` queue entries but those `skip` names (failed in this run): most
    viewed first, then newest publication first (undated ones last), then in queue order.

    Two reads, so that neither sorts the whole queue: the queued publications ever viewed
    (a few among many: the join starts from `publication_views`) by their views, then, if
    the batch is not full, the others newest first along the queue's (published, id)
    index. A never-viewed publication thus waits behind every viewed one, and the
    publications of one day are taken most viewed first."""
    columns = (_q.id, _q.publication_id, _q.target, _q.reason, _p.application_id, _p.language)
    queued = translation_queue.join(publications, publications.c.id == _q.publication_id)
    newest = (_q.published.desc().nulls_last(), _q.id)
    viewed = (sa.select(*columns).select_from(queued.join(
                  publication_views, _v.publication_id == _q.publication_id))
              .where(_v.views > 0).order_by(_v.views.desc(), *newest).limit(limit))
    rest = (sa.select(*columns).select_from(queued)
            .where(~sa.exists().where(_v.publication_id == _q.publication_id, _v.views > 0))
            .order_by(*newest))
    if skip:
        viewed = viewed.where(_q.id.not_in(list(skip)))
        rest = rest.where(_q.id.not_in(list(skip)))
    rows = list(conn.execute(viewed))
    if len(rows) < limit:
        rows += conn.execute(rest.limit(limit - len(rows))).all()
    return [Due(r.id, r.publication_id, r.application_id, r.target, r.reason, r.language)
            for r in rows]


def pending(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(translation_queue)).scalar_one()


def done(conn: sa.Connection, entry_id: int) -> None:
    conn.execute(sa.delete(translation_queue).where(_q.id == entry_id))


def sources(conn: sa.Connection, publication_id: int) -> dict[str, list[str]]:
    """The publication's original texts by section, as units in their stored order: its
    title, abstract, claims (those in the publication's own language where a document
    carries several) and paragraphs. A section without text is left out."""
    pub = conn.execute(sa.select(_p.title, _p.abstract, _p.language)
                       .where(_p.id == publication_id)).one_or_none()
    if pub is None:
        return {}
    found: dict[str, list[str]] = {}
    if pub.title.strip():
        found["title"] = [pub.title]
    if pub.abstract.strip():
        found["abstract"] = [pub.abstract]
    claim_rows = conn.execute(
        sa.select(claims.c.text).where(claims.c.publication_id == publication_id,
                                       claims.c.language.in_(("", pub.language)))
        .order_by(claims.c.position)).scalars().all()
    if claim_rows:
        found["claims"] = list(claim_rows)
    paragraph_rows = conn.execute(
        sa.select(paragraphs.c.text).where(paragraphs.c.publication_id == publication_id)
        .order_by(paragraphs.c.position)).scalars().all()
    if paragraph_rows:
        found["description"] = list(paragraph_rows)
    return found


def stored(conn: sa.Connection, publication_id: int, target: str) -> dict[str, Stored]:
    """The publication's stored translations into `target`, by section."""
    rows = conn.execute(sa.select(_t.section, _t.source_language, _t.text, _t.engine,
                                  _t.version, _t.translated_at, _t.source_sha256)
                        .where(_t.publication_id == publication_id, _t.target == target))
    return {r.section: Stored(*r) for r in rows}


def queued_reason(conn: sa.Connection, publication_id: int, target: str) -> str:
    """Why the publication is queued for translation into `target` ("new", "engine
    version"), "" when it is not."""
    return conn.execute(sa.select(_q.reason).where(
        _q.publication_id == publication_id, _q.target == target)).scalar_one_or_none() or ""


def save(conn: sa.Connection, publication_id: int, target: str, item: Stored,
         units: int) -> None:
    """Store one section's translation, replacing the one before in one statement (a
    reader sees the old row or the new one)."""
    values = {"source_language": item.source_language, "text": item.text, "units": units,
              "engine": item.engine, "version": item.version,
              "translated_at": item.translated_at, "source_sha256": item.source_sha256}
    changed = conn.execute(sa.update(stored_translations).where(
        _t.publication_id == publication_id, _t.section == item.section,
        _t.target == target).values(**values)).rowcount
    if not changed:
        conn.execute(sa.insert(stored_translations).values(
            publication_id=publication_id, section=item.section, target=target, **values))


def remove(conn: sa.Connection, publication_id: int, target: str,
           sections: Sequence[str]) -> None:
    """Drop translations of sections the publication no longer has."""
    if sections:
        conn.execute(sa.delete(stored_translations).where(
            _t.publication_id == publication_id, _t.target == target,
            _t.section.in_(list(sections))))


def of_publications(conn: sa.Connection, pub_ids: Sequence[int]) -> list[Row]:
    """(publication_id, section, target, text) of the publications' stored translations,
    for their search documents."""
    out: list[Row] = []
    for start in range(0, len(pub_ids), CHUNK):
        out += conn.execute(sa.select(_t.publication_id, _t.section, _t.target, _t.text)
                            .where(_t.publication_id.in_(pub_ids[start:start + CHUNK]))
                            .order_by(_t.publication_id, _t.id)).all()
    return out


def translated_cases(conn: sa.Connection, case_ids: Sequence[int],
                     sections: Sequence[str], targets: Sequence[str]) -> set[int]:
    """Those of `case_ids` (applications) with a stored translation of one of `sections`
    into one of `targets` in one of their publications: the only cases whose search
    documents hold translated text, so a search asks its engine about no others."""
    out: set[int] = set()
    for start in range(0, len(case_ids), CHUNK):
        out.update(conn.execute(
            sa.select(_p.application_id).distinct()
            .select_from(publications.join(stored_translations,
                                           _t.publication_id == _p.id))
            .where(_p.application_id.in_(case_ids[start:start + CHUNK]),
                   _t.section.in_(sections), _t.target.in_(targets))).scalars())
    return out


def published_since(conn: sa.Connection, since: dt.datetime | None) -> list[Row]:
    """Every stored translation (translated since `since` when given) with its
    publication's identity, by target language, country, number and section."""
    query = (sa.select(_t.target, _p.country, _p.number, _p.kind, _p.date, _t.section,
                       _t.source_language, _t.text, _t.engine, _t.version, _t.translated_at,
                       _t.source_sha256)
             .select_from(stored_translations.join(publications,
                                                   publications.c.id == _t.publication_id))
             .order_by(_t.target, _p.country, _p.number, _p.kind, _t.section))
    if since is not None:
        query = query.where(_t.translated_at >= since)
    return list(conn.execute(query))


def counts(conn: sa.Connection) -> dict[tuple[str, str], int]:
    """Stored sections by (engine, version)."""
    rows = conn.execute(sa.select(_t.engine, _t.version, sa.func.count())
                        .group_by(_t.engine, _t.version))
    return {(r[0], r[1]): r[2] for r in rows}
