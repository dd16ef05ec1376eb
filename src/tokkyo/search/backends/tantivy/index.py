"""The tantivy backend: an index folder under the data folder, written by one process at a
time (tantivy's own writer lock), read by any number of processes.

A search sees the index as of its last commit: every search checks whether the index's
`meta.json` changed since the reader last loaded it and reloads first, so a document is
found in every `tokkyo serve` process from the first search after its commit, and never
half a write (a write is one tantivy commit).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
import tantivy

from tokkyo.errors import TokkyoError
from tokkyo.model.jst import japan_day
from tokkyo.search import query as q
from tokkyo.search.backends.base import SORTS, Found
from tokkyo.search.backends.tantivy.compiler import Compiler, Regexes
from tokkyo.search.backends.tantivy.schema import (
    VERSION,
    build_schema,
    case_of_number_key,
    to_document,
)
from tokkyo.search.backends.tantivy.texts import TextQueries
from tokkyo.search.documents import CaseDocument
from tokkyo.search.variants import Folds

#: How long a write waits for another process's writer to finish before giving up.
WRITER_WAIT_S = 60.0
#: A reindex's writer: memory per indexing thread (a segment is flushed when it is full:
#: more memory, fewer and larger segments, fewer merges), and documents between two
#: commits (what a reindex stopped midway keeps; each commit waits for the threads).
BULK_HEAP_MB = 256
BULK_THREADS = 4
BULK_COMMIT = 200_000
_ID_MASK = 0xFFFFFFFF


def _text_atoms(node: q.Node) -> list[tuple[str, q.Text]]:
    """(field, value) of the text atoms of a query tree (those on the right of an AND-NOT
    left out)."""
    if isinstance(node, q.Atom):
        return [(node.field, node.value)] if isinstance(node.value, q.Text) else []
    if isinstance(node, q.AndNot):
        return _text_atoms(node.left)
    return _text_atoms(node.left) + _text_atoms(node.right)


class IndexBusy(TokkyoError):
    """Another process holds the index's writer (a retry later can succeed)."""


class TantivyBackend:
    name = "tantivy"

    def __init__(self, folder: Path, *, heap_mb: int = 128, threads: int = 1,
                 writer_wait: float = WRITER_WAIT_S) -> None:
        self.path = folder / f"tantivy-v{VERSION}"
        self.path.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        self.heap = heap_mb * 1_000_000
        self.threads = threads
        self.writer_wait = writer_wait
        self._loaded = self._stamp()
        self._reload_lock = threading.Lock()
        self.regexes = Regexes(self.schema)

    # --- reading --------------------------------------------------------------------

    def _stamp(self) -> int:
        try:
            return os.stat(self.path / "meta.json").st_mtime_ns
        except FileNotFoundError:
            return 0

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit (reloaded when another process committed)."""
        stamp = self._stamp()
        if stamp != self._loaded:
            with self._reload_lock:
                self.index.reload()
                self._loaded = stamp
        return self.index.searcher()

    def search(self, conn: sa.Connection, tree: q.Node, *, law: str = "all",
               folds: Folds | None = None, sort: str = "relevance", offset: int = 0,
               limit: int = 50, on: dt.date | None = None) -> Found:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        searcher = self.searcher()
        texts = TextQueries(self.schema, folds or Folds(), conn,
                            lambda query: self._all_ids(searcher, query))
        compiler = Compiler(self.schema, texts, on or japan_day(), self.regexes)
        query = compiler.with_law(compiler.tree(tree), law)
        wanted = max(limit, 1)
        if sort == "relevance":
            result = searcher.search(query, wanted, count=True, offset=offset)
            ids = [searcher.doc(address)["id"][0] for _score, address in result.hits]
        elif sort == "number":
            result = searcher.search(query, wanted, count=True, order_by_field="sort_number",
                                     offset=offset, order=tantivy.Order.Asc)
            ids = [case_of_number_key(key) for key, _ in result.hits]
        else:
            field = "sort_date" if sort == "date" else "sort_filing"
            result = searcher.search(query, wanted, count=True, order_by_field=field,
                                     offset=offset, order=tantivy.Order.Desc)
            ids = [key & _ID_MASK for key, _ in result.hits]
        counted = getattr(result, "count", None)      # not in tantivy-py's type stubs
        total = counted if counted is not None else len(ids)
        page = ids[:limit] if limit > 0 else []
        translated = (self._in_translations(searcher, texts, tree, page)
                      if texts.folds.scope != "original" else [])
        return Found(total, page, sort, offset, limit, translated=translated)

    def _in_translations(self, searcher: tantivy.Searcher, texts: TextQueries,
                         tree: q.Node, page: list[int]) -> list[int]:
        """The cases of `page` where one of the query's text atoms matches in a stored
        translation (marked "machine translation" on the result list)."""
        atoms = _text_atoms(tree)
        if not page or not atoms:
            return []
        in_translations = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, texts.atom(field, value, "translation-only"))
             for field, value in atoms])
        # whether any translation matches at all first: a few postings read (none in
        # an index without translations), where a set of ids costs a walk of the id
        # field (0.5 ms at 10 k documents, as much as the search itself)
        if not getattr(searcher.search(in_translations, 1, count=True), "count", 0):
            return []
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "id", page)),
            (tantivy.Occur.Must, in_translations)])
        result = searcher.search(query, len(page), count=False, order_by_field="sort_date")
        found = {key & _ID_MASK for key, _ in result.hits}
        return [i for i in page if i in found]

    def _all_ids(self, searcher: tantivy.Searcher, query: tantivy.Query) -> list[int]:
        """Every case a query matches, ascending (the candidates of a verified atom)."""
        total = getattr(searcher.search(query, 1, count=True), "count", 0) or 0
        if not total:
            return []
        result = searcher.search(query, total, count=False, order_by_field="sort_date")
        return sorted(key & _ID_MASK for key, _ in result.hits)

    def count(self) -> int:
        return int(self.searcher().num_docs)

    def digests(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        searcher = self.searcher()
        query = tantivy.Query.term_set_query(self.schema, "id", list(ids))
        result = searcher.search(query, len(ids), count=False)
        out = {}
        for _score, address in result.hits:
            doc = searcher.doc(address)
            out[doc["id"][0]] = doc["digest"][0]
        return out

    def ids(self) -> list[int]:
        return self._all_ids(self.searcher(), tantivy.Query.all_query())

    def check(self) -> None:
        self.searcher()

    # --- writing --------------------------------------------------------------------

    @contextmanager
    def _writer(self, heap: int | None = None, threads: int | None = None
                ) -> Iterator[tantivy.IndexWriter]:
        deadline = time.monotonic() + self.writer_wait
        while True:
            try:
                writer = self.index.writer(heap or self.heap, threads or self.threads)
                break
            except ValueError as exc:          # LockBusy: another process is writing
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise IndexBusy(f"the search index at {self.path} is being written by "
                                    f"another process ({exc})") from exc
                time.sleep(0.2)
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    def write(self, documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
        if not documents and not removed:
            return
        with self._writer() as writer:
            self._replace(writer, documents, removed)
            writer.commit()
        self._refresh()

    def _replace(self, writer: tantivy.IndexWriter, documents: Sequence[CaseDocument],
                 removed: Sequence[int]) -> None:
        # by query: a delete by term does not find unsigned values (tantivy-py 0.27); a
        # delete reaches only documents added before it, so not those added just after
        writer.delete_documents_by_query(tantivy.Query.term_set_query(
            self.schema, "id", [*removed, *(d.id for d in documents)]))
        for doc in documents:
            writer.add_document(to_document(doc))

    @contextmanager
    def bulk(self) -> Iterator[Callable[[Sequence[CaseDocument]], None]]:
        """One writer for a whole reindex, with a thread per CPU (up to `BULK_THREADS`)
        indexing while Python builds the next documents, and a commit every
        `BULK_COMMIT` documents and at the end, instead of a writer and a commit per
        chunk (each commit waits for the threads and writes a segment per thread)."""
        threads = max(self.threads, min(BULK_THREADS, os.cpu_count() or 1))
        heap = max(self.heap, BULK_HEAP_MB * 1_000_000 * threads)
        with self._writer(heap, threads) as writer:
            pending = 0

            def add(documents: Sequence[CaseDocument]) -> None:
                nonlocal pending
                if not documents:
                    return
                self._replace(writer, documents, [])
                pending += len(documents)
                if pending >= BULK_COMMIT:
                    writer.commit()
                    pending = 0

            yield add
            writer.commit()
        self._refresh()

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()
            writer.commit()
        self._refresh()

    def _refresh(self) -> None:
        with self._reload_lock:
            self.index.reload()
            self._loaded = self._stamp()

    def close(self) -> None:
        """Nothing to release: readers hold no lock, writers are dropped after each write."""

