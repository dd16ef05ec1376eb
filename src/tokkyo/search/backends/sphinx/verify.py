"""The atoms the index only narrows, decided for each candidate case: proximity on the
store's normalised texts and stored translations (proximity.py `near`, with the query's
folds), wildcard marks by their pattern's `fullmatch` on the stored marks, F-term sets
by the one-to-one pairing of search/semantics.py on the stored F-terms."""

from __future__ import annotations

import json
from collections.abc import Mapping

import sqlalchemy as sa

from tokkyo.search import documents
from tokkyo.search import query as q
from tokkyo.search.backends.sphinx.compiler import scoped_fields
from tokkyo.search.backends.sphinx.writer import units_of
from tokkyo.search.normalize import normalise_field
from tokkyo.search.proximity import near
from tokkyo.search.semantics import pairing
from tokkyo.search.variants import Folds, fold

#: Candidates read from the store at a time for a proximity atom.
CHUNK = 500


def proximity(conn: sa.Connection, atom: q.Atom, folds: Folds, ids: list[int],
              scope: str | None = None) -> set[int]:
    """The candidate cases with a text unit of the atom's fields (originals, stored
    translations or both, as `scope`, default the folds', says) holding its parts linked
    as its gaps say."""
    assert isinstance(atom.value, q.Text)
    value = atom.value
    gaps = [(g.distance, g.ordered) for g in value.gaps]
    names = scoped_fields(atom.field, scope or folds.scope)
    parts = {n: [fold(normalise_field(n, p), folds) for p in value.parts] for n in names}
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        docs, _ = documents.build(conn, ids[start:start + CHUNK])
        for doc in docs:
            if any(near(fold(unit, folds), parts[n], gaps)
                   for n in names for unit in units_of(doc, n)):
                found.add(doc.id)
    return found


def marks(value: q.Mark, stored: Mapping[int, str]) -> set[int]:
    """The cases one of whose marks (stored as JSON) the pattern matches whole."""
    pattern = value.regex()
    return {case_id for case_id, text in stored.items()
            if any(pattern.fullmatch(m) for m in json.loads(text or "[]"))}


def fterm_set(value: q.FtermSet, stored: Mapping[int, str]) -> set[int]:
    """The cases whose F-terms (stored space-separated) pair the set's terms one to one
    with its additional codes."""
    stems = [value.theme + t for t in value.terms]
    return {case_id for case_id, text in stored.items()
            if pairing(stems, value.additionals, set(text.split()))}
