"""Download slots: what taking and giving back a slot costs a download.

    python bench/slots.py --postgres-url postgresql://postgres@127.0.0.1:5432/test [--rounds 500]

In this one process, interleaved round by round (each goes first by turns) so that all
see the same machine, one round being one download's slot work (take a free slot of a
user with 4, give it back):

- reference: bare psycopg on the same database, no tokkyo layers, on a connection kept
  open: one `pg_try_advisory_lock`, one `pg_advisory_unlock` (the least any session
  lock can cost);
- bare psycopg with a connection opened and closed per round around the same two
  statements (what a session per download without a pool would cost);
- tokkyo, PostgreSQL: `SessionSlots` (the held session of `Database.held_session`, the
  repository's statements, the slot object);
- tokkyo, SQLite store: `FileSlots` (flock on a file in a temporary data folder), the one-
  machine kind, for scale.

Printed: p50/p95 per round of each and the ratio tokkyo PostgreSQL / bare reference
(the layers' cost, among them the pool's liveness check, one more round trip: target
≤ 2); the absolute figure is what each download pays once, before its first byte.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokkyo.bulk.slots import FileSlots, SessionSlots  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.database import Database  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402
from tokkyo.store.repositories.download_slots import slot_key  # noqa: E402

USER = 4242
LIMIT = 4


def bare(conn: psycopg.Connection) -> None:
    key = slot_key(USER, 0)
    got = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    assert got is not None and got[0]
    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def bare_connecting(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        bare(conn)


def through(slots: SessionSlots | FileSlots) -> Callable[[], None]:
    def round_() -> None:
        slot = slots.take(USER, LIMIT)
        assert slot is not None
        slot.release()
    return round_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    database = Database(make_engine(args.postgres_url), LocalBlobStore(Path("/nonexistent")))
    kept = psycopg.connect(args.postgres_url, autocommit=True)
    with tempfile.TemporaryDirectory() as folder:
        runs: dict[str, Callable[[], None]] = {
            "bare psycopg, kept (reference)": lambda: bare(kept),
            "bare psycopg, connecting": lambda: bare_connecting(args.postgres_url),
            "tokkyo, PostgreSQL (SessionSlots)": through(SessionSlots(database)),
            "tokkyo, SQLite store (FileSlots)": through(FileSlots(Path(folder))),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        names = list(runs)
        for run in names:                                   # warm up
            runs[run]()
        for k in range(args.rounds):
            order = names[k % len(names):] + names[:k % len(names)]
            for name in order:
                start = time.perf_counter()
                runs[name]()
                times[name].append(time.perf_counter() - start)
    database.close()
    kept.close()

    def p(name: str, q: int) -> float:
        return statistics.quantiles(times[name], n=100)[q - 1] * 1000

    print(f"{args.rounds} rounds (take a slot of {LIMIT}, give it back)")
    for name in names:
        print(f"  {name:36} p50 {p(name, 50):7.3f} ms   p95 {p(name, 95):7.3f} ms")
    ref, ours = names[0], names[2]
    print(f"tokkyo PostgreSQL / bare kept: p50 {p(ours, 50) / p(ref, 50):.2f}x, "
          f"p95 {p(ours, 95) / p(ref, 95):.2f}x (target <= 2)")


if __name__ == "__main__":
    main()
