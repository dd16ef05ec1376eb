"""Case documents as rows of the shards' real-time indexes, and writing them: each case
to the shard its id hashes to, on every copy of that shard (the copies written at once,
one connection each), as multi-row REPLACE statements of at most BATCH_ROWS documents,
each its own transaction, then a DELETE of the removed cases.

Why small statements and not one transaction per copy: searchd builds a transaction's
documents into one segment, and its cost grows faster than the documents do (the
dictionary of character pairs, tokens.py, is large): measured on the same prepared rows,
3,000 documents in one transaction went in at a third of the rate of 100 at a time
(bench/RESULTS.md, 2026-12-07). A search therefore sees each document whole, the old or
the new one (the swap of a case's stored translation is per document), and a large write
lands in steps of up to BATCH_ROWS documents per copy.

A copy that cannot be written fails the whole write with a SphinxError naming it: the
caller (the index worker) keeps the work and retries, and REPLACE makes the retry
harmless for the copies and statements that already took it. A write spanning shards is
not atomic across them (searchd has no distributed transaction), and until the retry
succeeds the copies that took it answer newer than the one that did not.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pymysql

from tokkyo.search.backends.sphinx import tokens
from tokkyo.search.backends.sphinx.cluster import (
    Connections,
    Index,
    SphinxError,
    reason,
    shard_of,
)
from tokkyo.search.backends.sphinx.schema import (
    ATTRIBUTES,
    LAWS,
    MARKS_FIELD,
    PAIR_FIELDS,
    TEXT_FIELDS,
)
from tokkyo.search.documents import CaseDocument, StatusFacts, digest

COLUMNS = ("id", *TEXT_FIELDS.values(), *PAIR_FIELDS.values(), MARKS_FIELD, "k",
           *(name for name, _ in ATTRIBUTES))
#: The date kinds of the case's dates (AD, PD, RD) and of its status facts.
DATE_KINDS = {"AD": "dad", "PD": "dpd", "RD": "drd"}
STATUS_DATES = ("sdi", "sex", "sna", "sge")   # disappearance, expiry, next annuity, grace end
#: Bytes of row text sent in one statement (schema.py sets searchd's max_packet_size to
#: 128 MB; 8 MB is the default of a searchd configured otherwise).
BATCH_BYTES = 2_000_000
#: Documents in one statement and transaction (see the module's docstring).
BATCH_ROWS = 100


def day_number(day: dt.date | None) -> int:
    """A date as the YYYYMMDD integer the sort attributes hold (0: none, sorted last)."""
    return 0 if day is None else day.year * 10000 + day.month * 100 + day.day


def status_words(facts: StatusFacts | None) -> list[str]:
    """The words of the status facts (compiler.py `status` reads them)."""
    if facts is None:
        return []
    if not facts.known:
        return ["sunk"]
    words = ["skno"]
    words += [w for w, on in (("sreg", facts.registered), ("sref", facts.refused),
                              ("swd", facts.withdrawn)) if on]
    for kind, day in zip(STATUS_DATES, (facts.disappearance_date, facts.expire_date,
                                        facts.next_annuity_date, facts.grace_end),
                         strict=True):
        words += tokens.date_words(kind, day) if day is not None else [f"{kind}none"]
    return words


def key_words(doc: CaseDocument) -> list[str]:
    """Every word of the keys field: codes, numbers, dates, status facts, and EVERY."""
    words = [tokens.EVERY]
    for kind, codes in doc.codes.items():
        if kind in tokens.CODE_KINDS:
            words += [tokens.code_word(kind, c) for c in codes]
    words += [tokens.code_word("fta", t) for c in doc.codes.get("fterm", ())
              if (t := tokens.turned(c)) is not None]
    words += [tokens.number_word(term) for term in doc.numbers]
    for code, days in doc.dates.items():
        for day in days:
            words += tokens.date_words(DATE_KINDS[code], day)
    return words + status_words(doc.status)


def units_of(doc: CaseDocument, key: str) -> list[str]:
    """The document's units of a text field key: an original field's (`TI`) or its
    stored translations' (`TI_ja`)."""
    return doc.texts.get(key, []) if key in doc.texts else doc.translated.get(key, [])


def row(doc: CaseDocument) -> tuple[Any, ...]:
    """The values of COLUMNS for one document."""
    words = [tokens.units_words(units_of(doc, key)) for key in TEXT_FIELDS]
    texts = [text for text, _ in words] + [pairs for _, pairs in words]
    law = LAWS.index(doc.law) + 1 if doc.law in LAWS else 0
    return (doc.id, *texts, tokens.marks_text(doc.marks), " ".join(dict.fromkeys(key_words(doc))),
            law, day_number(doc.published), day_number(doc.filed), doc.application_number,
            json.dumps(doc.marks, ensure_ascii=False), " ".join(doc.codes.get("fterm", ())),
            digest(doc))


def write(connections: Connections, shards: Sequence[Index],
          documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
    """Replace `documents` and delete `removed` on every copy of their shards.

    Each copy is written by a thread of its own, statement after statement, while this
    thread makes the next statements' rows: searchd indexes (on its own threads, one per
    connection) while Python prepares, and the copies are indexed at once."""
    gone: dict[int, list[int]] = {}
    for case_id in removed:
        gone.setdefault(shard_of(case_id, len(shards)), []).append(case_id)
    copies = [_Copy(connections, shard, node) for shard in shards for node in shard.nodes]
    by_shard = {n: [c for c in copies if c.shard is shard] for n, shard in enumerate(shards)}
    try:
        pending: dict[int, list[tuple[Any, ...]]] = {}
        sizes: dict[int, int] = {}
        for doc in documents:
            n = shard_of(doc.id, len(shards))
            values = row(doc)
            pending.setdefault(n, []).append(values)
            sizes[n] = sizes.get(n, 0) + _length(values)
            if len(pending[n]) >= BATCH_ROWS or sizes[n] >= BATCH_BYTES:
                for copy in by_shard[n]:
                    copy.replace(pending[n])
                pending[n], sizes[n] = [], 0
        for n, batch in pending.items():
            for copy in by_shard[n]:
                if batch:
                    copy.replace(batch)
        for n, ids in gone.items():
            for copy in by_shard[n]:
                copy.delete(ids)
    finally:
        failures = [failure for copy in copies if (failure := copy.finish()) is not None]
    if failures:
        raise failures[0]


def _length(values: tuple[Any, ...]) -> int:
    return sum(len(v) for v in values if isinstance(v, str))


class _Copy:
    """The statements for one shard copy, sent in order by one thread (created on the
    first statement); after a failure the rest are skipped and the failure is kept."""

    def __init__(self, connections: Connections, shard: Index, node: Any) -> None:
        self.connections = connections
        self.shard = shard
        self.node = node
        self.failure: Exception | None = None
        self._pool: ThreadPoolExecutor | None = None

    def _submit(self, sql: str, args: list[Any] | None) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1,
                                            thread_name_prefix="tokkyo-sphinx-write")
        self._pool.submit(self._execute, sql, args)

    def replace(self, batch: list[tuple[Any, ...]]) -> None:
        one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
        self._submit(f"REPLACE INTO {self.shard.name} ({', '.join(COLUMNS)}) VALUES "
                     + ", ".join([one] * len(batch)), [v for values in batch for v in values])

    def delete(self, ids: list[int]) -> None:
        self._submit(f"DELETE FROM {self.shard.name} WHERE id IN ("
                     + ", ".join(str(int(i)) for i in ids) + ")", None)

    def _execute(self, sql: str, args: list[Any] | None) -> None:
        if self.failure is not None:
            return
        try:
            with self.connections.cursor(self.node) as cur:
                cur.execute(sql, args)
        except pymysql.MySQLError as exc:
            self.failure = SphinxError(f"sphinx shard {self.shard.name} at {self.node} was "
                                       f"not written: {reason(exc)}")
            self.failure.__cause__ = exc
        except Exception as exc:         # not the cluster's: raised as it is, not lost
            self.failure = exc

    def finish(self) -> Exception | None:
        """Wait for every statement sent; the failure, if one failed."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        return self.failure

