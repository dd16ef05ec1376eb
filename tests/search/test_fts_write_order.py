"""SQLite's FTS5 index is written in one segment per batch, not one per publication.

FTS5 holds a transaction's new rows in memory while their rowids increase and writes
them to disk as one segment at the end; a rowid smaller than the last one makes it write
what it holds first. Unit keys grow with the field (TI < AB < CL < DE < AP < IN < AG),
but a gazette lists its attorneys (AG) before its inventors (IN): written in reading
order, each such publication cost a segment of its own, and the merging of them (ingest
spent about a fifth of its index time there).
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import GAZETTE, ingest
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.readers import parse
from tokkyo.model.parties import PartyRole
from tokkyo.search.indexer import BigramIndexer
from tokkyo.search.sqlite_fts import SqliteFtsBackend
from tokkyo.search.units import unit_key

# FTS5's structure record (levels, segments, ...) is the row with id 10 of its data table.
_STRUCTURE_ROWID = 10
_STRUCTURE_V2 = b"\xff\x00\x00\x01"     # marker of SQLite 3.44+'s form of the record


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at `at`: (value, offset after it)."""
    value = 0
    for _ in range(8):
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    return (value << 8) | data[at], at + 1


def segments(path: str) -> int:
    """How many segments the store's FTS5 index is made of."""
    with sqlite3.connect(path) as conn:
        record = conn.execute("SELECT block FROM search_fts_data WHERE id = ?",
                              (_STRUCTURE_ROWID,)).fetchone()[0]
    at = 8 if record[4:8] == _STRUCTURE_V2 else 4       # after the cookie (and marker)
    _levels, at = _varint(record, at)
    count, _at = _varint(record, at)
    return count


def test_a_gazette_lists_attorneys_before_inventors():
    """The case the ordering exists for is real: two of the three sample gazettes."""
    unordered = 0
    for path in sorted(GAZETTE.glob("*.xml")):
        pub = parse(SourceItem(path.name, path.read_bytes())).payload
        roles = [p.role for p in pub.parties]
        if PartyRole.ATTORNEY in roles and PartyRole.INVENTOR in roles:
            unordered += roles.index(PartyRole.ATTORNEY) < roles.index(PartyRole.INVENTOR)
        keys = [unit_key(1, f, p) for f, p, _ in BigramIndexer("sqlite").prepare(pub)]
        assert len(set(keys)) == len(keys)
    assert unordered >= 1


def test_one_batch_writes_one_segment(sqlite_db):
    report = ingest(sqlite_db, GAZETTE, batch_size=50)
    assert report.counts == {"loaded": 3}
    assert segments(sqlite_db.engine.url.database) == 1


class _Recorder:
    """Stands in for a connection: keeps what would be sent to the driver."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[tuple[int, str]]]] = []

    def exec_driver_sql(self, statement: str, rows: list[tuple[int, str]]) -> None:
        self.sent.append((statement, rows))


@pytest.mark.parametrize("method", ["add", "remove"])
def test_entries_go_to_fts5_in_key_order(method):
    entries = [(unit_key(7, "AG", 0), "a"), (unit_key(7, "IN", 1), "b"),
               (unit_key(7, "TI", 0), "c")]
    connection = _Recorder()
    getattr(SqliteFtsBackend(), method)(connection, 7, entries)
    [(_statement, rows)] = connection.sent
    assert rows == sorted(entries)
    assert [key for key, _ in rows] == sorted(key for key, _ in entries)
