"""The routing table `(source, target, content kind) → engine`, set by the operator in a
TOML file (`TOKKYO_TRANSLATE_ROUTES`; translation.md §1). Without one, the built-in table
routes the closed vocabularies (bibliographic data, document names, code labels) between
Japanese and English to the dictionary and nothing else: documents then show a "no
document engine configured" notice.

    [engines.nmt]                     # a name of the operator's choosing
    type = "ctranslate2"              # dictionary, ctranslate2, libretranslate,
    model = "/srv/models/opus-mt-ja-en"  # openai-chat, identity
    pairs = ["ja-en"]

    [[routes]]
    source = "ja"
    target = "en"
    kinds = ["description", "claims", "abstract", "exam_document"]   # or ["*"]
    engine = "nmt"
    mode = "realtime"                 # or "accumulate" (stored, searchable)

The first route that matches wins, so specific routes go before `*` ones.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokkyo.translate.engine import Pair, Translator
from tokkyo.translate.engines.registry import ENGINE_TYPES, build
from tokkyo.translate.errors import NoRoute, RoutingError
from tokkyo.translate.kinds import ContentKind, kind_of, language

MODES = ("realtime", "accumulate")
CLOSED_KINDS = (ContentKind.BIBLIOGRAPHIC, ContentKind.DOCUMENT_NAME, ContentKind.CODE_LABEL)
DEFAULT_FILE = """\
# tokkyo's built-in routing: the closed vocabularies go to the dictionary.
[engines.dictionary]
type = "dictionary"

[[routes]]
source = "ja"
target = "en"
kinds = ["bibliographic", "document_name", "code_label"]
engine = "dictionary"

[[routes]]
source = "en"
target = "ja"
kinds = ["bibliographic", "document_name", "code_label"]
engine = "dictionary"
"""


@dataclass(frozen=True, slots=True)
class Route:
    source: str
    target: str
    kinds: frozenset[ContentKind] | None          # None: every kind
    engine: str
    mode: str = "realtime"

    def matches(self, source: str, target: str, kind: ContentKind) -> bool:
        return (self.source == source and self.target == target
                and (self.kinds is None or kind in self.kinds))

    @property
    def kinds_text(self) -> str:
        return "*" if self.kinds is None else ", ".join(sorted(self.kinds))


class RoutingTable:
    """Routes and the engines they name; an engine is built on first use and kept."""

    def __init__(self, routes: list[Route], engines: Mapping[str, Mapping[str, Any]],
                 origin: str = "built-in") -> None:
        self.routes = routes
        self.engine_specs = dict(engines)
        self.origin = origin
        self._built: dict[str, Translator] = {}
        self._lock = threading.Lock()

    def route(self, source: str, target: str, kind: ContentKind) -> Route:
        """The first route for the pair and kind; NoRoute when there is none."""
        for r in self.routes:
            if r.matches(source, target, kind):
                return r
        raise NoRoute(f"no translation engine is configured for {source}→{target} "
                      f"{kind.value} (routing table: {self.origin}); see README, "
                      "'Machine translation'")

    def engine(self, name: str) -> Translator:
        with self._lock:
            if name not in self._built:
                self._built[name] = build(name, self.engine_specs[name])
            return self._built[name]

    def name_of(self, engine: Translator) -> str:
        """The [engines.NAME] a built engine was made from ("" for none)."""
        return next((n for n, e in self._built.items() if e is engine), "")

    def pairs(self) -> set[Pair]:
        return {(r.source, r.target) for r in self.routes}

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def close(self) -> None:
        with self._lock:
            for engine in self._built.values():
                engine.close()
            self._built.clear()


def load(path: str | Path | None) -> RoutingTable:
    """The routing table of the operator's file, or the built-in one for None / ""."""
    if not path:
        return parse(DEFAULT_FILE, "built-in")
    file = Path(path).expanduser()
    try:
        text = file.read_text("utf-8")
    except OSError as exc:
        raise RoutingError(f"routing file {file}: {exc.strerror or exc}") from None
    return parse(text, str(file))


def parse(text: str, origin: str) -> RoutingTable:
    """A routing table from the TOML text; RoutingError naming the origin and the place."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoutingError(f"routing file {origin}: {exc}") from None
    engines = data.get("engines", {})
    if not isinstance(engines, dict):
        raise RoutingError(f"routing file {origin}: [engines] must be a table")
    for name, spec in engines.items():
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind not in ENGINE_TYPES:
            raise RoutingError(f"routing file {origin}: engine {name!r} has type {kind!r}; "
                               f"use one of {', '.join(sorted(ENGINE_TYPES))}")
    routes = []
    for n, raw in enumerate(data.get("routes", []), 1):
        where = f"routing file {origin}: route {n}"
        if not isinstance(raw, dict):
            raise RoutingError(f"{where} must be a table ([[routes]])")
        unknown = set(raw) - {"source", "target", "kinds", "engine", "mode"}
        if unknown:
            raise RoutingError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        try:
            source, target = language(str(raw["source"])), language(str(raw["target"]))
            kinds = raw.get("kinds", ["*"])
            parsed = (None if kinds == ["*"] or kinds == "*"
                      else frozenset(kind_of(str(k)) for k in kinds))
        except KeyError as exc:
            raise RoutingError(f"{where} needs {exc.args[0]!r}") from None
        except ValueError as exc:
            raise RoutingError(f"{where}: {exc}") from None
        engine = str(raw.get("engine", ""))
        if engine not in engines:
            raise RoutingError(f"{where} names engine {engine!r}, which [engines] does not "
                               "define")
        mode = str(raw.get("mode", "realtime"))
        if mode not in MODES:
            raise RoutingError(f"{where}: mode {mode!r} is not one of {', '.join(MODES)}")
        routes.append(Route(source, target, parsed, engine, mode))
    return RoutingTable(routes, engines, origin)
