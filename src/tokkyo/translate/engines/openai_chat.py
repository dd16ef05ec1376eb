"""`openai-chat`: an OpenAI-compatible `POST /v1/chat/completions` (llama.cpp's server,
vLLM, Ollama, commercial services), one request per segment, temperature 0. The prompt
asks for the translation only and for the ⟦n⟧ placeholders to be kept; the platform puts
back any the model drops."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tokkyo.translate.engine import Pair
from tokkyo.translate.engines.http import HttpEngine
from tokkyo.translate.errors import TerminalTranslationError
from tokkyo.translate.kinds import LANGUAGES, ContentKind, Translation

PROMPT = ("You translate patent documents from {source} to {target}. The text is {kind}. "
          "Answer with the translation only, nothing else. Keep every token like ⟦0⟧ "
          "exactly as it is, at the right place.")


class OpenAIChatEngine(HttpEngine):
    name = "openai-chat"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], pairs: set[Pair]) -> OpenAIChatEngine:
        options = cls.options(spec)
        options["max_batch"] = int(spec.get("max_batch", 8))
        return cls(pairs=pairs, **options)

    def translate(self, segments: Sequence[str], *, source: str, target: str,
                  kind: ContentKind) -> list[Translation]:
        system = PROMPT.format(source=LANGUAGES.get(source, source),
                               target=LANGUAGES.get(target, target),
                               kind=kind.value.replace("_", " "))
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else None
        out = []
        for segment in segments:
            answer = self.post("/v1/chat/completions", {
                "model": self.model, "temperature": 0,
                "messages": [{"role": "system", "content": system},
                             {"role": "user", "content": segment}]}, headers)
            try:
                text = answer["choices"][0]["message"]["content"]
            except (KeyError, IndexError, TypeError):
                raise TerminalTranslationError(
                    f"openai-chat {self.url}: no choices[0].message.content in the answer"
                ) from None
            out.append(Translation(str(text).strip(), self.name, self.version))
        return out
