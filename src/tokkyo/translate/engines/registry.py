"""Engine types by name, and building one from its section of the routing file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tokkyo.translate.engine import Pair, Translator
from tokkyo.translate.errors import RoutingError


def _pairs(spec: Mapping[str, Any], default: set[Pair] | None = None) -> set[Pair]:
    given = spec.get("pairs")
    if given is None:
        if default is None:
            raise ValueError("'pairs' is required (e.g. pairs = [\"ja-en\"])")
        return default
    out = set()
    for p in given:
        source, sep, target = str(p).partition("-")
        if not sep or not source or not target:
            raise ValueError(f"pair {p!r} is not SOURCE-TARGET (e.g. ja-en)")
        out.add((source, target))
    return out


def _dictionary(spec: Mapping[str, Any]) -> Translator:
    from tokkyo.translate.engines.dictionary import DictionaryEngine
    return DictionaryEngine()


def _identity(spec: Mapping[str, Any]) -> Translator:
    from tokkyo.translate.engines.identity import IdentityEngine
    return IdentityEngine(_pairs(spec), delay_ms=int(spec.get("delay_ms", 0)),
                          fail=str(spec.get("fail", "")),
                          max_batch=int(spec.get("max_batch", 256)),
                          version=str(spec.get("version", "1")))


def _ctranslate2(spec: Mapping[str, Any]) -> Translator:
    from tokkyo.translate.engines.ct2 import CTranslate2Engine
    return CTranslate2Engine.from_spec(spec, _pairs(spec))


def _libretranslate(spec: Mapping[str, Any]) -> Translator:
    from tokkyo.translate.engines.libretranslate import LibreTranslateEngine
    return LibreTranslateEngine.from_spec(spec, _pairs(spec))


def _openai_chat(spec: Mapping[str, Any]) -> Translator:
    from tokkyo.translate.engines.openai_chat import OpenAIChatEngine
    return OpenAIChatEngine.from_spec(spec, _pairs(spec))


ENGINE_TYPES: dict[str, Callable[[Mapping[str, Any]], Translator]] = {
    "dictionary": _dictionary, "identity": _identity, "ctranslate2": _ctranslate2,
    "libretranslate": _libretranslate, "openai-chat": _openai_chat}


def build(name: str, spec: Mapping[str, Any]) -> Translator:
    """The engine of one [engines.NAME] section; RoutingError saying what is wrong."""
    try:
        return ENGINE_TYPES[str(spec["type"])](spec)
    except (ValueError, TypeError, KeyError) as exc:
        raise RoutingError(f"engine {name!r}: {exc}") from None
