"""The real-time index every shard holds, and the `searchd` configuration of one node:
its shard copies and the distributed index that reads the whole cluster.

The schema and the configuration use only what Manticore Search (Sphinx's maintained
fork, the engine meant for production) also reads; they are exercised here against
Sphinx 2.2. Every field holds words of `tokens.py`: the charset table is exactly the
word characters, case kept (codes are case-sensitive), with no morphology or stop words,
and `dict = keywords` so that a code prefix is a wildcard word; `.` is the phrase
boundary between two text units (tokens.BREAK_STEP positions apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tokkyo.search.backends.sphinx import tokens
from tokkyo.search.documents import TRANSLATED_FIELDS, TRANSLATION_LANGUAGES, translated_key

#: Full-text fields: one per text field of the case document (character words), and one
#: per language-tagged copy holding its stored machine translations (`TI_ja`: `t_ti_ja`,
#: documents.TRANSLATED_FIELDS, as the tantivy backend indexes them), then the same as
#: pairs, the marks and the keys (codes, numbers, dates, status facts).
TEXT_FIELDS = {"TI": "t_ti", "AB": "t_ab", "CL": "t_cl", "DE": "t_de", "AP": "t_ap",
               "IN": "t_in", "AG": "t_ag", "CN": "t_cn", "GS": "t_gs",
               **{translated_key(code, language): f"t_{code.lower()}_{language}"
                  for code in TRANSLATED_FIELDS.values() for language in TRANSLATION_LANGUAGES}}
#: The same texts as words of character pairs (tokens.py), what terms of two characters
#: or more are searched in.
PAIR_FIELDS = {code: "p" + name[1:] for code, name in TEXT_FIELDS.items()}
MARKS_FIELD = "t_tm"
KEYS_FIELD = "k"
FIELDS = (*TEXT_FIELDS.values(), *PAIR_FIELDS.values(), MARKS_FIELD, KEYS_FIELD)
#: Attributes: the law (for the law filter), the sort keys (YYYYMMDD, 0 without a date),
#: and what verifies the atoms the index only narrows (`marks`, `fterms`), and `digest`.
ATTRIBUTES = (("law", "uint"), ("published", "uint"), ("filed", "uint"),
              ("appno", "string"), ("marks", "string"), ("fterms", "string"),
              ("digest", "string"))
LAWS = ("patent", "utility", "design", "trademark")


@dataclass(frozen=True, slots=True)
class Agent:
    """One searchd as the distributed index reaches it (its API port, not SphinxQL)."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """One searchd: where it listens, the shard copies it holds (index names), and the
    distributed index over every shard (each shard: its copies, mirrors of each other)."""

    folder: Path
    sql_port: int
    api_port: int
    shards: Sequence[str]
    distributed: str
    cluster: Sequence[tuple[str, Sequence[Agent]]]      # (shard index, its copies)
    host: str = "127.0.0.1"


def rt_index(name: str, folder: Path) -> str:
    lines = [f"index {name}", "{", "    type = rt", f"    path = {folder / name}",
             "    rt_mem_limit = 128M", "    dict = keywords", "    min_prefix_len = 3",
             "    charset_table = 0..9, A..Z, a..z, _", "    phrase_boundary = U+2E",
             f"    phrase_boundary_step = {tokens.BREAK_STEP}"]
    lines += [f"    rt_field = {f}" for f in FIELDS]
    lines += [f"    rt_attr_{kind} = {name_}" for name_, kind in ATTRIBUTES]
    return "\n".join([*lines, "}"])


def distributed_index(name: str, cluster: Sequence[tuple[str, Sequence[Agent]]]) -> str:
    lines = [f"index {name}", "{", "    type = distributed"]
    for shard, copies in cluster:
        mirrors = "|".join(f"{a.host}:{a.port}" for a in copies)
        lines.append(f"    agent = {mirrors}:{shard}")
    lines += ["    ha_strategy = nodeads", "    agent_connect_timeout = 300",
              "    agent_query_timeout = 30000", "}"]
    return "\n".join(lines)


def node_config(node: NodeConfig) -> str:
    """The text of a `sphinx.conf` for one node."""
    folder = node.folder
    parts = [rt_index(shard, folder) for shard in node.shards]
    parts.append(distributed_index(node.distributed, node.cluster))
    parts.append("\n".join([
        "searchd", "{",
        f"    listen = {node.host}:{node.api_port}",
        f"    listen = {node.host}:{node.sql_port}:mysql41",
        f"    log = {folder / 'searchd.log'}",
        f"    query_log = {folder / 'query.log'}",
        f"    pid_file = {folder / 'searchd.pid'}",
        f"    binlog_path = {folder}",
        # a large document in one statement; every code a prefix covers (exact counts)
        "    max_packet_size = 128M",
        "    expansion_limit = 0",
        # dead mirrors are noticed within 100 ms (the distributed index's nodeads)
        "    agent_retry_count = 3",
        "    ha_ping_interval = 100",
        "    collation_server = binary",
        "}"]))
    return "\n\n".join(parts) + "\n"
