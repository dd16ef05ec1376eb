"""The `sphinx` search backend: a cluster of searchd nodes (Sphinx 2.2 here; Manticore
Search, its maintained fork, in production, untested) holding one document per case in
real-time shards, read through a distributed index.

A search is one full-text expression over the case documents (compiler.py), read with
its exact hit count (`total_found`) and one page in the order asked for. Atoms the index
only narrows (proximity, wildcard marks, F-term sets) are decided for their candidates
first (verify.py). One the whole query ANDs or AND-NOTs becomes a filter on the ids it
matches; one under an OR stays in the expression as its candidates, and the candidates
that failed, the only cases that expression can be wrong about, are left out of its hits
and decided atom by atom instead, then merged into the page by the same order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import pymysql
import sqlalchemy as sa

from tokkyo.errors import ConfigError
from tokkyo.model.jst import japan_day
from tokkyo.search import query as q
from tokkyo.search.backends.base import SORTS, Found, SearchBackend
from tokkyo.search.backends.sphinx import verify, writer
from tokkyo.search.backends.sphinx.cluster import (
    Connections,
    Index,
    SphinxError,
    parse_index,
    parse_indexes,
    reason,
)
from tokkyo.search.backends.sphinx.compiler import (
    NOTHING,
    Compiled,
    QueryCompiler,
    tree_expression,
)
from tokkyo.search.backends.sphinx.schema import KEYS_FIELD, LAWS, PAIR_FIELDS, TEXT_FIELDS
from tokkyo.search.backends.sphinx.tokens import EVERY
from tokkyo.search.documents import TRANSLATED_FIELDS, TRANSLATION_LANGUAGES, CaseDocument
from tokkyo.search.semantics import LAW_GROUPS, WEIGHTS
from tokkyo.search.variants import Folds
from tokkyo.store.repositories import stored_translations

_ORDER = {"relevance": "WEIGHT() DESC, published DESC, id DESC",
          "date": "published DESC, id DESC", "filing": "filed DESC, id DESC",
          "number": "appno ASC, id DESC"}
#: The expression of every case (what a query of filters and negations stands on).
EVERYTHING = f"(@{KEYS_FIELD} {EVERY})"
#: tokkyo's weights per field, a translation weighing as its original (`TI_ja` as `TI`).
_FIELD_WEIGHTS = ", ".join(f"{column}={WEIGHTS[key.split('_')[0]]}"
                           for fields in (TEXT_FIELDS, PAIR_FIELDS)
                           for key, column in fields.items() if key.split("_")[0] in WEIGHTS)
#: Pauses before a partial answer is asked again (searchd pings its mirrors every 100 ms).
_PARTIAL_RETRIES = (0.05, 0.1, 0.2, 0.4, 0.8)
#: Ids read per statement when a whole set is needed (candidates, digests).
_CHUNK = 5000


class ClusterSettings(Protocol):
    """What the backend reads of tokkyo's settings (config.Settings)."""

    @property
    def sphinx_shards(self) -> str: ...

    @property
    def sphinx_read(self) -> str: ...


@dataclass(frozen=True, slots=True)
class _Hit:
    id: int
    weight: int
    published: int
    filed: int
    appno: str


def _key(sort: str) -> Any:
    if sort == "relevance":
        return lambda h: (-h.weight, -h.published, -h.id)
    if sort == "date":
        return lambda h: (-h.published, -h.id)
    if sort == "filing":
        return lambda h: (-h.filed, -h.id)
    return lambda h: (h.appno, -h.id)


def _conjuncts(tree: q.Node, wanted: bool = True) -> list[tuple[q.Node, bool]]:
    """The parts the whole query ANDs (True) and AND-NOTs (False)."""
    if isinstance(tree, q.And) and wanted:
        return _conjuncts(tree.left) + _conjuncts(tree.right)
    if isinstance(tree, q.AndNot) and wanted:
        return [*_conjuncts(tree.left), (tree.right, False)]
    return [(tree, wanted)]


def _text_atoms(node: q.Node) -> list[q.Atom]:
    """The text atoms of a query tree (those on the right of an AND-NOT left out)."""
    if isinstance(node, q.Atom):
        return [node] if isinstance(node.value, q.Text) else []
    if isinstance(node, q.AndNot):
        return _text_atoms(node.left)
    return _text_atoms(node.left) + _text_atoms(node.right)


def _ids(values: Iterable[int]) -> str:
    return ", ".join(str(int(v)) for v in sorted(values))


class SphinxBackend:
    """The SearchBackend over a sphinx cluster: `shards` (each a real-time index and its
    copies) take the writes, `reader` (a distributed index and the nodes serving it, tried
    in order) answers the reads."""

    name = "sphinx"

    def __init__(self, shards: Sequence[Index], reader: Index,
                 connections: Connections | None = None) -> None:
        if not shards:
            raise ValueError("a sphinx cluster needs at least one shard")
        self.shards = tuple(shards)
        self.reader = reader
        self.connections = connections or Connections()

    @classmethod
    def from_text(cls, shards: str, reader: str) -> SphinxBackend:
        """From the settings' text (TOKKYO_SPHINX_SHARDS, TOKKYO_SPHINX_READ)."""
        return cls(parse_indexes(shards), parse_index(reader))

    @classmethod
    def from_settings(cls, settings: ClusterSettings) -> SphinxBackend:
        """The cluster the settings name; ConfigError when they name none."""
        missing = [name for name, value in (("TOKKYO_SPHINX_SHARDS", settings.sphinx_shards),
                                            ("TOKKYO_SPHINX_READ", settings.sphinx_read))
                   if not value]
        if missing:
            raise ConfigError(f"the sphinx search backend needs {' and '.join(missing)}")
        return cls.from_text(settings.sphinx_shards, settings.sphinx_read)

    # --- reading ---------------------------------------------------------------------

    def _read(self, sql: str, args: Sequence[Any] = ()) -> tuple[list[tuple[Any, ...]], int]:
        """Rows and total_found of one statement on the distributed index, from the first
        reader that answers; SphinxError when none does, or when an agent failed and its
        shard had no live mirror (a partial answer would give wrong counts). A mirror that
        just died is noticed by searchd within its ping interval: a partial answer is
        asked again a few times before it counts as a failure."""
        failures: list[str] = []
        for delay in (*_PARTIAL_RETRIES, None):
            for node in self.reader.nodes:
                try:
                    with self.connections.cursor(node) as cur:
                        cur.execute(sql, tuple(args) or None)
                        rows = list(cur.fetchall())
                        cur.execute("SHOW META")
                        meta = {str(k): str(v) for k, v in cur.fetchall()}
                except pymysql.OperationalError as exc:
                    failures.append(f"{node}: {reason(exc)}")
                    continue
                except pymysql.MySQLError as exc:
                    if "agent" not in reason(exc):     # not a shard's failure: no retry
                        raise SphinxError(f"sphinx index {self.reader.name} at {node} "
                                          f"refused a search: {reason(exc)}") from exc
                    meta = {"warning": reason(exc)}
                if not meta.get("warning"):
                    return rows, int(meta.get("total_found", len(rows)))
                if delay is None:
                    raise SphinxError(f"sphinx index {self.reader.name} at {node} could "
                                      f"not read every shard: {meta['warning']}")
                break
            else:
                raise SphinxError(f"sphinx index {self.reader.name} cannot be read: "
                                  + "; ".join(failures))
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _every(self, expression: str, columns: str = "id",
               within: set[int] | None = None) -> list[tuple[Any, ...]]:
        """Every case matching `expression` (among `within`), by id, in chunks."""
        found: list[tuple[Any, ...]] = []
        last = 0
        extra = f" AND id IN ({_ids(within)})" if within else ""
        if within is not None and not within:
            return found
        while True:
            rows, _ = self._read(
                f"SELECT {columns} FROM {self.reader.name} WHERE MATCH(%s) AND id > {last}"
                f"{extra} ORDER BY id ASC LIMIT 0, {_CHUNK} OPTION max_matches={_CHUNK}",
                (expression,))
            found += rows
            if len(rows) < _CHUNK:
                return found
            last = int(rows[-1][0])

    def search(self, conn: sa.Connection, tree: q.Node, *, law: str = "all",
               folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
               limit: int = 50, on: dt.date | None = None) -> Found:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if law != "all" and law not in LAW_GROUPS:
            raise ValueError(f"law must be all or one of {', '.join(LAW_GROUPS)}, not {law!r}")
        folds = folds or Folds()
        compiler = QueryCompiler(folds, on or japan_day())
        compiled = {a: compiler.atom(a) for a in dict.fromkeys(q.atoms(tree))}
        decided = {atom: self._decide(conn, atom, c, folds)
                   for atom, c in compiled.items() if c.verify}
        # a decided atom that the whole query ANDs (or AND-NOTs) is an id filter; one
        # inside an OR stays in the expression as its candidates, and its candidates
        # that failed are the doubtful cases, decided apart
        where: list[str] = []
        positive: list[str] = []
        negative: list[str] = []
        filtered: set[q.Atom] = set()
        for node, wanted in _conjuncts(tree):
            if isinstance(node, q.Atom) and node in decided:
                filtered.add(node)
                ids = decided[node][0]
                if wanted and not ids:
                    return Found(0, [], sort, offset, limit)
                if ids:
                    where.append(f"id {'IN' if wanted else 'NOT IN'} ({_ids(ids)})")
                continue
            expression = tree_expression(node, {a: c.expression for a, c in compiled.items()})
            (positive if wanted else negative).append(expression)
        doubtful = {i for atom, (ids, candidates) in decided.items() if atom not in filtered
                    for i in candidates - ids}
        laws = [LAWS.index(x) + 1 for x in LAW_GROUPS.get(law, ())]
        if law != "all":
            where.append(f"law IN ({_ids(laws)})")
        if doubtful:
            where.append(f"id NOT IN ({_ids(doubtful)})")
        expression = " ".join(positive or [EVERYTHING]) + "".join(f" -{e}" for e in negative)
        extras = self._doubtful(tree, compiled, {a: d[0] for a, d in decided.items()},
                                doubtful, laws if law != "all" else None)
        first = offset if not extras else 0
        count = max(limit, 1) + (offset - first)
        rows, total = self._read(
            f"SELECT id, WEIGHT() AS w, published, filed, appno FROM {self.reader.name} "
            f"WHERE MATCH(%s){''.join(' AND ' + w for w in where)} ORDER BY {_ORDER[sort]} "
            f"LIMIT {first}, {count} OPTION max_matches={max(1000, first + count)}, "
            f"field_weights=({_FIELD_WEIGHTS})", (expression,))
        hits = [_Hit(int(r[0]), int(r[1]), int(r[2]), int(r[3]), str(r[4])) for r in rows]
        if extras:
            hits = sorted(hits + extras, key=_key(sort))[offset:]
        page = [h.id for h in hits[:limit]] if limit > 0 else []
        translated = (self._in_translations(conn, tree, folds, compiler.on, page)
                      if folds.scope != "original" else [])
        return Found(total + len(extras), page, sort, offset, limit, translated=translated)

    def _in_translations(self, conn: sa.Connection, tree: q.Node, folds: Folds,
                         on: dt.date, page: list[int]) -> list[int]:
        """The cases of `page` where one of the query's text atoms (those on the right of
        an AND-NOT left out) matches in a stored translation: the result list marks them
        "machine translation", as the tantivy backend's. Only the cases the store holds
        translations of are asked about: the engine evaluates a text atom over its whole
        lists whatever the id filter, which is the cost of a second search, while a page
        of cases none of which is translated (the common case) needs no search at all."""
        atoms = list(dict.fromkeys(_text_atoms(tree)))
        if not page or not atoms:
            return []
        within = stored_translations.translated_cases(
            conn, page, list(TRANSLATED_FIELDS), TRANSLATION_LANGUAGES)
        if not within:
            return []
        compiler = QueryCompiler(folds, on, scope="translation-only")
        exact: list[str] = []
        found: set[int] = set()
        for atom in atoms:
            compiled = compiler.atom(atom)
            if compiled.expression == NOTHING:
                continue
            if not compiled.verify:
                exact.append(compiled.expression)
                continue
            candidates = {int(r[0]) for r in self._every(compiled.expression, within=within)}
            found |= verify.proximity(conn, atom, folds, sorted(candidates),
                                      scope="translation-only")
        if exact:
            found |= {int(r[0]) for r in self._every(
                "(" + " | ".join(exact) + ")" if len(exact) > 1 else exact[0], within=within)}
        return [i for i in page if i in found]

    def _decide(self, conn: sa.Connection, atom: q.Atom, compiled: Compiled,
                folds: Folds) -> tuple[set[int], set[int]]:
        """(the cases the atom matches, its candidates)."""
        rows = self._every(compiled.expression, "id, marks, fterms")
        candidates = {int(r[0]) for r in rows}
        if compiled.verify == "near":
            return verify.proximity(conn, atom, folds, sorted(candidates)), candidates
        if compiled.verify == "mark":
            assert isinstance(atom.value, q.Mark)
            return verify.marks(atom.value, {int(r[0]): str(r[1]) for r in rows}), candidates
        assert isinstance(atom.value, q.FtermSet)
        return verify.fterm_set(atom.value, {int(r[0]): str(r[2]) for r in rows}), candidates

    def _doubtful(self, tree: q.Node, compiled: dict[q.Atom, Compiled],
                  decided: dict[q.Atom, set[int]], doubtful: set[int],
                  laws: list[int] | None) -> list[_Hit]:
        """The doubtful cases the whole tree matches, decided atom by atom, as hits
        (weight 0) of the law filter's laws."""
        if not doubtful:
            return []
        members = {atom: decided[atom] if atom in decided else
                   {int(r[0]) for r in self._every(c.expression, within=doubtful)}
                   for atom, c in compiled.items()}

        def holds(node: q.Node, case_id: int) -> bool:
            if isinstance(node, q.Atom):
                return case_id in members[node]
            left = holds(node.left, case_id)
            if isinstance(node, q.And):
                return left and holds(node.right, case_id)
            if isinstance(node, q.Or):
                return left or holds(node.right, case_id)
            return left and not holds(node.right, case_id)

        matched = {i for i in doubtful if holds(tree, i)}
        if not matched:
            return []
        rows, _ = self._read(
            f"SELECT id, law, published, filed, appno FROM {self.reader.name} "
            f"WHERE id IN ({_ids(matched)}) LIMIT 0, {len(matched)} "
            f"OPTION max_matches={max(len(matched), 1)}")
        return [_Hit(int(r[0]), 0, int(r[2]), int(r[3]), str(r[4])) for r in rows
                if laws is None or int(r[1]) in laws]

    # --- writing and the rest of the interface ----------------------------------------

    def write(self, documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
        writer.write(self.connections, self.shards, documents, removed)

    @contextmanager
    def bulk(self) -> Iterator[Callable[[Sequence[CaseDocument]], None]]:
        """Each call is a write of its own: a real-time index has no commit to put off."""
        yield lambda documents: self.write(documents, [])

    def clear(self) -> None:
        for shard in self.shards:
            for node in shard.nodes:
                try:
                    with self.connections.cursor(node) as cur:
                        cur.execute(f"TRUNCATE RTINDEX {shard.name}")
                except pymysql.MySQLError as exc:
                    raise SphinxError(f"sphinx shard {shard.name} at {node} was not "
                                      f"cleared: {reason(exc)}") from exc

    def count(self) -> int:
        return self._read(f"SELECT id FROM {self.reader.name} LIMIT 0, 1")[1]

    def digests(self, ids: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        unique = sorted(set(ids))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start:start + _CHUNK]
            rows, _ = self._read(
                f"SELECT id, digest FROM {self.reader.name} WHERE id IN ({_ids(chunk)}) "
                f"LIMIT 0, {len(chunk)} OPTION max_matches={len(chunk)}")
            found.update({int(r[0]): str(r[1]) for r in rows})
        return found

    def ids(self) -> list[int]:
        """The case ids of every document, in id order, a chunk at a time."""
        found: list[int] = []
        while True:
            after = found[-1] if found else 0
            rows, _ = self._read(
                f"SELECT id FROM {self.reader.name} WHERE id > {after} ORDER BY id ASC "
                f"LIMIT 0, {_CHUNK} OPTION max_matches={_CHUNK}")
            if not rows:
                return found
            found += [int(r[0]) for r in rows]

    def check(self) -> None:
        self._read(f"SELECT id FROM {self.reader.name} LIMIT 0, 1")

    def close(self) -> None:
        self.connections.close()


if TYPE_CHECKING:     # mypy holds the class to the interface it implements
    def _is_a_backend(backend: SphinxBackend) -> SearchBackend:
        return backend
