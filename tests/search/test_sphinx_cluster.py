"""The sphinx cluster when a node fails: a write that reaches a dead shard copy fails
with an error naming the shard and the node (the caller keeps the work), the retry after
the restart catches up, and what was written before a crash (SIGKILL) is still there;
reads answer whole while one node is down (each shard has a mirror) and fail, rather
than answer in part, when both copies of a shard are down. Settings text that names no
cluster is refused with the reason."""

from __future__ import annotations

import re

import pytest

from tests.sphinx_cluster import SphinxCluster, sphinx_cluster  # noqa: F401 - the fixture
from tokkyo.config import load_settings
from tokkyo.errors import ConfigError
from tokkyo.search.backends.sphinx import SphinxBackend, SphinxError
from tokkyo.search.backends.sphinx.cluster import parse_index, shard_of
from tokkyo.search.documents import CaseDocument, digest
from tokkyo.search.query import parse

WORDS = ["電池", "ウェーハ", "セパレータ", "正極材料"]


def docs(start: int, count: int, title: str = "") -> list[CaseDocument]:
    return [CaseDocument(i, "patent", "JP", f"20200{i:05d}",
                         texts={"TI": [title or f"{WORDS[i % 4]}の製造方法{i}"]})
            for i in range(start, start + count)]


@pytest.fixture
def cluster(sphinx_cluster: SphinxCluster):  # noqa: F811
    backend = sphinx_cluster.backend()
    backend.clear()
    yield sphinx_cluster, backend
    for n, node in enumerate(sphinx_cluster.nodes):
        if node.process is None:
            sphinx_cluster.start_node(n)
    backend.close()


def total(backend: SphinxBackend, sqlite_db, expression: str) -> int:
    with sqlite_db.engine.connect() as conn:
        return backend.search(conn, parse(expression).tree, limit=0).total


def test_a_write_to_a_dead_shard_fails_naming_it_and_the_retry_catches_up(cluster, sqlite_db):
    sphinx, backend = cluster
    backend.write(docs(1, 30), [])
    sphinx.kill_node(1)                     # holds shard s1 and the mirror of s0
    batch = docs(31, 30, "燃料電池")
    assert {shard_of(d.id, 3) for d in batch} == {0, 1, 2}
    port = sphinx.nodes[1].config.sql_port
    with pytest.raises(SphinxError) as failed:
        backend.write(batch, [3, 4])
    assert re.fullmatch(rf"sphinx shard s[01] at 127\.0\.0\.1:{port} was not written: .+",
                        str(failed.value))
    sphinx.start_node(1)
    # what was written before the crash survived it (the binlog); the failed write may
    # have reached some shards (the retry makes them all equal)
    assert backend.digests([d.id for d in docs(5, 26)]) == {
        d.id: digest(d) for d in docs(5, 26)}
    backend.write(batch, [3, 4])           # the outbox's retry
    assert backend.count() == 58
    assert total(backend, sqlite_db, "燃料電池/TI") == 30
    assert backend.digests([3, 4]) == {}
    # every copy of every shard holds the same: each node alone answers the same
    for dead in range(3):
        sphinx.kill_node(dead)
        assert backend.count() == 58 and total(backend, sqlite_db, "燃料/TI") == 30
        sphinx.start_node(dead)


def test_reads_answer_whole_with_one_node_down(cluster, sqlite_db):
    sphinx, backend = cluster
    backend.write(docs(1, 40), [])
    before = total(backend, sqlite_db, "電池/TI")
    assert before == 10
    sphinx.kill_node(0)                     # the first reader too: the next one answers
    assert total(backend, sqlite_db, "電池/TI") == before
    assert backend.count() == 40
    backend.check()


def test_reads_fail_rather_than_answer_in_part(cluster, sqlite_db):
    sphinx, backend = cluster
    backend.write(docs(1, 40), [])
    sphinx.kill_node(1)
    sphinx.kill_node(2)                     # both copies of s1 (node 1, mirror on node 2)
    with pytest.raises(SphinxError, match=r"^sphinx index tk at 127\.0\.0\.1:\d+ could not "
                                          r"read every shard: .*agent 127\.0\.0\.1:\d+: .+"):
        total(backend, sqlite_db, "電池/TI")
    sphinx.kill_node(0)
    with pytest.raises(SphinxError, match=r"^sphinx index tk cannot be read: 127\.0\.0\.1:"
                                          r"\d+: .+; 127\.0\.0\.1:\d+: .+; 127\.0\.0\.1:\d+: .+"):
        backend.check()


@pytest.mark.parametrize(("text", "message"), [
    ("127.0.0.1:9306", "'127.0.0.1:9306' is not host:port[|host:port…]:index"),
    ("127.0.0.1:9306:s-0", "'127.0.0.1:9306:s-0' is not host:port[|host:port…]:index"),
    ("127.0.0.1|h:1:s0", "'127.0.0.1' in '127.0.0.1|h:1:s0' is not host:port"),
    ("h:0:s0", "'h:0' in 'h:0:s0' is not host:port"),
    ("h:70000:s0", "'h:70000' in 'h:70000:s0' is not host:port"),
])
def test_settings_text_naming_no_index_is_refused(text, message):
    with pytest.raises(ValueError) as refused:
        parse_index(text)
    assert str(refused.value) == message
    with pytest.raises(ConfigError) as bad:
        load_settings({"TOKKYO_SPHINX_SHARDS": f"h:1:s0, {text}"})
    assert str(bad.value).startswith(f"TOKKYO_SPHINX_SHARDS='h:1:s0, {text}': ")


def test_the_settings_name_the_cluster(sphinx_cluster):  # noqa: F811
    settings = load_settings({"TOKKYO_SPHINX_SHARDS": sphinx_cluster.shards_setting,
                              "TOKKYO_SPHINX_READ": sphinx_cluster.read_setting})
    backend = SphinxBackend.from_settings(settings)
    try:
        backend.check()
        assert [s.name for s in backend.shards] == ["s0", "s1", "s2"]
    finally:
        backend.close()
    with pytest.raises(ConfigError) as refused:
        SphinxBackend.from_settings(load_settings({}))
    assert str(refused.value) == ("the sphinx search backend needs TOKKYO_SPHINX_SHARDS and "
                                  "TOKKYO_SPHINX_READ")
    with pytest.raises(ConfigError) as two:
        load_settings({"TOKKYO_SPHINX_READ": "h:1:tk,h:2:tk"})
    assert str(two.value) == ("TOKKYO_SPHINX_READ='h:1:tk,h:2:tk': name one distributed index "
                              "(host:port[|host:port…]:index)")


def test_the_outbox_worker_fills_the_cluster_and_check_agrees(cluster, sqlite_db):
    """`TOKKYO_SEARCH_ENGINE=sphinx` through the same outbox, worker and check as tantivy:
    ingest records, the worker writes the cluster, the store and the cluster agree."""
    from tests.conftest import GAZETTE
    from tokkyo.ingest.items import walk
    from tokkyo.ingest.service import Ingestor
    from tokkyo.search import outbox
    from tokkyo.search import service as search_service

    running, _ = cluster
    settings = load_settings({"TOKKYO_SEARCH_ENGINE": "sphinx",
                              "TOKKYO_SPHINX_SHARDS": running.shards_setting,
                              "TOKKYO_SPHINX_READ": running.read_setting})
    backend = search_service.open_backend(settings)
    try:
        Ingestor(sqlite_db.engine, sqlite_db.blobs, workers=0).run(walk([GAZETTE]))
        assert outbox.drain(sqlite_db.engine, backend) == 3
        found = outbox.check(sqlite_db.engine, backend)
        assert found.agrees and found.engine == found.store == 3
        assert total(backend, sqlite_db, "ウェーハ/TI") == 1
    finally:
        backend.close()
