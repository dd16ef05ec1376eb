"""Ingest throughput of every foreign format (and JP trademark gazettes) next to two
references over the same bytes, in one run.

    python bench/foreign.py [--repeat 5] [--formats ep,us-xml,...] [--postgres-url URL]

Input: the real sample files of each format (samples/foreign, samples/jp-trademark-gazette),
each fed --copies times per run (default 10), every copy made distinct by a trailing line
break or comment, so that tokkyo cannot skip it as unchanged: from the second copy on it
REPLACES the documents it loaded (deletes and rewrites them and their index entries),
which is more work than loading new ones, while the references simply insert again. The
text is real; nothing is generated or renumbered. The four EP files that are not
well-formed are left out (strict mode refuses them); so are files that are not
publications.

For each format, the medians of --repeat runs on fresh databases:
  bare parse      lxml parses each file (for the SGML gazettes: lxml's HTML parser over the
                  decoded text; for Green Book: splitting records and fields), nothing else
  bare pipeline   the bare parse, then title, abstract, claims and paragraphs pulled out by
                  element name, inserted into one plain table and added to a bare tantivy
                  index (bench/bare_index.py: the terms tokkyo's tantivy index holds for
                  those fields), one transaction and one commit: what bench/ingest.py
                  calls the bare pipeline
  tokkyo ingest   the real Ingestor in one process: detection, the format's full reader
                  with its safety checks, versions and blobs, every table, the outbox;
                  then the index worker's drain into tokkyo's tantivy index
and documents/s, MB/s, the ratio tokkyo / bare pipeline (target >= 0.7) and tokkyo / bare
parse. The three runs of a repeat follow each other (their order turned round at every
repeat), so that the machine's load falls on all three alike; the ratio of their CPU
time (this process and its threads), which that load disturbs far less, is printed
beside the wall-clock one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import sqlalchemy as sa
from lxml import etree
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bare_index import BareIndex  # noqa: E402  (bench/bare_index.py)
from ingest import Databases, timed  # noqa: E402  (bench/ingest.py)
from tokkyo.ingest.foreign.entities import ISO_AND_MATHML  # noqa: E402
from tokkyo.ingest.foreign.xmlsafe import prepared  # noqa: E402
from tokkyo.ingest.items import SourceItem, walk  # noqa: E402
from tokkyo.ingest.service import Ingestor  # noqa: E402
from tokkyo.search import outbox  # noqa: E402
from tokkyo.search.backends.tantivy import TantivyBackend  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402

FOREIGN = REPO / "samples" / "foreign"
MALFORMED = {"v1-2-A1.xml", "v1-4-A1.xml", "v1-4-A1-1.xml", "v1-5-1-A1-2.xml"}


def _files(*patterns: str, skip: Iterable[str] = ()) -> list[Path]:
    left_out = set(skip)
    return sorted(p for pattern in patterns for p in REPO.glob(pattern)
                  if p.name not in left_out and p.is_file())


@dataclass(frozen=True)
class Format:
    name: str
    files: list[Path]
    kind: str = "xml"          # xml | sgml | greenbook
    entities: bool = False     # the bare parse needs the USPTO entity table resolved


FORMATS = [
    Format("ep-patent-document", _files("samples/foreign/ep/*/*.xml", skip=MALFORMED)),
    Format("us-patent-xml", _files("samples/foreign/us/xml20*/*.xml",
                                   "samples/foreign/us/xmlApp2004/*.xml")),
    Format("us-patdoc+pap", _files("samples/foreign/us/sgml/*.xml",
                                   "samples/foreign/us/pap/*.xml"), entities=True),
    Format("us-greenbook", _files("samples/foreign/us/greenbook/*"), kind="greenbook"),
    Format("cnipa", _files("samples/foreign/cn/*.xml", "samples/foreign/cn/*.XML")),
    Format("wipo-st96", _files("samples/foreign/st96/*/*.xml",
                               skip={"GIApplication_Example.xml"})),
    Format("epo-docdb", _files("samples/foreign/docdb/DE-backfile.xml",
                               "samples/foreign/docdb/AP-*.xml")),
    Format("epo-ops", _files("samples/foreign/epo-ops/*/*.xml",
                             skip={"image_example.xml"})),
    Format("jp-trademark-gazette", _files("samples/jp-trademark-gazette/*.SGM"), kind="sgml"),
]

_TITLE = {"invention-title", "B542", "InventionTitle", "title-of-invention", "TITLE",
          "TRADEMARK-FOR-INDICATION", "MarkVerbalElementText"}
_ABSTRACT = {"abstract", "Abstract", "subdoc-abstract", "SDOAB"}
_CLAIM = {"claim", "Claim", "CLM"}
_PARAGRAPH = {"p", "P", "PARA", "paragraph", "Paragraph", "GOODS-AND-SERVICE"}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _bare_bytes(fmt: Format, data: bytes) -> bytes:
    """What the bare parse reads: the file, with USPTO entities resolved beforehand (that
    work is not timed: the references get the easier input)."""
    return prepared("bench", data, ISO_AND_MATHML) if fmt.entities else data


def bare_parse(fmt: Format, inputs: list[bytes]) -> list[object]:
    if fmt.kind == "greenbook":
        return [[line[:4].strip() for line in data.decode("latin-1").splitlines()]
                for data in inputs]
    if fmt.kind == "sgml":
        return [lxml_html.document_fromstring(data.decode("euc_jis_2004", "replace"))
                for data in inputs]
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             huge_tree=False)
    return [etree.fromstring(data, parser) for data in inputs]


def _units(fmt: Format, data: bytes) -> list[tuple[str, int, str]]:
    if fmt.kind == "greenbook":
        wanted = {"TTL": "TI", "PAL": "AB", "PAR": "DE"}
        return [(wanted[line[:4].strip()], i, line[5:])
                for i, line in enumerate(data.decode("latin-1").splitlines())
                if line[:4].strip() in wanted]
    if fmt.kind == "sgml":
        root = lxml_html.document_fromstring(data.decode("euc_jis_2004", "replace"))
        upper = {n.lower() for n in _TITLE | _PARAGRAPH}
        return [("TI" if e.tag.upper() in _TITLE else "DE", i, e.text_content())
                for i, e in enumerate(root.iter()) if isinstance(e.tag, str)
                and e.tag in upper]
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    units: list[tuple[str, int, str]] = []
    for i, element in enumerate(etree.fromstring(data, parser).iter()):
        name = _local(element.tag)
        field = ("TI" if name in _TITLE else "AB" if name in _ABSTRACT
                 else "CL" if name in _CLAIM else "DE" if name in _PARAGRAPH else "")
        if field:
            units.append((field, i, "".join(element.itertext())))
    return units


def bare_pipeline(engine: sa.Engine, fmt: Format, inputs: list[bytes], index_dir: Path
                  ) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE units (id INTEGER PRIMARY KEY, doc INTEGER, "
                             "field TEXT, pos INTEGER, text TEXT)")
    index = BareIndex(index_dir)
    insert = sa.text("INSERT INTO units VALUES (:id, :doc, :field, :pos, :text)")
    next_id = 1
    with engine.begin() as conn:
        for doc, data in enumerate(inputs):
            units = _units(fmt, data)
            rows = [{"id": next_id + i, "doc": doc, "field": f, "pos": p, "text": t}
                    for i, (f, p, t) in enumerate(units)]
            next_id += len(rows)
            if not rows:
                continue
            conn.execute(insert, rows)
            index.add(doc, units)
    index.commit()
    index.close()


def copies_of(fmt: Format, copies: int) -> list[SourceItem]:
    """The format's files (a gazette with the image files it names), `copies` times, each
    copy distinct: XML gets a trailing comment, text a trailing line break."""
    items = list(walk(fmt.files))
    out = []
    for n in range(copies):
        tail = (f"\n<!-- copy {n} -->\n".encode() if fmt.kind == "xml"
                else b"\n" * n)
        out += [replace(item, data=item.data + tail) if n else item for item in items]
    return out


def tokkyo_ingest(engine: sa.Engine, blobs: Path, items: list[SourceItem], index_dir: Path
                  ) -> int:
    """The real ingest of the items, then its index work written to tantivy; returns the
    publications stored."""
    report = Ingestor(engine, LocalBlobStore(blobs), batch_size=200, workers=0).run(items)
    assert set(report.counts) <= {"loaded", "replaced"}, report.counts
    outbox.drain(engine, TantivyBackend(index_dir))
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM publications").scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--formats", "--only", default="",
                        help="comma-separated names (default: all)")
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    chosen = [f for f in FORMATS if not args.formats or f.name in args.formats.split(",")]
    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    print(f"Real sample files, each {args.copies} times per run (copies replace the first; "
          f"nothing generated); medians of {args.repeat} runs on fresh databases.")
    if not args.postgres_url:
        print("PostgreSQL skipped: give --postgres-url or TOKKYO_TEST_POSTGRES_URL.")
    with tempfile.TemporaryDirectory(prefix="tokkyo-bench-foreign-") as work:
        databases = Databases(Path(work), args.postgres_url)
        try:
            for backend in backends:
                print(f"\n{backend}")
                print(f"{'format':22} {'files':>5} {'docs':>5} {'MB':>6} "
                      f"{'parse docs/s':>12} {'bare docs/s':>11} {'tokkyo docs/s':>13} "
                      f"{'tokkyo MB/s':>11} {'/bare':>6} {'CPU /bare':>9} {'/parse':>7}")
                for fmt in chosen:
                    _one(databases, backend, fmt, args.repeat, args.copies, Path(work))
        finally:
            databases.drop_all()


def _one(databases: Databases, backend: str, fmt: Format, repeat: int, copies: int,
         work: Path) -> None:
    items = copies_of(fmt, copies)
    raw = [p.read_bytes() for p in fmt.files]
    inputs = [_bare_bytes(fmt, data) for data in raw] * copies
    megabytes = sum(len(d) for d in raw) * copies / 1e6
    counted: list[int] = []

    bare_cpu: list[float] = []
    tokkyo_cpu: list[float] = []

    def parse_run() -> float:
        return timed(lambda: bare_parse(fmt, inputs))

    def bare_run() -> float:
        engine = databases.fresh(backend)
        index_dir = Path(tempfile.mkdtemp(prefix="bare-", dir=work))
        try:
            return timed(lambda: bare_pipeline(engine, fmt, inputs, index_dir), bare_cpu)
        finally:
            engine.dispose()

    def tokkyo_run() -> float:
        engine = databases.fresh(backend)
        blobs = work / f"blobs-{len(counted)}-{fmt.name}-{backend}"
        index_dir = work / f"search-{len(counted)}-{fmt.name}-{backend}"
        try:
            migrate.upgrade(engine)
            seconds = timed(lambda: counted.append(tokkyo_ingest(engine, blobs, items,
                                                                 index_dir)), tokkyo_cpu)
        finally:
            engine.dispose()
        return seconds

    runs: dict[str, list[float]] = {"parse": [], "bare": [], "tokkyo": []}
    order = [("parse", parse_run), ("bare", bare_run), ("tokkyo", tokkyo_run)]
    for n in range(repeat):
        for name, run in (order if n % 2 == 0 else order[::-1]):
            runs[name].append(run())
    parse_s, bare_s, tokkyo_s = (statistics.median(runs[k]) for k in ("parse", "bare", "tokkyo"))
    cpu_ratio = statistics.median(bare_cpu) / statistics.median(tokkyo_cpu)
    docs = counted[-1] * copies
    print(f"{fmt.name:22} {len(raw) * copies:>5} {docs:>5} {megabytes:>6.2f} "
          f"{docs / parse_s:>12.0f} {docs / bare_s:>11.0f} {docs / tokkyo_s:>13.1f} "
          f"{megabytes / tokkyo_s:>11.2f} {bare_s / tokkyo_s:>6.2f} {cpu_ratio:>9.2f} "
          f"{parse_s / tokkyo_s:>7.3f}")


if __name__ == "__main__":
    main()
    sys.exit(0)

