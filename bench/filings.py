"""Filings: ingesting converted e-filing packages as unpublished applications, next to a
bare reading of the same packages in the same process.

    python bench/filings.py [--packages 200] [--repeat 3] [--pages 20]

Input: GENERATED packages. One application is made as bench/efiling.py makes it (the
real paragraphs and claims of the JPO gazettes in samples/jp-gazette, repeated to
--pages pages; the hand-built sample's request and abstract; ten black-and-white GIF
drawings drawn with Pillow), converted once by `tokkyo.efiling`, and written out as
--packages package folders, each with its own 整理番号 (so that each is a filing of its
own, not a version of another).

Printed, each the median of --repeat interleaved rounds (one of each in turn), wall and
CPU seconds of this process, into a fresh SQLite store each time:
  bare read      each folder's files read, zipped as ingest keeps them, both XML files
                 parsed by lxml: the reference
  tokkyo ingest  the real `Ingestor` over the folders (workers=0): the packages found,
                 detected, read and checked, blobs written, source versions and filings
                 stored, in batches
and packages/s, MB/s and the ratio bare / tokkyo.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from bench.efiling import FIGURES, application  # noqa: E402

from tests.efiling.applications import image, template_html  # noqa: E402
from tokkyo.efiling import service  # noqa: E402
from tokkyo.efiling.xml_writer import BIBL  # noqa: E402
from tokkyo.ingest.items import walk  # noqa: E402
from tokkyo.ingest.service import Ingestor  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402
from tokkyo.store.engine import make_engine  # noqa: E402


def packages(root: Path, count: int, pages: int) -> int:
    """`count` package folders under `root`; their total size in bytes."""
    upload = service.Upload("bench.htm", template_html(application(pages)),
                            {f"fig{i}.gif": image("gif") for i in range(1, FIGURES + 1)})
    result = service.check(upload)
    assert result.ok, [f.code for f in result.findings]
    files = service.convert(result)
    request = files[BIBL].decode("cp932")
    total = 0
    for n in range(count):
        folder = root / f"filing{n:05d}"
        folder.mkdir(parents=True)
        own = dict(files)
        own[BIBL] = request.replace("P2026-001", f"BENCH-{n:05d}").encode("cp932")
        for name, data in own.items():
            (folder / name).write_bytes(data)
            total += len(data)
    return total


def bare_read(root: Path) -> None:
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    for folder in sorted(root.iterdir()):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                data = path.read_bytes()
                archive.writestr(path.name, data)
                if path.suffix == ".xml":
                    etree.fromstring(data, parser)


def tokkyo_ingest(root: Path, work: Path) -> None:
    store = Path(tempfile.mkdtemp(dir=work))
    engine = make_engine(f"sqlite:///{store / 'tokkyo.sqlite3'}")
    migrate.upgrade(engine)
    start = time.perf_counter(), time.process_time()
    report = Ingestor(engine, LocalBlobStore(store / "blobs"),
                      workers=0).run(walk([root]))
    _LAST.append((time.perf_counter() - start[0], time.process_time() - start[1]))
    assert report.counts == {"loaded": len(list(root.iterdir()))}, report.counts
    engine.dispose()
    shutil.rmtree(store)


_LAST: list[tuple[float, float]] = []       # the ingest's own times, schema set-up excluded


def timed(runs: dict[str, Callable[[], object]], repeat: int
          ) -> dict[str, tuple[float, float]]:
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, work in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            work()
            took = (time.perf_counter() - start, time.process_time() - start_cpu)
            if name == "tokkyo ingest":
                took = _LAST.pop()
            wall[name].append(took[0])
            cpu[name].append(took[1])
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]))
            for name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tokkyo-bench-filings-") as tmp:
        work = Path(tmp)
        root = work / "packages"
        size = packages(root, args.packages, args.pages)
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        print(f"input: {args.packages} GENERATED packages of a {args.pages}-page application "
              f"with {FIGURES} drawings, {size / 1e6:.1f} MB; {load}")
        figures = timed({"bare read": lambda: bare_read(root),
                         "tokkyo ingest": lambda: tokkyo_ingest(root, work)}, args.repeat)
    bare_wall, bare_cpu = figures["bare read"]
    print(f"{'run':<16}{'wall s':>9}{'cpu s':>9}{'pkg/s':>9}{'MB/s':>8}{'bare/run wall':>15}"
          f"{'bare/run cpu':>14}")
    for name, (wall, cpu) in figures.items():
        print(f"{name:<16}{wall:>9.3f}{cpu:>9.3f}{args.packages / wall:>9.1f}"
              f"{size / 1e6 / wall:>8.1f}{bare_wall / wall:>15.3f}{bare_cpu / cpu:>14.3f}")


if __name__ == "__main__":
    main()
