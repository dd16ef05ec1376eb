"""The `Translator` Protocol every engine implements (translation.md §2).

Contract: one output per input segment, in the same order; same input and same `version`
give the same output (so caches and stored translations stay valid); a failure raises
`TransientTranslationError` (retried with back-off) or `TerminalTranslationError` (not).
`max_batch` and `timeout` are the engine's own settings: the platform never sends more
segments in one call than `max_batch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from tokkyo.translate.kinds import ContentKind, Translation

Pair = tuple[str, str]


@runtime_checkable
class Translator(Protocol):
    name: str
    version: str
    max_batch: int

    def pairs(self) -> set[Pair]: ...

    def translate(self, segments: Sequence[str], *, source: str, target: str,
                  kind: ContentKind) -> list[Translation]: ...

    def close(self) -> None: ...
