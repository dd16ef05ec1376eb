"""The translation platform: what happens around every engine call (translation.md §2).

A text of one content kind is cut into units (claims, paragraphs) and sentences; each
sentence has its numbers, signs, formulas, markup and glossary terms taken out as
placeholders; sentences already in the cache are not sent again; the rest go to the
routed engine in batches of at most its `max_batch`, retried with back-off while the
engine says the failure is transient; the placeholders are put back in the target
language. The result keeps the units aligned with the original, for side-by-side pages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tokkyo.translate import segments as seg
from tokkyo.translate.cache import CacheKey, MemoryCache, SegmentCache, key
from tokkyo.translate.engine import Translator
from tokkyo.translate.errors import (
    RoutingError,
    TerminalTranslationError,
    TransientTranslationError,
)
from tokkyo.translate.glossary import Glossary
from tokkyo.translate.kinds import ContentKind, Translation
from tokkyo.translate.placeholders import Masked, mask, restore
from tokkyo.translate.routing import Route, RoutingTable

log = logging.getLogger("tokkyo.translate")
RETRY_AFTER_CAP = 30.0


@dataclass(frozen=True, slots=True)
class Retries:
    """How transient failures are retried: `attempts` calls in all, waiting `backoff`
    seconds after the first failure and doubling; a service's Retry-After is waited
    instead, up to `max_wait`. An engine's `retries` option (attempts) overrides."""

    attempts: int = 3
    backoff: float = 0.5
    max_wait: float = RETRY_AFTER_CAP


@dataclass(frozen=True, slots=True)
class AlignedUnit:
    label: str                  # 【請求項１】, 【０００１】, "" (as in the original)
    source: str
    text: str
    untranslated: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class Result:
    """A translated text: units aligned with the original, and who translated it."""

    source: str
    target: str
    kind: ContentKind
    engine: str
    version: str
    units: list[AlignedUnit] = field(default_factory=list)
    segments: int = 0           # sentences in the text
    cached: int = 0             # of which came from the cache
    attempts: int = 0           # engine calls, retries included

    @property
    def text(self) -> str:
        return "\n".join(f"{u.label}{u.text}" if u.label else u.text for u in self.units)


class Platform:
    """Routes, glossary, cache and retries around the engines. One per application."""

    def __init__(self, table: RoutingTable, *, glossary: Glossary | None = None,
                 cache: SegmentCache | None = None, retries: Retries = Retries(),
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.table = table
        self.glossary = glossary or Glossary()
        self.cache: SegmentCache = cache if cache is not None else MemoryCache()
        self.retries = retries
        self.sleep = sleep

    def route(self, source: str, target: str, kind: ContentKind) -> tuple[Route, Translator]:
        """The route and its engine; RoutingError when the engine does not serve the
        route's pair (an operator's mistake, said rather than sent to the engine)."""
        route = self.table.route(source, target, kind)
        engine = self.table.engine(route.engine)
        if (source, target) not in engine.pairs():
            served = ", ".join(f"{a}-{b}" for a, b in sorted(engine.pairs())) or "none"
            raise RoutingError(f"routing table {self.table.origin}: {source}→{target} "
                               f"{kind.value} is routed to engine {route.engine!r}, which "
                               f"serves {served}")
        return route, engine

    def translate(self, text: str, *, source: str, target: str, kind: ContentKind,
                  glossary: Glossary | None = None) -> Result:
        """`text` translated unit by unit (claims and paragraphs keep their labels)."""
        return self._aligned(seg.units(text, kind), source, target, kind, glossary)

    def translate_texts(self, texts: Sequence[str], *, source: str, target: str,
                        kind: ContentKind, glossary: Glossary | None = None) -> Result:
        """Each text one unit (a claim, a paragraph as the store holds them), translated
        sentence by sentence in one run, so a page's claims share the engine's batches:
        `result.units[i]` is `texts[i]` translated."""
        return self._aligned([seg.Unit("", t.strip()) for t in texts], source, target,
                             kind, glossary)

    def _aligned(self, units: list[seg.Unit], source: str, target: str, kind: ContentKind,
                 glossary: Glossary | None) -> Result:
        _route, engine = self.route(source, target, kind)
        sentences = [seg.sentences(u.text, source) for u in units]
        flat = [s for group in sentences for s in group]
        result = Result(source, target, kind, engine.name, engine.version)
        done = self._run(engine, flat, source, target, kind, glossary, result)
        at = 0
        for unit, group in zip(units, sentences, strict=True):
            parts = done[at:at + len(group)]
            at += len(group)
            joined, flagged, offset = [], [], 0
            sep = "" if target in seg.CLOSE_SET else " "
            for t in parts:
                flagged += [(offset + a, offset + b) for a, b in t.untranslated_spans]
                joined.append(t.text)
                offset += len(t.text) + len(sep)
            result.units.append(AlignedUnit(unit.label, unit.text, seg.join(joined, target),
                                            tuple(flagged)))
        return result

    def translate_segments(self, segments: Sequence[str], *, source: str, target: str,
                           kind: ContentKind, glossary: Glossary | None = None
                           ) -> tuple[list[Translation], Result]:
        """Each segment translated as it is (no cutting): the served LibreTranslate
        endpoint's `q` list. One output per segment, in order."""
        _route, engine = self.route(source, target, kind)
        result = Result(source, target, kind, engine.name, engine.version)
        return self._run(engine, list(segments), source, target, kind, glossary,
                         result), result

    def _run(self, engine: Translator, sentences: list[str], source: str, target: str,
             kind: ContentKind, glossary: Glossary | None, result: Result
             ) -> list[Translation]:
        pinned = self.glossary.merged(glossary) if glossary else self.glossary
        terms, pattern = pinned.pins(source, target)
        masked = [mask(s, source, terms, pattern) for s in sentences]
        result.segments = len(masked)
        outputs: dict[str, Translation] = {}
        keys: dict[str, CacheKey] = {}
        for m in masked:
            if not m.text.strip():
                outputs[m.text] = Translation(m.text, engine.name, engine.version)
            elif m.text not in keys:
                keys[m.text] = key(engine.name, engine.version, source, target, kind, m.text)
        hits = self.cache.get_many(list(keys.values())) if keys else {}
        todo: list[str] = []
        for text, k in keys.items():
            hit = hits.get(k)
            if hit is not None:
                outputs[text] = hit
                result.cached += 1
            else:
                todo.append(text)
        size = max(1, engine.max_batch)
        for start in range(0, len(todo), size):
            batch = todo[start:start + size]
            answers = self._call(engine, batch, source, target, kind, result)
            if len(answers) != len(batch):
                raise TerminalTranslationError(
                    f"engine {engine.name} gave {len(answers)} outputs for {len(batch)} "
                    "segments")
            for s, t in zip(batch, answers, strict=True):
                outputs[s] = t
            self.cache.put_many([(keys[s], outputs[s]) for s in batch])
        return [self._restored(outputs[m.text], m, target) for m in masked]

    def _call(self, engine: Translator, batch: list[str], source: str, target: str,
              kind: ContentKind, result: Result) -> list[Translation]:
        wait = self.retries.backoff
        spec = self.table.engine_specs.get(self.table.name_of(engine), {})
        attempts = max(1, int(spec.get("retries", self.retries.attempts)))
        for attempt in range(1, attempts + 1):
            result.attempts += 1
            try:
                return engine.translate(batch, source=source, target=target, kind=kind)
            except TransientTranslationError as exc:
                if attempt == attempts:
                    raise TransientTranslationError(
                        f"{exc} (engine {engine.name}; gave up after {attempt} "
                        f"attempt{'' if attempt == 1 else 's'})"
                    ) from exc
                pause = min(getattr(exc, "retry_after", None) or wait, self.retries.max_wait)
                log.warning("engine %s: %s; retrying in %.1f s", engine.name, exc, pause)
                self.sleep(pause)
                wait *= 2
        raise AssertionError("unreachable")

    @staticmethod
    def _restored(t: Translation, m: Masked, target: str) -> Translation:
        if not m.slots:
            return t
        back = restore(t.text, m, target, t.untranslated_spans)
        return Translation(back.text, t.engine, t.version, back.spans)
