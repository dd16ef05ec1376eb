"""Readiness: a registry of named probes, each a cheap check that one thing the server
needs answers now.

`/ready` runs every probe at once, each on a worker thread with a deadline, and answers
200 when all pass, 503 naming the failures otherwise (a load balancer takes the process
out of rotation until it passes again). A probe returns a short detail or raises; its
exception's text is the failure's detail. The app registers the database and the blob
store; a search engine server or a replica (replica lag) registers its own probe with
`Probes.add` when it exists.
"""

from __future__ import annotations

import concurrent.futures as futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from tokkyo.store.database import Database
from tokkyo.store.repositories import health

log = logging.getLogger("tokkyo.ready")
Probe = Callable[[], str]
#: Seconds a probe may take before it counts as failed.
DEADLINE = 3.0
_POOL = futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="tokkyo-probe")


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    ok: bool
    detail: str
    ms: float

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.ms, 1)}


class Probes:
    """The named probes of one app."""

    def __init__(self) -> None:
        self._probes: dict[str, Probe] = {}

    def add(self, name: str, probe: Probe) -> None:
        if name in self._probes:
            raise ValueError(f"a readiness probe named {name!r} exists already")
        self._probes[name] = probe

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._probes)

    def run(self, deadline: float = DEADLINE) -> list[Outcome]:
        started = {name: (time.perf_counter(), _POOL.submit(probe))
                   for name, probe in self._probes.items()}
        until = time.perf_counter() + deadline
        return [_outcome(name, began, future, until)
                for name, (began, future) in started.items()]


def _outcome(name: str, began: float, future: futures.Future[str], until: float
             ) -> Outcome:
    try:
        detail = future.result(timeout=max(0.0, until - time.perf_counter()))
        ok = True
    except futures.TimeoutError:
        detail, ok = "no answer in time", False
    except Exception as exc:               # a probe's failure is its answer, not an error
        detail, ok = _short(exc), False
    if not ok:
        log.warning("readiness probe %s failed: %s", name, detail)
    return Outcome(name, ok, detail, (time.perf_counter() - began) * 1000)


def _short(exc: BaseException) -> str:
    """The first line of the error, without SQLAlchemy's statement and background link."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def database_probe(database: Database) -> Probe:
    """The database answers a statement (a fresh connection is checked by the pool)."""
    def probe() -> str:
        with database.read() as conn:
            health.ping(conn)
        return database.engine.dialect.name
    return probe


def blob_probe(database: Database) -> Probe:
    """The blob store holds a blob the database says it must (an unmounted volume or an
    unreachable object store fails here, not on a user's download)."""
    def probe() -> str:
        with database.read() as conn:
            sha256 = health.some_blob(conn)
        if sha256 is None:
            return "no blobs stored yet"
        if database.blobs.stat(sha256) is None:
            raise LookupError(f"blob {sha256} is recorded in the database but the blob "
                              "store does not have it (is the blob store mounted?)")
        return "a stored blob is readable"
    return probe


def standard(database: Database) -> Probes:
    """The probes every tokkyo app has: the database and the blob store (the app adds
    its search engine's; a replica or an engine server adds its own)."""
    probes = Probes()
    probes.add("database", database_probe(database))
    probes.add("blobs", blob_probe(database))
    return probes
