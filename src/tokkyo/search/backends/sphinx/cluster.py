"""Where the cluster is and how it is spoken to: SphinxQL over the MySQL protocol
(PyMySQL), to the shards' copies for writes and to the nodes serving the distributed
index for reads.

A shard is one real-time index held by one or more searchd nodes (its mirrors, which the
distributed index reads one of, so reads survive a node down); a write goes to every
copy of its shard. Documents are routed by a hash of the case id, so every writer sends
a case to the same shard. Addresses are the SphinxQL (`mysql41`) listeners; the agents
of the distributed index (its searchd configuration, schema.py) are the API listeners.
Manticore Search speaks the same SphinxQL; only Sphinx 2.2 is exercised here.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pymysql

from tokkyo.errors import TransientError

_ADDRESS = re.compile(r"^\[?([^\[\]|,]+?)\]?:(\d{1,5})$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SphinxError(TransientError):
    """The cluster (a shard copy or every reader) could not be reached or refused a
    statement; the work can be retried once it is back."""


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Index:
    """An index name and the nodes holding it (the copies of a shard; the nodes serving
    the distributed index, tried in order)."""

    name: str
    nodes: tuple[Address, ...]


def parse_index(text: str) -> Index:
    """`host:port|host:port:index` (the agent syntax of a sphinx.conf) as an Index;
    ValueError saying what is wrong."""
    where, _, name = text.strip().rpartition(":")
    if not _NAME.match(name) or not where:
        raise ValueError(f"{text.strip()!r} is not host:port[|host:port…]:index")
    nodes = []
    for part in where.split("|"):
        found = _ADDRESS.match(part.strip())
        if not found or not 0 < int(found.group(2)) < 65536:
            raise ValueError(f"{part.strip()!r} in {text.strip()!r} is not host:port")
        nodes.append(Address(found.group(1), int(found.group(2))))
    return Index(name, tuple(nodes))


def parse_indexes(text: str) -> tuple[Index, ...]:
    """Comma-separated `parse_index` entries (empty text: none)."""
    return tuple(parse_index(part) for part in text.split(",") if part.strip())


def shard_of(case_id: int, shards: int) -> int:
    """The shard a case lives in: a stable hash of its id (not its residue, which would
    put a range of new cases on one shard)."""
    digest = hashlib.blake2b(case_id.to_bytes(8, "big"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


@dataclass
class Connections:
    """Open SphinxQL connections per node, reused; one is taken for one statement group
    and returned, or dropped after an error."""

    connect_timeout: float = 2.0
    read_timeout: float = 60.0
    _idle: dict[Address, list[Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def cursor(self, node: Address) -> Iterator[Any]:
        with self._lock:
            idle = self._idle.setdefault(node, [])
            conn = idle.pop() if idle else None
        try:
            if conn is not None:
                try:
                    conn.ping(reconnect=False)     # the node may have restarted since
                except pymysql.MySQLError:
                    _close(conn)
                    conn = None
            if conn is None:
                conn = pymysql.connect(host=node.host, port=node.port, autocommit=True,
                                       charset="utf8", connect_timeout=self.connect_timeout,
                                       read_timeout=self.read_timeout,
                                       write_timeout=self.read_timeout)
            with conn.cursor() as cur:
                yield cur
        except BaseException:
            if conn is not None:
                _close(conn)
            raise
        else:
            with self._lock:
                self._idle[node].append(conn)

    def close(self) -> None:
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for conn in conns:
            _close(conn)


def _close(conn: Any) -> None:
    with contextlib.suppress(Exception):      # a dead connection may fail to say goodbye
        conn.close()


def reason(exc: BaseException) -> str:
    """A driver error in one line (its message without the driver's error tuple)."""
    args: tuple[Any, ...] = exc.args
    if len(args) >= 2 and isinstance(args[1], str):
        return args[1].splitlines()[0] if args[1] else type(exc).__name__
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
