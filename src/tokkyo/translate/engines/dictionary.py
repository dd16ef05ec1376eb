"""`dictionary`: the built-in deterministic translator for closed vocabularies (translation.md
§3): document names, UI labels, laws, publication kinds, statuses, country names, and the
English texts of ST.27 events and ST.3 country codes by code.

Lookup is an exact match after NFKC; trailing parenthesised qualifiers are translated one
by one (手続補正書（自発・内容） → "Written Amendment (voluntary, contents)"). It never
guesses: anything not found is given back as it was and flagged untranslated.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources

from tokkyo.translate.engine import Pair
from tokkyo.translate.glossary import Entry, parse
from tokkyo.translate.kinds import ContentKind, Translation

_QUALIFIERS = re.compile(r"^(.+?)((?:\s*\([^()]*\))+)$")
_PLACEHOLDERS = re.compile(r"(⟦\s*\d+\s*⟧)")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


@cache
def _data(name: str) -> str:
    return resources.files("tokkyo.translate").joinpath("data", name).read_text("utf-8")


@cache
def entries() -> tuple[Entry, ...]:
    """The dictionary's entries (data/dictionary.tsv)."""
    return parse(_data("dictionary.tsv"), "dictionary.tsv").entries


@cache
def codes() -> dict[tuple[str, str], str]:
    """(context, code) → English text, for ST.27 events and ST.3 countries."""
    out: dict[tuple[str, str], str] = {}
    for line in _data("codes.tsv").splitlines()[1:]:
        code, en, context, _source = line.split("\t")
        out.setdefault((context, code), en)
    return out


@cache
def document_codes() -> dict[str, str]:
    """JPO document code → Japanese name, from both copied code lists (the first name a
    code has; some codes have several)."""
    out: dict[str, str] = {}
    for line in _data("jpo_api_observed_document_codes.csv").splitlines()[1:]:
        code, name, _seen = line.split(",", 2)
        out.setdefault(code, name)
    for line in _data("jpo_submitted_document_codes_libefiling.txt").splitlines():
        if line.strip() and not line.startswith("#"):
            _section, code, name = line.split("|", 2)
            out.setdefault(code, name)
    return out


def code_label(context: str, code: str) -> str | None:
    """The English text of a code (`st27`, `st27-key`, `st27-indicator`, `country`)."""
    return codes().get((context, code.strip().upper()))


class DictionaryEngine:
    name = "dictionary"

    def __init__(self, max_batch: int = 1024) -> None:
        self.max_batch = max_batch
        self.to_en: dict[str, str] = {}
        self.to_ja: dict[str, str] = {}
        self.qualifier_en: dict[str, str] = {}
        self.qualifier_ja: dict[str, str] = {}
        for e in entries():
            en_side, ja_side = ((self.qualifier_en, self.qualifier_ja)
                                if e.context == "qualifier" else (self.to_en, self.to_ja))
            en_side.setdefault(_key(e.ja), e.en)
            ja_side.setdefault(_key(e.en), e.ja)
        self.version = hashlib.sha256(_data("dictionary.tsv").encode()).hexdigest()[:12]

    def pairs(self) -> set[Pair]:
        return {("ja", "en"), ("en", "ja")}

    def lookup(self, text: str, target: str) -> str | None:
        """The translation of a whole term, or None when the dictionary does not know it
        (or any of its qualifiers)."""
        table, qualifiers = ((self.to_en, self.qualifier_en) if target == "en"
                             else (self.to_ja, self.qualifier_ja))
        key = _key(text)
        if key in table:
            return table[key]
        found = _QUALIFIERS.match(key)
        if found is None or found.group(1).strip() not in table:
            return None
        parts = re.findall(r"\(([^()]*)\)", found.group(2))
        if not all(p.strip() in qualifiers for p in parts):
            return None
        base = table[found.group(1).strip()]
        if target == "en":
            return base + "".join(f" ({qualifiers[p.strip()]})" for p in parts)
        return base + "".join(f"（{qualifiers[p.strip()]}）" for p in parts)

    def translate(self, segments: Sequence[str], *, source: str, target: str,
                  kind: ContentKind) -> list[Translation]:
        return [self._one(s, target) for s in segments]

    def _one(self, segment: str, target: str) -> Translation:
        """A segment may hold placeholders (⟦0⟧): each stretch between them is looked up
        on its own, and kept, flagged, when unknown."""
        out: list[str] = []
        flagged: list[tuple[int, int]] = []
        at = 0
        for piece in _PLACEHOLDERS.split(segment):
            if not piece.strip() or _PLACEHOLDERS.fullmatch(piece):
                out.append(piece)
                at += len(piece)
                continue
            found = self.lookup(piece, target)
            if found is None:
                lead = len(piece) - len(piece.lstrip())
                flagged.append((at + lead, at + len(piece.rstrip())))
                found = piece
            else:
                found = piece[:len(piece) - len(piece.lstrip())] + found + (
                    piece[len(piece.rstrip()):])
            out.append(found)
            at += len(found)
        return Translation("".join(out), self.name, self.version, tuple(flagged))

    def close(self) -> None:
        pass
