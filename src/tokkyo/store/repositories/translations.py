"""Queries of machine translation: the real-time cache (look up many keys at once, store
many outputs in one upsert, prune what expired) and the served endpoints' rate limit
counted in the store, so every server process shares both."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tokkyo.store.tables import translate_calls, translation_cache

_c = translation_cache.c
_k = translate_calls.c
#: Keys looked up in one statement.
LOOKUP_CHUNK = 900
#: Calls of one caller older than the window are deleted when a new call's id is a
#: multiple of this, not on every call.
PRUNE_EVERY = 32

CacheKey = tuple[str, str, str, str, str, str]   # engine, version, source, target, kind, sha
_LOOKUP = (sa.select(_c.key, _c.text, _c.spans)
           .where(_c.key.in_(sa.bindparam("keys", expanding=True)),
                  _c.expires_at > sa.bindparam("now", type_=_c.expires_at.type)))


class Cached(NamedTuple):
    text: str
    spans: tuple[tuple[int, int], ...]


def digest(key: CacheKey) -> str:
    """The stored key: SHA-256 of the six parts (none of which holds a unit separator)."""
    return hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()


def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, _, b in
                 (s.partition("-") for s in text.split(",") if s))


def _spans_text(spans: Sequence[tuple[int, int]]) -> str:
    return ",".join(f"{a}-{b}" for a, b in spans)


def cached(conn: sa.Connection, keys: Sequence[CacheKey], now: dt.datetime
           ) -> dict[CacheKey, Cached]:
    """The outputs stored under `keys` that have not expired by `now`."""
    by_digest = {digest(k): k for k in keys}
    wanted = list(by_digest)
    found: dict[CacheKey, Cached] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        for row in conn.execute(_LOOKUP, {"keys": wanted[start:start + LOOKUP_CHUNK],
                                          "now": now}):
            found[by_digest[row.key]] = Cached(row.text, _spans(row.spans))
    return found


def store(conn: sa.Connection, outputs: Sequence[tuple[CacheKey, str,
                                                      Sequence[tuple[int, int]]]],
          expires_at: dt.datetime) -> None:
    """Keep each (key, text, untranslated spans) until `expires_at`, replacing what was
    stored under the key (a newer output of the same engine version is the same text)."""
    if not outputs:
        return
    rows: list[dict[str, Any]] = [
        {"key": digest(k), "engine": k[0], "version": k[1], "text": text,
         "spans": _spans_text(spans), "expires_at": expires_at}
        for k, text, spans in {o[0]: o for o in outputs}.values()]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(translation_cache)
    conn.execute(statement.on_conflict_do_update(
        index_elements=[_c.key],
        set_={"text": statement.excluded.text, "spans": statement.excluded.spans,
              "expires_at": statement.excluded.expires_at}), rows)


def prune(conn: sa.Connection, now: dt.datetime) -> int:
    """Delete the outputs expired by `now`; how many."""
    return conn.execute(sa.delete(translation_cache).where(_c.expires_at <= now)).rowcount


def entries(conn: sa.Connection) -> int:
    """How many outputs the cache holds (expired ones not yet pruned included)."""
    return conn.execute(sa.select(sa.func.count()).select_from(translation_cache)).scalar_one()


_RECENT = (sa.select(sa.func.count()).select_from(translate_calls)
           .where(_k.caller == sa.bindparam("caller"), _k.at > sa.bindparam("since"))
           .scalar_subquery())
_ADMIT = (sa.insert(translate_calls)
          .from_select(["caller", "at"],
                       sa.select(sa.bindparam("caller", type_=_k.caller.type),
                                 sa.bindparam("now", type_=_k.at.type))
                       .where(sa.bindparam("limit", type_=sa.Integer) > _RECENT))
          .returning(_k.id))
_OLDEST = (sa.select(sa.func.min(_k.at))
           .where(_k.caller == sa.bindparam("caller"), _k.at > sa.bindparam("since")))
_PRUNE = sa.delete(translate_calls).where(_k.caller == sa.bindparam("caller"),
                                          _k.at <= sa.bindparam("since"))


def admit_call(conn: sa.Connection, caller: str, now: dt.datetime, limit: int,
               window: dt.timedelta) -> dt.datetime | None:
    """Count one call of `caller` if fewer than `limit` fall within `window` before
    `now`: None when admitted, else when the oldest call in the window leaves it. Calls
    of one caller are serialised for the transaction (PostgreSQL: an advisory lock on the
    caller; SQLite: the write transaction), so two processes cannot both take the last
    place."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(17, hashtext(:caller))"),
                     {"caller": caller})
    params = {"caller": caller, "now": now, "since": now - window, "limit": limit}
    call = conn.execute(_ADMIT, params).scalar_one_or_none()
    if call is None:
        oldest = conn.execute(_OLDEST, params).scalar_one_or_none()
        return (oldest or now) + window
    if call % PRUNE_EVERY == 0:
        conn.execute(_PRUNE, params)
    return None
