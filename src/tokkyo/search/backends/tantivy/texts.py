"""Text atoms as tantivy queries: substrings as phrases of bigrams, proximity as phrases
with the terms' offsets, verified against the store where offsets cannot say it exactly.

The semantics (search/semantics.py, the recorded oracle's): a term matches a
unit holding one of its spellings under the query's folds (`variants.expand`); a
proximity atom matches a unit holding every part, linked as the gaps say (`proximity.near`,
counted on the text with the folds applied).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
import tantivy

from tokkyo.model.text_fields import NAME_FIELDS
from tokkyo.search import query as q
from tokkyo.search.backends.tantivy.schema import GAP, bigram_field, term, unigram_field
from tokkyo.search.documents import (
    CaseDocument,
    build,
    scoped,
)
from tokkyo.search.normalize import normalise_name, normalise_text
from tokkyo.search.proximity import near
from tokkyo.search.semantics import TEXT_FIELDS, WEIGHTS
from tokkyo.search.variants import Folds, expand, fold

#: Phrases one proximity atom may expand to per field before it is verified instead.
MAX_PHRASES = 512
_RUST_META = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~])")

Ids = Callable[[tantivy.Query], list[int]]


def fields_of(field_code: str) -> tuple[str, ...]:
    """The document's text fields a text atom of `field_code` reads."""
    spec = TEXT_FIELDS[field_code]
    extra = {"reading": ("CN",), "goods": ("GS",)}.get(spec.case, ())
    return (*spec.units, *extra)


def base_code(key: str) -> str:
    """The field code of an index text field key (`TI_ja` → `TI`)."""
    return key.split("_", 1)[0]


def units_of(doc: CaseDocument, key: str) -> list[str]:
    """The document's units of an index text field key (original or translation)."""
    return doc.texts.get(key, []) if key in doc.texts else doc.translated.get(key, [])


def normalise(field_code: str, text: str) -> str:
    return normalise_name(text) if field_code in NAME_FIELDS else normalise_text(text)


def rust_escape(text: str) -> str:
    """`text` as a literal in the regular expressions tantivy reads (Rust's syntax)."""
    return _RUST_META.sub(r"\\\1", text)


def bigrams(text: str) -> list[str]:
    return [term(text[i:i + 2]) for i in range(len(text) - 1)]


def substring(schema: tantivy.Schema, field_code: str, needle: str) -> tantivy.Query:
    """Units of `field_code` containing the normalised `needle`."""
    if len(needle) == 1:
        return tantivy.Query.term_query(schema, unigram_field(field_code), term(needle))
    grams: list[str | tuple[int, str]] = list(bigrams(needle))
    if len(grams) == 1:
        return tantivy.Query.term_query(schema, bigram_field(field_code), grams[0])
    return tantivy.Query.phrase_query(schema, bigram_field(field_code), grams)


def any_of(queries: Sequence[tantivy.Query]) -> tantivy.Query:
    if not queries:
        return tantivy.Query.empty_query()
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, x) for x in queries])


class TextQueries:
    """Compiles the text atoms of one search."""

    def __init__(self, schema: tantivy.Schema, folds: Folds, conn: sa.Connection,
                 ids: Ids) -> None:
        self.schema = schema
        self.folds = folds
        self.conn = conn
        self.ids = ids                     # the case ids a query matches (for verifying)
        #: (a name field, part) -> its spellings: an atom reads up to 20 fields, and
        #: the part is normalised and expanded once, not once per field
        self._spellings: dict[tuple[bool, str], list[str]] = {}
        #: (parts, links) -> their placements (`_placements`), the same for every field
        #: of one normalisation
        self._placed: dict[tuple[tuple[str, ...], tuple[tuple[int, bool], ...]],
                           list[list[tuple[int, str, bool]]] | None] = {}

    def atom(self, field_code: str, value: q.Text, scope: str | None = None
             ) -> tantivy.Query:
        """The atom over the fields its field code reads, originals and stored
        translations as `scope` (default: the query's) says."""
        fields = scoped(fields_of(field_code), scope or self.folds.scope)
        if not value.gaps:
            return any_of([self._weighted(f, self._term(f, value.parts[0])) for f in fields])
        exact = None if any((self.folds.kana, self.folds.long_vowel, self.folds.vu)) else \
            self._near_phrases(fields, value)
        if exact is not None:
            return exact
        return self._verified(fields, value)

    def _weighted(self, field_code: str, query: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boost_query(query, float(WEIGHTS.get(base_code(field_code), 1)))

    def _term(self, field_code: str, part: str) -> tantivy.Query:
        key = (field_code in NAME_FIELDS, part)
        spellings = self._spellings.get(key)
        if spellings is None:
            spellings = self._spellings[key] = [
                s for s in expand(normalise(field_code, part), self.folds) if s]
        return any_of([substring(self.schema, field_code, s) for s in spellings])

    # --- proximity ------------------------------------------------------------------

    def _near_phrases(self, fields: Sequence[str], value: q.Text) -> tantivy.Query | None:
        """Every placement of the parts that the gaps allow, as phrases with offsets;
        None when a link allows `GAP` characters or more (a phrase could then reach
        across two units) or the placements are too many."""
        if any(g.distance >= GAP for g in value.gaps):
            return None
        found = []
        for field_code in fields:
            parts = [normalise(field_code, p) for p in value.parts]
            if not all(parts):
                continue
            key = (tuple(parts), tuple((g.distance, g.ordered) for g in value.gaps))
            if key not in self._placed:
                self._placed[key] = _placements(*key)
            phrases = self._placed[key]
            if phrases is None:
                return None
            queries = [self._phrase(field_code, tokens) for tokens in phrases]
            found.append(self._weighted(field_code, any_of([x for x in queries
                                                             if x is not None])))
        return any_of(found)

    def _phrase(self, field_code: str, tokens: list[tuple[int, str, bool]]
                ) -> tantivy.Query | None:
        """A phrase of (offset, token, is a pattern) tokens; patterns (`c.`: any bigram
        starting with a one-character part) make it a regex phrase."""
        name = bigram_field(field_code)
        if len(tokens) == 1:
            _offset, token, pattern = tokens[0]
            return (tantivy.Query.regex_query(self.schema, name, token) if pattern
                    else tantivy.Query.term_query(self.schema, name, token))
        if any(pattern for _, _, pattern in tokens):
            words: list[str | tuple[int, str]] = [
                (offset, token if pattern else rust_escape(token))
                for offset, token, pattern in tokens]
            return tantivy.Query.regex_phrase_query(self.schema, name, words)
        placed: list[str | tuple[int, str]] = [(offset, token) for offset, token, _ in tokens]
        return tantivy.Query.phrase_query(self.schema, name, placed)

    def _verified(self, fields: Sequence[str], value: q.Text) -> tantivy.Query:
        """Cases holding every part (any spelling) in some field, their units then
        checked with `near` on folded text."""
        candidates = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, any_of([self._term(f, p) for f in fields]))
            for p in value.parts])
        ids = self.ids(candidates)
        gaps = [(g.distance, g.ordered) for g in value.gaps]
        matched: list[int] = []
        for start in range(0, len(ids), 500):
            docs, _ = build(self.conn, ids[start:start + 500])
            for doc in docs:
                if any(self._unit_matches(f, unit, value.parts, gaps)
                       for f in fields for unit in units_of(doc, f)):
                    matched.append(doc.id)
        return tantivy.Query.term_set_query(self.schema, "id", matched)

    def _unit_matches(self, field_code: str, unit: str, parts: Sequence[str],
                      gaps: Sequence[tuple[int, bool]]) -> bool:
        needles = [normalise(field_code, p) for p in parts]
        if not all(any(s and s in unit for s in expand(n, self.folds)) for n in needles):
            return False
        return near(fold(unit, self.folds), [fold(n, self.folds) for n in needles], gaps)


def _placements(parts: Sequence[str], gaps: Sequence[tuple[int, bool]]
                ) -> list[list[tuple[int, str, bool]]] | None:
    """The token lists, (offset, token, is a pattern), of every placement of `parts`
    that the links allow, in the bigram positions (one per character); None past
    MAX_PHRASES."""
    choices = []
    for distance, ordered in gaps:
        steps = [(True, g) for g in range(distance + 1)]
        if not ordered:
            steps += [(False, g) for g in range(distance + 1)]
        choices.append(steps)
    total = 1
    for steps in choices:
        total *= len(steps)
    if total > MAX_PHRASES:
        return None
    out = []
    for combo in itertools.product(*choices):
        starts = [0]
        for k, (after, g) in enumerate(combo):
            if after:
                starts.append(starts[k] + len(parts[k]) + g)
            else:
                starts.append(starts[k] - len(parts[k + 1]) - g)
        tokens = _tokens(parts, starts)
        if tokens is not None and tokens not in out:
            out.append(tokens)
    return out


def _tokens(parts: Sequence[str], starts: Sequence[int]) -> list[tuple[int, str, bool]] | None:
    """The tokens of one placement, offsets from 0; None when two parts need different
    bigrams at one position (no text has both)."""
    at: dict[int, tuple[str, bool]] = {}
    low = min(starts)
    for part, start in zip(parts, starts, strict=True):
        if len(part) == 1:
            wanted = [(start - low, rust_escape(term(part)) + ".", True)]
        else:
            wanted = [(start - low + i, gram, False) for i, gram in enumerate(bigrams(part))]
        for offset, token, pattern in wanted:
            have = at.get(offset)
            if have is None:
                at[offset] = (token, pattern)
                continue
            merged = _merge(have, (token, pattern))
            if merged is None:
                return None
            at[offset] = merged
    return [(offset, token, pattern) for offset, (token, pattern) in sorted(at.items())]


def _merge(a: tuple[str, bool], b: tuple[str, bool]) -> tuple[str, bool] | None:
    """One token standing for two at the same position, or None when none can."""
    if a == b:
        return a
    (ta, pa), (tb, pb) = a, b
    if pa and pb:
        return None                               # two different first characters
    if pa or pb:
        pattern, literal = (ta, tb) if pa else (tb, ta)
        return (literal, False) if re.fullmatch(pattern, literal, re.S) else None
    return None
