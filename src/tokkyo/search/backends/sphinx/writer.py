"""Case documents as rows of the shards' real-time indexes, and writing them: each case
to the shard its id hashes to, on every copy of that shard, in one transaction per copy
(REPLACE INTO the documents, DELETE the removed cases).

A copy that cannot be written fails the whole write with a SphinxError naming it: the
caller (the index worker) keeps the work and retries, and REPLACE makes the retry
harmless for the copies that already took it. A search sees one copy's transaction all
or nothing; a write spanning shards is not atomic across them (searchd has no
distributed transaction), and until the retry succeeds the copies that took it answer
newer than the one that did not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
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
#: Bytes of row text sent in one statement (searchd's max_packet_size is 8 MB).
BATCH_BYTES = 2_000_000


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


def row(doc: CaseDocument) -> tuple[Any, ...]:
    """The values of COLUMNS for one document."""
    texts = [tokens.units_text(doc.texts.get(code, ())) for code in TEXT_FIELDS]
    texts += [tokens.units_pairs(doc.texts.get(code, ())) for code in PAIR_FIELDS]
    law = LAWS.index(doc.law) + 1 if doc.law in LAWS else 0
    return (doc.id, *texts, tokens.marks_text(doc.marks), " ".join(dict.fromkeys(key_words(doc))),
            law, day_number(doc.published), day_number(doc.filed), doc.application_number,
            json.dumps(doc.marks, ensure_ascii=False), " ".join(doc.codes.get("fterm", ())),
            digest(doc))


def write(connections: Connections, shards: Sequence[Index],
          documents: Sequence[CaseDocument], removed: Sequence[int]) -> None:
    """Replace `documents` and delete `removed` on every copy of their shards."""
    rows: dict[int, list[tuple[Any, ...]]] = {}
    gone: dict[int, list[int]] = {}
    for doc in documents:
        rows.setdefault(shard_of(doc.id, len(shards)), []).append(row(doc))
    for case_id in removed:
        gone.setdefault(shard_of(case_id, len(shards)), []).append(case_id)
    for n in sorted(rows.keys() | gone.keys()):
        shard = shards[n]
        for node in shard.nodes:
            try:
                _write_copy(connections, node, shard.name, rows.get(n, []), gone.get(n, []))
            except pymysql.MySQLError as exc:
                raise SphinxError(f"sphinx shard {shard.name} at {node} was not written: "
                                  f"{reason(exc)}") from exc


def _batches(rows: list[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    out: list[list[tuple[Any, ...]]] = [[]]
    size = 0
    for values in rows:
        length = sum(len(v) for v in values if isinstance(v, str))
        if out[-1] and size + length > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(values)
        size += length
    return [b for b in out if b]


def _write_copy(connections: Connections, node: Any, index: str,
                rows: list[tuple[Any, ...]], removed: list[int]) -> None:
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    with connections.cursor(node) as cur:
        cur.execute("BEGIN")
        try:
            for batch in _batches(rows):
                cur.execute(f"REPLACE INTO {index} ({', '.join(COLUMNS)}) VALUES "
                            + ", ".join([one] * len(batch)),
                            [v for values in batch for v in values])
            if removed:
                cur.execute(f"DELETE FROM {index} WHERE id IN ("
                            + ", ".join(str(int(i)) for i in removed) + ")")
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(pymysql.MySQLError):
                cur.execute("ROLLBACK")
            raise
