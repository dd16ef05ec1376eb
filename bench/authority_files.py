"""ST.37 authority files: importing a partner's file into the store and checking a
holding's completeness against it, next to bare references over the same bytes in the
same process.

    python bench/authority_files.py [--entries 200000] [--repeat 3]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Input: a GENERATED authority file in the EPO's text form (`EP;number;kind;date;code`),
--entries entries with sequential EP numbers, kinds A1/A2/B1, dates over 2000–2024 and an
exception code on every 50th; the holding is every entry without code but every 100th
(so there is something missing to find).

Printed, each the median of --repeat interleaved rounds, wall and CPU seconds of this
process, into a fresh database (SQLite file, and PostgreSQL when a URL is given):
  bare import        csv.reader over the bytes, one tuple a line, executemany into a plain
                     table of the same five columns, commit: the reference
  tokkyo import      `exchange.authority.import_file`: the file read and checked (ST.3,
                     ST.16 shapes, real dates, exception codes, duplicates), the previous
                     file replaced, the import recorded, the entries stored
  bare completeness  set difference of the holding's keys and the file's
  tokkyo completeness `exchange.completeness.compute` of the holding against the file
and entries/s and the ratios bare / tokkyo (target ≥ 0.5 for the import: tokkyo checks
every field the bare run takes as given).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tokkyo.exchange import authority, completeness  # noqa: E402
from tokkyo.exchange.inputs import DeliveredDocument  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402

KINDS = ("A1", "A2", "B1")
START = dt.date(2000, 1, 5)


def generated(entries: int) -> bytes:
    lines = []
    for i in range(entries):
        day = START + dt.timedelta(days=(i * 9131) // max(entries, 1))
        code = "W" if i % 50 == 49 else ""
        lines.append(f"EP;{1000000 + i:07d};{KINDS[i % 3]};{day:%Y%m%d};{code}")
    return ("\n".join(lines) + "\n").encode()


def holding(entries: int) -> list[DeliveredDocument]:
    received = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    out = []
    for i in range(entries):
        if i % 50 == 49 or i % 100 == 0:
            continue
        day = START + dt.timedelta(days=(i * 9131) // max(entries, 1))
        out.append(DeliveredDocument("bench", f"EP{1000000 + i}.xml", "EP",
                                     KINDS[i % 3], f"{1000000 + i:07d}", day, None,
                                     received, frozenset({"bibliography", "abstract",
                                                          "claims", "description"})))
    return out


def timed(work: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def bare_import(engine: sa.Engine, data: bytes) -> None:
    rows = [tuple(r) for r in csv.reader(io.StringIO(data.decode()), delimiter=";")]
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bare_af")
        conn.exec_driver_sql("CREATE TABLE bare_af (country TEXT, number TEXT, kind TEXT, "
                             "date TEXT, code TEXT)")
        conn.exec_driver_sql("INSERT INTO bare_af VALUES (%s, %s, %s, %s, %s)"
                             if engine.dialect.name == "postgresql"
                             else "INSERT INTO bare_af VALUES (?, ?, ?, ?, ?)", rows)


def tokkyo_import(engine: sa.Engine, data: bytes) -> None:
    with engine.begin() as conn:
        authority.import_file(conn, "EP", "bench.csv", data)


def run(name: str, engine: sa.Engine, data: bytes, docs: list[DeliveredDocument],
        entries: int, repeat: int) -> None:
    imports: dict[str, list[tuple[float, float]]] = {"bare": [], "tokkyo": []}
    checks: dict[str, list[tuple[float, float]]] = {"bare": [], "tokkyo": []}
    for _ in range(repeat):
        imports["bare"].append(timed(lambda: bare_import(engine, data)))
        imports["tokkyo"].append(timed(lambda: tokkyo_import(engine, data)))
    with engine.connect() as conn:
        listed = authority.entries(conn, "EP")
    keys = {(d.country, d.number.lstrip("0"), d.kind) for d in docs}
    found: list[object] = []
    for _ in range(repeat):
        checks["bare"].append(timed(lambda: found.append(
            [e for e in listed if e.key not in keys and not e.exception])))
        checks["tokkyo"].append(timed(lambda: found.append(
            completeness.compute(docs, listed))))
    result = found[-1]
    assert isinstance(result, completeness.Completeness)
    assert len(result.missing) == len(found[-2])  # type: ignore[arg-type]

    def line(label: str, samples: list[tuple[float, float]]) -> tuple[float, float]:
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        print(f"  {label:<22} {wall:8.3f} s wall {cpu:8.3f} s cpu "
              f"{entries / wall:12,.0f} entries/s")
        return wall, cpu

    print(f"{name}: {entries:,} GENERATED entries ({len(data) / 1e6:.1f} MB), "
          f"{len(docs):,} held, {len(result.missing):,} missing, "
          f"{len(result.expected_missing):,} expected-missing")
    bw, bc = line("bare import", imports["bare"])
    tw, tc = line("tokkyo import", imports["tokkyo"])
    print(f"  import ratio bare/tokkyo: wall {bw / tw:.2f}, cpu {bc / tc:.2f}")
    bw, bc = line("bare completeness", checks["bare"])
    tw, tc = line("tokkyo completeness", checks["tokkyo"])
    print(f"  completeness ratio bare/tokkyo: wall {bw / tw:.2f}, cpu {bc / tc:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    data = generated(args.entries)
    docs = holding(args.entries)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate.upgrade(engine)
        run("SQLite", engine, data, docs, args.entries, args.repeat)
        engine.dispose()
    if args.postgres_url:
        admin = sa.create_engine(args.postgres_url.replace("postgresql://",
                                                           "postgresql+psycopg://", 1),
                                 isolation_level="AUTOCOMMIT")
        name = f"tokkyo_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        url = sa.engine.make_url(args.postgres_url).set(database=name)
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            migrate.upgrade(engine)
            run("PostgreSQL", engine, data, docs, args.entries, args.repeat)
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE {name}")
            admin.dispose()


if __name__ == "__main__":
    main()
