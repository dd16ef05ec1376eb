"""Ingest throughput of every foreign format (and JP trademark gazettes) next to two
references over the same bytes, in one run.

    python bench/foreign.py [--repeat 5] [--docs 300 | --copies N] [--formats ep,...]
                            [--replace] [--postgres-url URL]

Input: the real sample files of each format (samples/foreign, samples/jp-trademark-gazette),
each fed as many times per run as it takes to reach --docs publications (default 300, as
bench/ingest.py feeds 600: what a run costs once, opening an index or a database, is then
spread over many documents for every format alike), or exactly --copies times. The four
EP files that are not well-formed are left out (strict mode refuses them); so are files
that are not publications.

By default every copy after the first is RENUMBERED, as bench/ingest.py renumbers the JP
gazettes: each publication and application number in its bytes is replaced by a new one
of the same length, so that each copy's documents are new documents in new cases and
every run loads (and indexes) copies x the samples' documents, like the JP bench's
like-for-like run. The text is real; only the numbers differ.

With --replace, every copy is made distinct by a trailing line break or comment only, so
that from the second copy on tokkyo REPLACES the documents it loaded: it deletes and
rewrites their rows, but its index holds each document once (the outbox keeps one entry
per case), while the references insert and index every copy. That run measures
replacement; it is not like for like with the JP bench.

For each format, the medians of --repeat runs on fresh databases:
  bare parse      lxml parses each file (for the SGML gazettes: lxml's HTML parser over the
                  decoded text; for Green Book: splitting records and fields), nothing else
  bare pipeline   the bare parse, then title, abstract, claims and paragraphs pulled out by
                  element name (an element inside one already pulled out is not pulled
                  again; Green Book fields with their continuation lines), inserted into
                  one plain table and added to a bare tantivy index (bench/bare_index.py:
                  the terms tokkyo's tantivy index holds for those fields), committing
                  both every 200 documents as tokkyo's ingest does: what bench/ingest.py
                  calls the bare pipeline
  tokkyo ingest   the real Ingestor in one process: detection, the format's full reader
                  with its safety checks, versions and blobs, every table, the outbox;
                  then the index worker's drain into tokkyo's tantivy index
  tokkyo reader   detection and the format's reader alone (`readers.parse`, the first
                  step of the ingest), the publications in memory and nothing stored
and documents/s, MB/s, the ratio tokkyo / bare pipeline (target >= 0.7), tokkyo / bare
parse, and the CEILING: bare pipeline / tokkyo reader, the ratio tokkyo would reach if all
it does after reading (blobs, tables, the index) cost nothing; below 0.7 it says that no
work outside the reader brings the format to the target.

The four runs of a repeat follow each other (their order turned round at every
repeat), so that the machine's load falls on all four alike; the ratio of their CPU
time (this process and its threads), which that load disturbs far less, is printed
beside the wall-clock one.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import statistics
import sys
import tempfile
from collections.abc import Iterable, Iterator
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
from tokkyo.ingest.readers import parse  # noqa: E402
from tokkyo.ingest.service import Ingestor  # noqa: E402
from tokkyo.search import outbox  # noqa: E402
from tokkyo.search.backends.tantivy import TantivyBackend  # noqa: E402
from tokkyo.store import migrate  # noqa: E402
from tokkyo.store.blobs import LocalBlobStore  # noqa: E402

FOREIGN = REPO / "samples" / "foreign"
BATCH = 200          # files per transaction and index commit, in tokkyo's run and the bare one
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
_PARAGRAPH = {"p", "P", "PARA", "paragraph", "Paragraph", "Paragraphs", "GOODS-AND-SERVICE"}
#: Green Book paragraph fields (description and claims), besides TTL (title) and PAL
#: (abstract); each goes on in its continuation lines.
_GREENBOOK_PARAGRAPH = re.compile(r"PAR|PA\d|TBL\d?|EQU")


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
        # a field's text goes on in the lines that start with spaces
        units: list[tuple[str, int, str]] = []
        wanted: str | None = None
        for i, line in enumerate(data.decode("latin-1").splitlines()):
            if line[:1] == " ":
                if wanted:
                    field, pos, text = units[-1]
                    units[-1] = (field, pos, f"{text} {line.strip()}")
                continue
            tag = line[:4].strip()
            wanted = "TI" if tag == "TTL" else "AB" if tag == "PAL" else (
                "DE" if _GREENBOOK_PARAGRAPH.fullmatch(tag) else None)
            if wanted:
                units.append((wanted, i, line[5:]))
        return units
    if fmt.kind == "sgml":
        root = lxml_html.document_fromstring(data.decode("euc_jis_2004", "replace"))
        upper = {n.lower() for n in _TITLE | _PARAGRAPH}
        return [("TI" if e.tag.upper() in _TITLE else "DE", i, e.text_content())
                for i, e in enumerate(root.iter()) if isinstance(e.tag, str)
                and e.tag in upper]
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    units = []
    inside = 0          # elements left of the last unit's subtree (not units of their own)
    for i, element in enumerate(etree.fromstring(data, parser).iter()):
        if inside:
            inside -= 1
            continue
        name = _local(element.tag)
        field = ("TI" if name in _TITLE else "AB" if name in _ABSTRACT
                 else "CL" if name in _CLAIM else "DE" if name in _PARAGRAPH else "")
        if field:
            units.append((field, i, "".join(element.itertext())))
            inside = sum(1 for _ in element.iterdescendants())
    return units


def bare_pipeline(engine: sa.Engine, fmt: Format, inputs: list[bytes], index_dir: Path
                  ) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE units (id INTEGER PRIMARY KEY, doc INTEGER, "
                             "field TEXT, pos INTEGER, text TEXT)")
    index = BareIndex(index_dir)
    insert = sa.text("INSERT INTO units VALUES (:id, :doc, :field, :pos, :text)")
    next_id = 1
    for start in range(0, len(inputs), BATCH):
        with engine.begin() as conn:
            for doc, data in enumerate(inputs[start:start + BATCH], start):
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


def tokkyo_read(items: list[SourceItem]) -> None:
    """Detection and the format's reader over every item, as the ingest's first step
    does; a file the reader refuses would end the run."""
    for item in items:
        parse(item)


def copies_of(fmt: Format, copies: int) -> list[SourceItem]:
    """The format's files (a gazette with the image files it names), `copies` times, each
    copy distinct in its bytes only: XML gets a trailing comment, text a trailing line
    break. From the second copy on they replace the documents the first loaded."""
    items = list(walk(fmt.files))
    out = []
    for n in range(copies):
        tail = (f"\n<!-- copy {n} -->\n".encode() if fmt.kind == "xml"
                else b"\n" * n)
        out += [replace(item, data=item.data + tail) if n else item for item in items]
    return out


def renumbered(fmt: Format, copies: int) -> tuple[list[SourceItem], int]:
    """The format's files `copies` times, each copy renumbered as bench/ingest.py
    renumbers the JP gazettes: in every copy after the first, each publication and
    application number the files hold is replaced by a new one of the same length
    (wherever the bytes hold it: ASCII digits, and for the EUC-JP gazettes full-width
    digits too; the image files a gazette names are renamed with it), one number for it
    in all the copy's files (an OPS claims answer still completes its biblio answer),
    and each file is named apart (a DOCDB delivery is a version of its file name). So
    every copy's documents are new, in new cases, like the JP bench's. Returns the
    items and how many publications the first copy holds (each copy holds as many)."""
    items = list(walk(fmt.files))
    numbers: set[str] = set()
    keys: set[tuple[str, str, str]] = set()
    deleted: set[tuple[str, str, str]] = set()
    for item in items:
        payload = parse(item).payload
        for pub in getattr(payload, "publications", None) or [payload]:
            keys.add((pub.country, pub.kind, pub.number))
            numbers |= _forms(pub.number) | _forms(pub.application_number or "")
        deleted |= {(k.country, k.kind, k.number) for k in getattr(payload, "deletions", ())}
        if fmt.kind == "greenbook":     # WKU: a zero, the number, a check digit; APN: the
            # serial and a check digit
            numbers |= {m.decode() for m in
                        re.findall(rb"(?m)^(?:WKU  0|APN  )(\d{6,7})", item.data)}
    present = [d for d in sorted(numbers, key=lambda d: (-len(d), d))
               if any(_pattern(d).search(item.data) or
                      (fmt.kind == "sgml" and _pattern(d, wide=True).search(item.data)) or
                      (fmt.kind == "greenbook" and re.search(rb"(?m)^(WKU  0|APN  )"
                                                             + d.encode(), item.data))
                      for item in items)]
    taken = set(present)
    # per length, a counter written backwards after a 9: new numbers differ in their
    # first digits
    counters: dict[int, Iterator[int]] = {}
    out = list(items)
    for n in range(1, copies):
        mapping = {}
        for digits in present:
            counter = counters.setdefault(len(digits), itertools.count(1))
            new = next(c for c in (f"9{str(i)[::-1]}".ljust(len(digits), "0")
                                   for i in counter) if c not in taken)
            if len(new) != len(digits):
                raise SystemExit(f"{fmt.name}: too many copies to renumber {digits}")
            taken.add(new)
            mapping[digits] = new
        for item in items:
            data = item.data
            attachments = item.attachments
            for digits, new in mapping.items():
                data = _pattern(digits).sub(new.encode(), data)
                if fmt.kind == "greenbook":
                    data = re.sub(rb"(?m)^(WKU  0|APN  )" + digits.encode(),
                                  rb"\g<1>" + new.encode(), data)
                if fmt.kind == "sgml":
                    data = _pattern(digits, wide=True).sub(_wide(new), data)
                attachments = tuple((name.replace(digits, new), body)
                                    for name, body in attachments)
            stem, dot, suffix = item.name.rpartition(".")
            name = f"{stem}.copy{n}{dot}{suffix}" if dot else f"{item.name}.copy{n}"
            out.append(replace(item, name=name, data=data, attachments=attachments))
    return out, len(keys - deleted)


def _forms(number: str) -> set[str]:
    """The digit runs of a number as files write them: `01963450.0` → 01963450 and
    1963450; a JP application `2014088142` also as its serial after the year, 88142; a
    US number of seven digits also with a leading zero; a US application publication
    `20060142694` also in the DOCDB form 2006142694."""
    runs = set(re.findall(r"\d{4,}", number))
    runs |= {r.lstrip("0") for r in runs}
    runs |= {r[4:].lstrip("0") for r in runs if len(r) == 10}
    runs |= {"0" + r for r in runs}                         # US 08936998, D0435854
    runs |= {r[:4] + r[5:] for r in runs if len(r) == 11 and r[4] == "0"}  # US2006142694
    return {r for r in runs if len(r) >= 4}


def _wide(digits: str) -> bytes:
    return "".join(chr(0xFF10 + int(c)) for c in digits).encode("euc_jp")


def _pattern(digits: str, *, wide: bool = False) -> re.Pattern[bytes]:
    """The digits where no other digit goes on before or after them."""
    if wide:
        return re.compile(rb"(?<!\xa3[\xb0-\xb9])" + re.escape(_wide(digits))
                          + rb"(?!\xa3[\xb0-\xb9])")
    return re.compile(rb"(?<![0-9])" + digits.encode() + rb"(?![0-9])")


def tokkyo_ingest(engine: sa.Engine, blobs: Path, items: list[SourceItem], index_dir: Path
                  ) -> int:
    """The real ingest of the items, then its index work written to tantivy; returns the
    publications stored. Every item is loaded or replaces what it stored ("replaced" in a
    renumbered run too: OPS answers of one document, biblio, claims and description, are
    versions of one source; the caller's count of publications checks that every copy's
    are new)."""
    report = Ingestor(engine, LocalBlobStore(blobs), batch_size=BATCH, workers=0).run(items)
    assert set(report.counts) <= {"loaded", "replaced"}, report.counts
    outbox.drain(engine, TantivyBackend(index_dir))
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM publications").scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--docs", type=int, default=300,
                        help="copies enough for at least this many publications a run")
    parser.add_argument("--copies", type=int, default=0,
                        help="exactly this many copies of each format's files instead")
    parser.add_argument("--formats", "--only", default="",
                        help="comma-separated names (default: all)")
    parser.add_argument("--replace", action="store_true",
                        help="copies replace the first instead of being renumbered")
    parser.add_argument("--postgres-url", default=os.environ.get("TOKKYO_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    chosen = [f for f in FORMATS if not args.formats or f.name in args.formats.split(",")]
    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    how = ("copies replace the first" if args.replace else
           "copies renumbered, new documents in new cases")
    times = (f"each {args.copies} times" if args.copies else
             f"repeated to at least {args.docs} publications")
    print(f"Real sample files, {times} per run ({how}; nothing else changed); medians of "
          f"{args.repeat} runs on fresh databases.")
    if not args.postgres_url:
        print("PostgreSQL skipped: give --postgres-url or TOKKYO_TEST_POSTGRES_URL.")
    with tempfile.TemporaryDirectory(prefix="tokkyo-bench-foreign-") as work:
        databases = Databases(Path(work), args.postgres_url)
        try:
            for backend in backends:
                print(f"\n{backend}")
                print(f"{'format':22} {'files':>5} {'docs':>5} {'MB':>6} "
                      f"{'parse docs/s':>12} {'bare docs/s':>11} {'tokkyo docs/s':>13} "
                      f"{'tokkyo MB/s':>11} {'/bare':>6} {'CPU /bare':>9} {'/parse':>7} "
                      f"{'ceiling':>7}")
                for fmt in chosen:
                    copies = args.copies or _copies_for(fmt, args.docs)
                    _one(databases, backend, fmt, args.repeat, copies, Path(work),
                         replacing=args.replace)
        finally:
            databases.drop_all()


def _copies_for(fmt: Format, docs: int) -> int:
    """How many copies of the format's files hold at least `docs` publications."""
    per_copy = renumbered(fmt, 1)[1]
    return max(1, -(-docs // max(1, per_copy)))


def _one(databases: Databases, backend: str, fmt: Format, repeat: int, copies: int,
         work: Path, *, replacing: bool) -> None:
    if replacing:
        items, per_copy = copies_of(fmt, copies), 0
    else:
        items, per_copy = renumbered(fmt, copies)
    inputs = [_bare_bytes(fmt, item.data) for item in items]
    megabytes = sum(len(item.data) for item in items) / 1e6
    counted: list[int] = []

    bare_cpu: list[float] = []
    tokkyo_cpu: list[float] = []

    def parse_run() -> float:
        return timed(lambda: bare_parse(fmt, inputs))

    def read_run() -> float:
        return timed(lambda: tokkyo_read(items))

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

    runs: dict[str, list[float]] = {"parse": [], "bare": [], "tokkyo": [], "read": []}
    order = [("parse", parse_run), ("bare", bare_run), ("tokkyo", tokkyo_run),
             ("read", read_run)]
    for n in range(repeat):
        for name, run in (order if n % 2 == 0 else order[::-1]):
            runs[name].append(run())
    parse_s, bare_s, tokkyo_s, read_s = (statistics.median(runs[k])
                                         for k in ("parse", "bare", "tokkyo", "read"))
    cpu_ratio = statistics.median(bare_cpu) / statistics.median(tokkyo_cpu)
    if replacing:
        docs = counted[-1] * copies
    else:
        docs = counted[-1]
        assert docs == per_copy * copies, (fmt.name, docs, per_copy, copies)
    print(f"{fmt.name:22} {len(items):>5} {docs:>5} {megabytes:>6.2f} "
          f"{docs / parse_s:>12.0f} {docs / bare_s:>11.0f} {docs / tokkyo_s:>13.1f} "
          f"{megabytes / tokkyo_s:>11.2f} {bare_s / tokkyo_s:>6.2f} {cpu_ratio:>9.2f} "
          f"{parse_s / tokkyo_s:>7.3f} {bare_s / read_s:>7.2f}")


if __name__ == "__main__":
    main()
    sys.exit(0)

