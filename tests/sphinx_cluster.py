"""A sphinx cluster for the tests: 3 `searchd` nodes on free loopback ports in a
temporary folder, each holding two shard copies (its own shard and a mirror of the next
node's), and the distributed index `tk` over the 3 shards on every node, each shard's
agent line naming its two copies as mirrors (`host:p1|host:p2:shard`), so reads survive
one node down. Each node's configuration lists only the indexes it holds (two searchd
on one index's files would lock each other out). Started without detaching, stopped by
PID.

Debian's `sphinxsearch` (2.2.11) provides searchd. Without it the tests using the cluster
skip with a loud message, unless `TOKKYO_REQUIRE_SPHINX=1` (CI), which turns the skip
into a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymysql
import pytest

from tokkyo.search.backends.sphinx import SphinxBackend
from tokkyo.search.backends.sphinx.schema import Agent, NodeConfig, node_config

NODES = 3
DISTRIBUTED = "tk"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Node:
    config: NodeConfig
    process: subprocess.Popen[bytes] | None = None

    @property
    def conf_path(self) -> Path:
        return self.config.folder / "sphinx.conf"


@dataclass
class SphinxCluster:
    root: Path
    searchd: str
    nodes: list[Node] = field(default_factory=list)

    @property
    def shards_setting(self) -> str:
        """TOKKYO_SPHINX_SHARDS: each shard with its copies' SphinxQL ports (its own node,
        and the next one's mirror when there are several nodes)."""
        count = len(self.nodes)
        return ",".join("|".join(dict.fromkeys(
            f"127.0.0.1:{self.nodes[m % count].config.sql_port}" for m in (n, n + 1)))
            + f":s{n}" for n in range(count))

    @property
    def read_setting(self) -> str:
        """TOKKYO_SPHINX_READ: the distributed index on every node, tried in order."""
        return "|".join(f"127.0.0.1:{n.config.sql_port}" for n in self.nodes) + ":" + DISTRIBUTED

    def backend(self) -> SphinxBackend:
        return SphinxBackend.from_text(self.shards_setting, self.read_setting)

    def start_node(self, n: int) -> None:
        node = self.nodes[n]
        log = (node.config.folder / "stdout.log").open("ab")
        node.process = subprocess.Popen([self.searchd, "--config", str(node.conf_path),
                                         "--nodetach"], stdout=log, stderr=log,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise RuntimeError(f"searchd {n} exited: "
                                   + (node.config.folder / "stdout.log").read_text()[-500:])
            try:
                pymysql.connect(host="127.0.0.1", port=node.config.sql_port,
                                connect_timeout=1).close()
                return
            except pymysql.MySQLError:
                time.sleep(0.05)
        raise RuntimeError(f"searchd {n} did not listen within 20 s")

    def kill_node(self, n: int) -> None:
        """Kill a node at once (SIGKILL, by its PID): what a crash looks like."""
        process = self.nodes[n].process
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        self.nodes[n].process = None

    def stop(self, *, keep: bool = False) -> None:
        """Stop every node (SIGTERM: searchd saves its RAM chunks); the folders are
        removed unless `keep` (a benchmark restarts the cluster on them later)."""
        for n, node in enumerate(self.nodes):
            if node.process is not None and node.process.poll() is None:
                os.kill(node.process.pid, signal.SIGTERM)
                try:
                    node.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill_node(n)
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


def find_searchd() -> tuple[str | None, str]:
    found = shutil.which("searchd")
    if found is None:
        return None, ("searchd is not installed (Debian: apt-get install -y sphinxsearch); "
                      "the sphinx cluster tests need it")
    return found, ""


def start_cluster(root: Path, searchd: str, nodes: int = NODES, *, reuse: bool = False
                  ) -> SphinxCluster:
    """`nodes` searchd, each holding shard n and (with more than one node) the mirror of
    shard n - 1; the distributed index on each. With `reuse`, on the index files a
    cluster stopped with `keep` left in `root` (new ports, the same data)."""
    ports = [(_free_port(), _free_port()) for _ in range(nodes)]
    agents = [Agent("127.0.0.1", api) for _, api in ports]
    layout = [(f"s{n}", list(dict.fromkeys([agents[n], agents[(n + 1) % nodes]])))
              for n in range(nodes)]
    cluster = SphinxCluster(root, searchd)
    for n, (sql_port, api_port) in enumerate(ports):
        folder = root / f"node{n}"
        folder.mkdir(parents=True, exist_ok=reuse)
        # its own shard, and the copy of the previous node's shard it mirrors
        shards = list(dict.fromkeys([f"s{n}", f"s{(n - 1) % nodes}"]))
        config = NodeConfig(folder, sql_port, api_port, shards, DISTRIBUTED, layout)
        (folder / "sphinx.conf").write_text(node_config(config))
        cluster.nodes.append(Node(config))
    try:
        for n in range(nodes):
            cluster.start_node(n)
    except BaseException:
        cluster.stop(keep=reuse)
        raise
    return cluster


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxCluster]:
    """The running 3-node cluster (shared by the session: wipe it with `clear()`)."""
    searchd, reason = find_searchd()
    if searchd is None:
        if os.environ.get("TOKKYO_REQUIRE_SPHINX") == "1":
            pytest.fail(f"TOKKYO_REQUIRE_SPHINX=1 but {reason}")
        pytest.skip(f"sphinx cluster tests skipped: {reason}")
    cluster = start_cluster(tmp_path_factory.mktemp("sphinx"), searchd)
    try:
        yield cluster
    finally:
        cluster.stop()
