"""A parsed query as one full-text expression of the sphinx backend's words (tokens.py):
AND, OR and AND-NOT of the atoms over the whole case document, which is the case-level
combination (a hit is a case).

Every atom is exact in the index but three, which it narrows to candidates that
verify.py decides: proximity (on the store's texts),
marks with a wildcard (the marks stored beside the document) and F-term sets (the F-terms
stored beside it, paired as search/semantics.py `pairing` pairs them). The expression uses only the
extended query syntax Manticore Search also reads (field limits, phrases, `|`, `-`,
`word*`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tokkyo.model.status import Status
from tokkyo.search import query as q
from tokkyo.search.backends.sphinx import tokens
from tokkyo.search.backends.sphinx.schema import (
    KEYS_FIELD,
    MARKS_FIELD,
    PAIR_FIELDS,
    TEXT_FIELDS,
)
from tokkyo.search.documents import (
    foreign_query_terms,
    scoped,
)
from tokkyo.search.normalize import normalise_field
from tokkyo.search.query.ast import normalise_mark
from tokkyo.search.variants import Folds, expand

NOTHING = f"(@{KEYS_FIELD} {tokens.NOTHING})"
#: The number terms (documents.number_terms) a number atom's key of each kind names.
_NUMBER_KINDS = ("application", "publication", "national-publication", "examined",
                 "registration", "international-application", "international-publication",
                 "international-registration", "appeal")


#: Proximity of two parts at most this far apart is compiled to exact phrases, one per
#: gap width (`"A * * B"`: sphinx's `*` in a phrase is exactly one word; a phrase of
#: fewer than tokens.BREAK_STEP words stays inside one text unit), nothing to verify;
#: a larger distance, a chain of three parts or more and the long-vowel fold are NEAR
#: candidates, every one verified.
EXACT_DISTANCE = 20
#: At most this many phrases (spellings x gap widths x orders) for an exact proximity.
EXACT_PHRASES = 240
assert EXACT_DISTANCE + 2 < tokens.BREAK_STEP


@dataclass(frozen=True, slots=True)
class Compiled:
    """An atom's expression; `verify` is set when it gives candidates only."""

    expression: str
    verify: str = ""          # "", "near", "mark", "fterm-set"


def document_fields(field_code: str) -> tuple[str, ...]:
    """The document's text fields a text field of the query reads (CN and GS: its own)."""
    return q.FIELDS[field_code].units or (field_code,)


def scoped_fields(field_code: str, scope: str) -> tuple[str, ...]:
    """The document's text fields (TEXT_FIELDS keys) a text field of the query reads under
    a scope, as every engine reads them (search/documents.py `scoped`)."""
    return scoped(document_fields(field_code), scope)


def _any(expressions: Sequence[str]) -> str:
    kept = list(dict.fromkeys(e for e in expressions if e))
    if not kept:
        return NOTHING
    return kept[0] if len(kept) == 1 else "(" + " | ".join(kept) + ")"


def _keys(words: Sequence[str]) -> str:
    return f"(@{KEYS_FIELD} {_any(words)})" if words else NOTHING


def _shares_words(parts: Sequence[set[str]]) -> bool:
    seen: set[str] = set()
    for words in parts:
        if seen & words:
            return True
        seen |= words
    return False


def _fields(names: Sequence[str], pairs: bool = False) -> str:
    columns = [(PAIR_FIELDS if pairs else TEXT_FIELDS)[n] for n in names]
    return f"@{columns[0]}" if len(columns) == 1 else f"@({','.join(columns)})"


@dataclass
class QueryCompiler:
    """Compiles the atoms of one search (its folds, and the day statuses are read for);
    text atoms read the fields of `scope` (None: the folds' scope)."""

    folds: Folds
    on: dt.date
    scope: str | None = None

    def atom(self, atom: q.Atom) -> Compiled:
        value = atom.value
        if isinstance(value, q.Text):
            return self.text(atom.field, value)
        if isinstance(value, q.Mark):
            return self.mark(value)
        if isinstance(value, q.FtermSet):
            stems = [value.theme + t + "." for t in value.terms]
            words = [f"(@{KEYS_FIELD} {tokens.code_prefix('fterm', s)})" for s in stems]
            return Compiled("(" + " ".join(words) + ")", "fterm-set")
        return Compiled(self.exact(atom))

    def exact(self, atom: q.Atom) -> str:
        value = atom.value
        if isinstance(value, q.Fi):
            if value.facet:
                return _keys([tokens.code_word("fi", value.code),
                              tokens.code_word("fi_facet", value.code)])
            if value.prefix:
                return _keys([tokens.code_prefix("fi", value.code)])
            return _keys([tokens.code_word("fi", value.code),
                          tokens.code_prefix("fi", value.code + ","),
                          tokens.code_prefix("fi", value.code + "@")])
        if isinstance(value, q.Ipc):
            kind = "cpc" if atom.field == "CP" else "ipc"
            return _keys([tokens.code_prefix(kind, value.code) if value.prefix
                          else tokens.code_word(kind, value.code)])
        if isinstance(value, q.Fterm):
            return _keys([self._fterm(value)])
        if isinstance(value, q.Theme):
            return _keys([tokens.code_word("theme", value.code),
                          tokens.code_prefix("fterm", value.code)])
        if isinstance(value, q.NumberValue):
            return _keys([tokens.number_word(t) for t in number_terms(value)])
        if isinstance(value, q.DateRange):
            kind = {"AD": "dad", "PD": "dpd", "RD": "drd"}[atom.field]
            return _keys(tokens.date_range(kind, value.start, value.end))
        if isinstance(value, q.Code):
            if atom.field == "ST":
                return status(value, self.on)
            kind = {"KD": "kind", "CC": "country"}.get(atom.field, atom.field.lower())
            return _keys([tokens.code_prefix(kind, value.code) if value.prefix
                          else tokens.code_word(kind, value.code)])
        raise TypeError(f"no search for {type(value).__name__} values")

    def _fterm(self, value: q.Fterm) -> str:
        stem = value.theme + value.code
        if not value.additional:
            return tokens.code_prefix("fterm", stem)
        if len(value.code) == 4:
            return tokens.code_word("fterm", f"{stem}.{value.additional}")
        return tokens.code_prefix("fta", f"{value.additional}.{stem}")

    def spellings(self, field_code: str, part: str) -> list[str]:
        return [s for s in expand(normalise_field(field_code, part), self.folds) if s]

    def text(self, field_code: str, value: q.Text) -> Compiled:
        """A term: its covering pairs' phrase in the pairs fields, or its character's word
        (fields normalising it alike share one group). Proximity: the parts' phrases (of pairs when
        every part has two characters or more) near each other in one field, verified
        afterwards."""
        groups: dict[tuple[tuple[str, ...], ...], list[str]] = {}
        for name in scoped_fields(field_code, self.scope or self.folds.scope):
            parts = tuple(tuple(self.spellings(name, p)) for p in value.parts)
            if all(parts):
                groups.setdefault(parts, []).append(name)
        if value.gaps and self._exact(value, groups):
            return self._exact_near(value, groups)
        expressions = []
        window = (self._window(value, groups) if value.gaps and not self.folds.long_vowel
                  else 0)
        for parts, names in groups.items():
            if not value.gaps:      # a term: its pairs' phrase, or its one character
                long = [tokens.covering_phrase(s) for s in parts[0] if len(s) > 1]
                short = [tokens.phrase(s) for s in parts[0] if len(s) == 1]
                if long:
                    expressions.append(f"({_fields(names, pairs=True)} {_any(long)})")
                if short:
                    expressions.append(f"({_fields(names)} {_any(short)})")
                continue
            # parts of two characters or more: their pairs' phrases, a gap of d
            # characters being d + 1 pair words (one more word in the window)
            pairs = all(len(s) > 1 for spelled in parts for s in spelled)
            spell = tokens.term_phrase if pairs else tokens.phrase
            words = tokens.pair_words if pairs else tokens.char_words
            # NEAR misses a match whose parts share a word (searchd pairs occurrences
            # greedily): then every part anywhere in the field, as the candidates
            shared = _shares_words([{w for s in spelled for w in words(s)} for spelled in parts])
            joiner = f" NEAR/{window + pairs} " if window and not shared else " "
            body = joiner.join(_any([spell(s) for s in spelled]) for spelled in parts)
            expressions.append(f"({_fields(names, pairs=pairs)} {body})")
        return Compiled(_any(expressions), "near" if value.gaps else "")

    def _exact(self, value: q.Text,
               groups: dict[tuple[tuple[str, ...], ...], list[str]]) -> bool:
        """Whether the proximity compiles to exact phrases: two parts, a distance of at
        most EXACT_DISTANCE, not the long-vowel fold (its distances are counted on text
        without word-final ー, which the index does not hold), few enough phrases."""
        if len(value.parts) != 2 or self.folds.long_vowel or not groups:
            return False
        gap = value.gaps[0]
        if gap.distance > EXACT_DISTANCE:
            return False
        orders = 1 if gap.ordered else 2
        phrases = sum(len(parts[0]) * len(parts[1]) for parts in groups)
        return phrases * (gap.distance + 1) * orders <= EXACT_PHRASES

    def _exact_near(self, value: q.Text,
                    groups: dict[tuple[tuple[str, ...], ...], list[str]]) -> Compiled:
        """`A,nC,B` as the phrases "A", g other characters, "B" for g = 0..n (and B
        before A for `nN`), in the pairs fields when both spellings have two characters
        or more (their covering pairs; g characters between are g + 1 pair words), else
        in the character fields (g words): exactly proximity.py's `near` within one unit, which the
        phrase boundary between units keeps a phrase in."""
        gap = value.gaps[0]
        expressions: list[str] = []
        for parts, names in groups.items():
            by_space: dict[bool, list[str]] = {}
            for first in parts[0]:
                for second in parts[1]:
                    pairs = len(first) > 1 and len(second) > 1
                    words = tokens.covering_words if pairs else tokens.char_words
                    orders = [(first, second)] + ([] if gap.ordered else [(second, first)])
                    by_space.setdefault(pairs, []).extend(
                        '"' + " ".join([*words(left), *["*"] * (between + pairs),
                                        *words(right)]) + '"'
                        for left, right in orders for between in range(gap.distance + 1))
            expressions += [f"({_fields(names, pairs=pairs)} {_any(found)})"
                            for pairs, found in by_space.items()]
        return Compiled(_any(expressions))

    @staticmethod
    def _window(value: q.Text, groups: dict[tuple[tuple[str, ...], ...], list[str]]) -> int:
        """The NEAR window (sphinx: fewer than N words between) that holds every chain
        of the parts linked as the gaps say, one word per character: a gap of d
        characters for two parts; for a chain, every gap and every part's longest
        spelling, which bounds the words between any two of its parts. The candidates
        are verified all the same. Not with the long-vowel fold, which counts distances
        on text without its word-final ー."""
        distances = [g.distance for g in value.gaps]
        if len(distances) == 1:
            return distances[0] + 1
        longest = sum(max((len(s) for parts in groups for s in parts[i]), default=0)
                      for i in range(len(value.parts)))
        return sum(distances) + longest + 1

    def mark(self, value: q.Mark) -> Compiled:
        """The mark equal to the text (`mb … mf`), exact; with a wildcard, the marks
        starting with the first piece, ending with the last and holding the others."""
        pieces = [normalise_mark(p) for p in value.pieces]
        if value.exact:
            words = [tokens.MARK_START, *tokens.char_words(pieces[0]), tokens.MARK_END]
            return Compiled(f'(@{MARKS_FIELD} "{" ".join(words)}")')
        phrases = [[tokens.MARK_START, *tokens.char_words(pieces[0])],
                   [*tokens.char_words(pieces[-1]), tokens.MARK_END]]
        phrases += [tokens.char_words(p) for p in pieces[1:-1] if p]
        body = " ".join('"' + " ".join(words) + '"' for words in phrases)
        return Compiled(f"(@{MARKS_FIELD} {body})", "mark")


def number_terms(value: q.NumberValue) -> list[str]:
    """The documents.number_terms terms a number atom matches any of."""
    terms: list[str] = []
    for kind, key in value.keys:
        if kind == "foreign":
            terms += foreign_query_terms(key)
        elif kind == "republication":
            terms.append(f"international-publication:WO{key}")
        elif kind in _NUMBER_KINDS:
            terms.append(f"{kind}:{key}")
    return terms


def _dates(kind: str, start: dt.date | None, end: dt.date | None) -> str:
    return _keys(tokens.date_range(kind, start, end))


def _standing(on: dt.date) -> str:
    """Registered, neither ceased nor expired on `on` (case_summaries `_standing`)."""
    day = dt.timedelta(days=1)
    return (f"(@{KEYS_FIELD} sreg) "
            f"({_keys(['sdinone'])} | {_dates('sdi', on + day, None)}) "
            f"({_keys(['sexnone'])} | {_dates('sex', on, None)})")


def _overdue(on: dt.date) -> str:
    return _dates("sna", None, on - dt.timedelta(days=1))


_STATUS: dict[Status, Callable[[dt.date], str]] = {
    Status.UNKNOWN: lambda on: f"(@{KEYS_FIELD} sunk)",
    Status.REFUSED: lambda on: f"(@{KEYS_FIELD} skno sref -sreg)",
    Status.WITHDRAWN: lambda on: f"(@{KEYS_FIELD} skno swd -sreg -sref)",
    Status.PENDING: lambda on: f"(@{KEYS_FIELD} skno -sreg -sref -swd)",
    Status.CEASED: lambda on: f"((@{KEYS_FIELD} sreg) {_dates('sdi', None, on)})",
    Status.EXPIRED: lambda on: (
        f"((@{KEYS_FIELD} sreg) ({_keys(['sdinone'])} | "
        f"{_dates('sdi', on + dt.timedelta(days=1), None)}) "
        f"{_dates('sex', None, on - dt.timedelta(days=1))})"),
    Status.GRACE: lambda on: f"({_standing(on)} {_overdue(on)} {_dates('sge', on, None)})",
    Status.LAPSE_PRESUMED: lambda on: (
        f"({_standing(on)} {_overdue(on)} {_dates('sge', None, on - dt.timedelta(days=1))})"),
    Status.IN_FORCE: lambda on: f"({_standing(on)} -{_overdue(on)})",
}


def status(value: q.Code, on: dt.date) -> str:
    """The cases whose status on `on` is `value` (or starts with it): the rules of
    store/repositories/case_summaries.py `status_condition` over the status words."""
    wanted = [s for s in Status
              if (s.value.startswith(value.code) if value.prefix else s.value == value.code)]
    return _any([_STATUS[s](on) for s in wanted])


def tree_expression(tree: q.Node, expressions: dict[q.Atom, str]) -> str:
    """The whole query: AND as juxtaposition, OR as `|`, AND-NOT as `-`; every
    sub-expression has a positive part, which sphinx needs."""
    if isinstance(tree, q.Atom):
        return expressions[tree]
    left = tree_expression(tree.left, expressions)
    right = tree_expression(tree.right, expressions)
    if isinstance(tree, q.And):
        return f"({left} {right})"
    if isinstance(tree, q.Or):
        return f"({left} | {right})"
    return f"({left} -{right})"
