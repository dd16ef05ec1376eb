"""Read replicas: what routing a read costs, and how soon a write is read on a replica.

    python bench/replicas.py [--reads 2000] [--writes 50] [--max-lag 5]

Starts a throwaway primary and a streaming replica (initdb, pg_basebackup -R: the test
suite's `tests/pg_cluster.py`, as root through the `postgres` user), builds tokkyo's
schema, and runs in this one process, interleaved round by round so that both see the
same machine:

- reference: a bare SQLAlchemy engine on the replica: connect, one read (the store's data
  version and a user by login id, what a page or an API call reads first), close;
- tokkyo: `Database.read()` with the replica configured: the same read, routed (the
  replica chosen from the state its checker thread keeps); each goes first by turns.

Printed: p50/p95 per read of both and the ratio tokkyo / reference (the routing's cost),
then, for `--writes` writes on the primary, how long until a routed read saw each
(p50/p95/max; the lag the setting allows is --max-lag), and how many reads the routing
sent to the primary meanwhile (a write not yet replayed makes the replica "behind" until it
is).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tests.pg_cluster import replicated_pair  # noqa: E402
from tokkyo.accounts import service as accounts  # noqa: E402
from tokkyo.accounts.policy import Policy  # noqa: E402
from tokkyo.config import load_settings  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402
from tokkyo.store.repositories import sources, users  # noqa: E402

SECRET = "bench-replicas-secret-0123456789abcdef"
PASSWORD = "bench-password-123"


def read_once(conn: sa.Connection, login_id: str) -> bool:
    with conn.begin():
        sources.latest_id(conn)
        return users.by_login(conn, login_id) is not None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--max-lag", type=float, default=5.0)
    args = parser.parse_args()
    made = replicated_pair()
    if isinstance(made, str):
        sys.exit(f"cannot start a primary and a replica here: {made}")
    primary, replica = made
    try:
        run(primary.url("postgres"), replica.url("postgres"), args)
    finally:
        replica.stop()
        primary.stop()


def run(primary_url: str, replica_url: str, args: argparse.Namespace) -> None:
    settings = load_settings(environ={}, data_dir=tempfile.mkdtemp(prefix="bench-rep-"),
                             database_url=primary_url, database_replica_urls=replica_url,
                             replica_max_lag_s=str(args.max_lag), secret_key=SECRET)
    db = Database.open(settings)
    db.upgrade()
    policy = Policy(secret=SECRET.encode())
    with db.transaction() as conn:
        accounts.add_user(conn, policy, "bench-reader1", PASSWORD)
    bare = make_engine(replica_url)
    while not _routed_to_replica(db):
        time.sleep(0.05)
    reference: list[float] = []
    routed: list[float] = []
    runs = [(bare.connect, reference), (db.read, routed)]
    for k in range(args.reads):
        for connect, times in runs if k % 2 else runs[::-1]:   # each goes first by turns
            start = time.perf_counter()
            with connect() as conn:
                read_once(conn, "bench-reader1")
            times.append(time.perf_counter() - start)
    ms = 1000.0
    print(f"reads: {args.reads} each, interleaved")
    print(f"  reference (bare engine on the replica): p50 {percentile(reference, .5) * ms:.3f} ms"
          f"  p95 {percentile(reference, .95) * ms:.3f} ms")
    print(f"  tokkyo Database.read() (routed):        p50 {percentile(routed, .5) * ms:.3f} ms"
          f"  p95 {percentile(routed, .95) * ms:.3f} ms")
    print(f"  ratio tokkyo / reference: p50 "
          f"{percentile(routed, .5) / percentile(reference, .5):.2f}  p95 "
          f"{percentile(routed, .95) / percentile(reference, .95):.2f}")
    delays: list[float] = []
    on_primary = reads = 0
    for k in range(args.writes):
        login_id = f"bench-w{k:06d}"
        with db.transaction() as conn:
            accounts.add_user(conn, policy, login_id, PASSWORD)
        written = time.perf_counter()
        while True:
            with db.read() as conn:
                reads += 1
                if conn.engine is db.engine:
                    on_primary += 1
                    seen = False        # read on the primary: not what is measured
                else:
                    seen = read_once(conn, login_id)
            if seen:
                delays.append(time.perf_counter() - written)
                break
            time.sleep(0.001)
    print(f"writes: {args.writes}; a routed read on the replica saw each after "
          f"p50 {percentile(delays, .5) * ms:.1f} ms  p95 {percentile(delays, .95) * ms:.1f} ms"
          f"  max {max(delays) * ms:.1f} ms  (mean {statistics.mean(delays) * ms:.1f} ms)")
    print(f"  reads routed meanwhile: {reads}, of them to the primary: {on_primary}")
    bare.dispose()
    db.close()


def _routed_to_replica(db: Database) -> bool:
    with db.read() as conn:
        return conn.engine is not db.engine


if __name__ == "__main__":
    main()
