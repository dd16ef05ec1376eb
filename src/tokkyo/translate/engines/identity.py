"""`identity`: gives each segment back unchanged. For tests of the pipeline only (never
routed in production): `delay_ms` makes it a slow engine and `fail` a failing one
(`transient` or `terminal`), so the platform's timeouts, retries and error answers are
exercised with a real engine in a real server; `version` stands for an engine upgrade
(accumulated translations made by another version are translated again)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from tokkyo.translate.engine import Pair
from tokkyo.translate.errors import TerminalTranslationError, TransientTranslationError
from tokkyo.translate.kinds import ContentKind, Translation

FAILURES = ("", "transient", "terminal")


class IdentityEngine:
    name = "identity"

    def __init__(self, pairs: set[Pair], *, delay_ms: int = 0, fail: str = "",
                 max_batch: int = 256, version: str = "1") -> None:
        if fail not in FAILURES:
            raise ValueError(f"fail must be one of {', '.join(repr(f) for f in FAILURES)}")
        self._pairs = set(pairs)
        self.delay = delay_ms / 1000
        self.fail = fail
        self.max_batch = max_batch
        self.version = version

    def pairs(self) -> set[Pair]:
        return set(self._pairs)

    def translate(self, segments: Sequence[str], *, source: str, target: str,
                  kind: ContentKind) -> list[Translation]:
        if self.delay:
            time.sleep(self.delay)
        if self.fail == "transient":
            raise TransientTranslationError("the identity engine is set to fail (transient)")
        if self.fail == "terminal":
            raise TerminalTranslationError("the identity engine is set to fail (terminal)")
        return [Translation(s, self.name, self.version) for s in segments]

    def close(self) -> None:
        pass
