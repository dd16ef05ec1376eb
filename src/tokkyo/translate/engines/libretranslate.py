"""`libretranslate`: a LibreTranslate server (`POST /translate` with a list `q`), or another
tokkyo's served routing table (which also reads `kind`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tokkyo.translate.engine import Pair
from tokkyo.translate.engines.http import HttpEngine
from tokkyo.translate.errors import TerminalTranslationError
from tokkyo.translate.kinds import ContentKind, Translation


class LibreTranslateEngine(HttpEngine):
    name = "libretranslate"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], pairs: set[Pair]) -> LibreTranslateEngine:
        return cls(pairs=pairs, **cls.options(spec))

    def translate(self, segments: Sequence[str], *, source: str, target: str,
                  kind: ContentKind) -> list[Translation]:
        body: dict[str, Any] = {"q": list(segments), "source": source, "target": target,
                                "format": "text", "kind": kind.value}
        if self.key:
            body["api_key"] = self.key
        answer = self.post("/translate", body)
        texts = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(texts, list) or len(texts) != len(segments):
            raise TerminalTranslationError(
                f"libretranslate {self.url}: expected {len(segments)} translations, got "
                f"{texts!r:.200}")
        return [Translation(str(t), self.name, self.version) for t in texts]
