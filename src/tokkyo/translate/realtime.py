"""Real-time translation for pages (translation.md §1, §2): a page asks for the
translation of its parts (title, abstract, claims, paragraphs, document names); each part
is translated in a background thread and the page waits for it a moment only. A part done
in time (cached segments come back in milliseconds) is shown beside the original; one
still running is shown as pending, and the page's script (or a reload, which finds the
segments in the cache) shows it when done; one whose engine failed shows the original
with a notice. A slow or failed engine therefore never blocks a page.

The work of a part is keyed by its texts, so two requests of one page share one run;
results live in the platform's cache (the store's, shared by every server process), not
here. A failure is remembered for `retry_after` seconds, so reloading a page does not
send the engine the same failing request again and again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from enum import StrEnum

from tokkyo.translate.errors import NoRoute, TranslationError
from tokkyo.translate.kinds import ContentKind
from tokkyo.translate.service import Platform, Result

log = logging.getLogger("tokkyo.translate")
#: Seconds a page waits for its translations before it shows them as pending.
PAGE_WAIT = 0.5
#: Seconds a failed part is answered as failed before it is tried again.
RETRY_AFTER = 60.0
#: Failures remembered before those past their time are forgotten.
MAX_FAILED = 1000
#: Threads translating parts in the background (the engines have their own workers).
WORKERS = 4


class State(StrEnum):
    DONE = "done"           # translated: `units` holds one text per original unit
    PENDING = "pending"     # being translated: ask again (the script) or reload
    FAILED = "failed"       # the engine failed: the original is shown with `notice`
    UNROUTED = "unrouted"   # no engine is configured for this pair and kind


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a page to translate: its name on the page, its content kind and its
    units (one text per claim, paragraph or name, as the page shows them)."""

    name: str
    kind: ContentKind
    texts: tuple[str, ...]


@dataclass(slots=True)
class PartTranslation:
    name: str
    state: State
    engine: str = ""
    version: str = ""
    units: list[str] = field(default_factory=list)
    untranslated: list[bool] = field(default_factory=list)   # per unit: something kept
    notice: str = ""

    def as_json(self) -> dict[str, object]:
        return {"part": self.name, "state": self.state.value, "engine": self.engine,
                "version": self.version, "units": self.units,
                "untranslated": self.untranslated, "notice": self.notice}


def _job_key(part: Part, source: str, target: str) -> str:
    digest = hashlib.sha256("\x1e".join(part.texts).encode("utf-8")).hexdigest()
    return f"{source}-{target}:{part.kind.value}:{digest}"


class Realtime:
    """One per application: the background threads and the runs in flight."""

    def __init__(self, platform: Platform, *, wait: float = PAGE_WAIT,
                 retry_after: float = RETRY_AFTER, workers: int = WORKERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.platform, self.wait, self.retry_after, self.clock = (
            platform, wait, retry_after, clock)
        self._pool = ThreadPoolExecutor(max_workers=workers,
                                        thread_name_prefix="tokkyo-translate")
        self._running: dict[str, Future[Result]] = {}
        self._failed: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def translate(self, parts: Sequence[Part], *, source: str, target: str,
                  wait: float | None = None) -> list[PartTranslation]:
        """Each part's translation as far as it is done within `wait` seconds (all parts
        run at once; the wait is shared)."""
        started: list[tuple[Part, str, Future[Result] | PartTranslation]] = []
        for part in parts:
            key = _job_key(part, source, target)
            started.append((part, key, self._start(part, key, source, target)))
        deadline = self.clock() + (self.wait if wait is None else wait)
        out = []
        for part, _key, run in started:
            if isinstance(run, PartTranslation):
                out.append(run)
                continue
            try:
                result = run.result(timeout=max(0.0, deadline - self.clock()))
            except FutureTimeout:
                out.append(PartTranslation(part.name, State.PENDING))
                continue
            except TranslationError as exc:
                out.append(PartTranslation(part.name, State.FAILED, notice=str(exc)))
                continue
            out.append(PartTranslation(
                part.name, State.DONE, result.engine, result.version,
                [u.text for u in result.units], [bool(u.untranslated) for u in result.units]))
        return out

    def _start(self, part: Part, key: str, source: str, target: str
               ) -> Future[Result] | PartTranslation:
        if not part.texts:
            return PartTranslation(part.name, State.DONE)
        try:
            _route, engine = self.platform.route(source, target, part.kind)
        except NoRoute as exc:
            return PartTranslation(part.name, State.UNROUTED, notice=str(exc))
        except TranslationError as exc:
            return PartTranslation(part.name, State.FAILED, notice=str(exc))
        with self._lock:
            if len(self._failed) > MAX_FAILED:      # forget failures whose time is up
                now = self.clock()
                self._failed = {k: v for k, v in self._failed.items() if v[0] > now}
            failed = self._failed.get(key)
            if failed is not None:
                if failed[0] > self.clock():
                    return PartTranslation(part.name, State.FAILED, engine.name,
                                           engine.version, notice=failed[1])
                del self._failed[key]
            run = self._running.get(key)
            if run is None:
                run = self._pool.submit(self._run, part, key, source, target)
                self._running[key] = run
        return run

    def _run(self, part: Part, key: str, source: str, target: str) -> Result:
        try:
            return self.platform.translate_texts(part.texts, source=source, target=target,
                                                 kind=part.kind)
        except TranslationError as exc:
            log.warning("real-time translation of %s (%s→%s) failed: %s", part.name,
                        source, target, exc)
            with self._lock:
                self._failed[key] = (self.clock() + self.retry_after, str(exc))
            raise
        except Exception as exc:
            # an engine's own bug must not leave the part pending for ever
            log.exception("real-time translation of %s (%s→%s) failed", part.name, source,
                          target)
            message = f"the engine failed unexpectedly ({type(exc).__name__})"
            with self._lock:
                self._failed[key] = (self.clock() + self.retry_after, message)
            raise TranslationError(message) from exc
        finally:
            with self._lock:
                self._running.pop(key, None)

    def close(self) -> None:
        """Stop taking work; runs in flight are abandoned (their results would only fill
        the cache)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
