"""A foreign delivery's documents written together, table by table, store exactly what
writing them one by one stores: the same rows in every table, the same publication and
case ids (only the child rows' own ids, which nothing refers to, may differ), on both
databases. Each case is loaded into two fresh stores, one with the one-by-one path as
the reference, and every table compared after every run."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FOREIGN, TRADEMARK_GAZETTES, fresh_database
from tokkyo.ingest import apply
from tokkyo.ingest.items import SourceItem, walk
from tokkyo.ingest.service import Ingestor
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import metadata

DOCDB = FOREIGN / "docdb"
# Rows of a document's parts: their own id is a surrogate nothing refers to, and a
# replaced document's rows are deleted and inserted again in either path.
_CHILD_TABLES = {"claims", "paragraphs", "drawings", "amendments", "publication_texts",
                 "parties", "priorities", "classifications", "citations", "family_parents",
                 "publication_files", "publication_events"}


class Pair:
    """Two stores loaded alike: `together` by the code as it is, `each` with every
    delivery written one by one (the reference)."""

    def __init__(self, together: str, each: str, folder: Path) -> None:
        self.engines = {"together": make_engine(together), "each": make_engine(each)}
        self.folder = folder

    def load(self, items: list[SourceItem], monkeypatch: pytest.MonkeyPatch) -> None:
        """Each store loads `items` in one run; then every table must be equal."""
        reports = {}
        for path in ("together", "each"):
            with monkeypatch.context() as patched:
                if path == "each":
                    patched.setattr(apply, "_publish_together", apply._publish_each)
                reports[path] = Ingestor(self.engines[path],
                                         LocalBlobStore(self.folder / f"blobs-{path}"),
                                         batch_size=200, workers=0).run(items)
        assert ([(o.name, o.status, o.reason) for o in reports["together"].outcomes]
                == [(o.name, o.status, o.reason) for o in reports["each"].outcomes])
        assert not {o.status for o in reports["together"].outcomes} & {"failed",
                                                                      "quarantined"}
        together, each = (dump(self.engines[p]) for p in ("together", "each"))
        assert together.keys() == each.keys()
        for name in together:
            assert together[name] == each[name], name

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def dump(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, timestamps left out (each run stamps its own), child rows
    without their own id and sorted."""
    out = {}
    with engine.connect() as conn:
        for name, table in metadata.tables.items():
            columns = [c for c in table.columns
                       if not (name in _CHILD_TABLES and c.name == "id")]
            rows = [tuple(None if isinstance(v, dt.datetime) else v for v in r)
                    for r in conn.execute(sa.select(*columns))]
            out[name] = sorted(rows, key=repr)
    return out


@pytest.fixture
def pair(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with fresh_database(backend, request, tmp_path / "a") as first, \
            fresh_database(backend, request, tmp_path / "b") as second:
        stores = Pair(first, second, tmp_path)
        yield stores
        stores.close()


def _item(name: str, data: bytes) -> SourceItem:
    return SourceItem(name, data)


def _records(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    """A DOCDB file cut into its head, its records and its tail."""
    starts = [m.start() for m in re.finditer(rb"<exch:exchange-document ", data)]
    end = data.rindex(b"</exch:exchange-documents>")
    records = [data[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]
    return data[:starts[0]], records, data[end:]


def _renumbered(record: bytes, number: str, new: str) -> bytes:
    return record.replace(number.encode(), new.encode())


def _status(record: bytes, status: str) -> bytes:
    return record.replace(b'kind="B"', f'kind="B" status="{status}"'.encode(), 1)


def _number(record: bytes) -> str:
    found = re.search(rb'doc-number="(\d+)"', record)
    assert found is not None
    return found.group(1).decode()


def test_docdb_new_replaced_deleted_and_a_number_twice(pair: Pair,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    backfile = (DOCDB / "DE-backfile.xml").read_bytes()
    head, records, tail = _records(backfile)
    assert len(records) == 10
    # new documents, then the same file again (every record replaced)
    pair.load([_item("DE-backfile.xml", backfile),
               _item("AP.xml", (DOCDB / "AP-1206-A_302101161.xml").read_bytes())], monkeypatch)
    pair.load([_item("DE-backfile.xml", backfile + b"\n<!-- again -->\n")], monkeypatch)

    # one delivery mixing replaced records (amended, one with another title), new ones
    # (renumbered copies, one of them sharing its case with a stored record), a record
    # deleted that the delivery itself created, and one deleted that was stored before
    first, second, third = (_number(r) for r in records[:3])
    mixed = [
        _status(records[0].replace(b"Kraftstoffeinspritzpumpe", b"Einspritzpumpe"), "A"),
        _renumbered(records[1], second, "1358189"),
        _status(records[2], "A"),
        _renumbered(records[3], _number(records[3]), "1358191"),
        _status(_renumbered(records[4], _number(records[4]), "1358192"), "C"),
        _status(_renumbered(records[4], _number(records[4]), "1358192"), "D"),
        _status(records[1], "D"),
        *records[5:],
    ]
    pair.load([_item("mixed.xml", head + b"".join(mixed) + tail)], monkeypatch)

    # one number twice in a file: the second replaces the first (written one by one)
    twice = [records[0], records[0].replace(b"Kraftstoffeinspritzpumpe", b"Pumpe"), records[6]]
    pair.load([_item("twice.xml", head + b"".join(twice) + tail)], monkeypatch)

    engine = pair.engines["together"]
    with engine.connect() as conn:
        numbers = set(conn.exec_driver_sql(
            "SELECT number FROM publications WHERE country = 'DE'").scalars())
        title = conn.exec_driver_sql(
            f"SELECT title FROM publications WHERE number = '{first}'").scalar_one()
    assert {"1358189", "1358191", third} <= numbers
    assert not {"1358192", second} & numbers
    assert title.startswith("Pumpe")


def test_ops_answers_merged_with_events(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """OPS answers: biblio, claims and description (partial, merged into the stored
    document), families with their legal events; then all of them again."""
    items = list(walk(sorted((FOREIGN / "epo-ops").glob("*/*.xml"))))
    pair.load(items, monkeypatch)
    pair.load([replace(i, data=i.data + b"\n<!-- again -->\n") for i in items], monkeypatch)


def test_full_text_and_one_document_deliveries(pair: Pair,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """EP full text and Green Book (one document a file), then OPS bibliographic
    answers replacing documents whose text must stay, and trademark gazettes with
    their files, each file twice."""
    paths = [*sorted((FOREIGN / "us" / "greenbook").glob("*")),
             *sorted(p for p in (FOREIGN / "ep").glob("*/*.xml")
                     if p.name in {"v1-5-A1.xml", "v1-3-B1.xml"}),
             TRADEMARK_GAZETTES]
    items = list(walk(paths))
    pair.load(items, monkeypatch)
    pair.load([replace(i, data=i.data + b"\n") for i in items], monkeypatch)
    pair.load(list(walk(sorted((FOREIGN / "epo-ops").glob("*/biblio_*.xml")))), monkeypatch)


def test_a_delivery_is_written_in_a_few_statements_per_table(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten replaced DOCDB records cost about the statements of one document's tables,
    not ten times them (the point of writing them together): one by one each record
    runs a dozen or more (find, its case, its tables held, clears, update, inserts), so
    the run together saves over eight statements a record (PostgreSQL's COPY inserts,
    which pass by the driver's cursor, are not counted)."""
    backfile = (DOCDB / "DE-backfile.xml").read_bytes()
    pair.load([_item("DE-backfile.xml", backfile)], monkeypatch)
    seen: dict[str, list[str]] = {"together": [], "each": []}
    for path, engine in pair.engines.items():
        def count(conn: object, cursor: object, statement: str, *args: object,
                  path: str = path) -> None:
            seen[path].append(statement)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            with monkeypatch.context() as patched:
                if path == "each":
                    patched.setattr(apply, "_publish_together", apply._publish_each)
                Ingestor(engine, LocalBlobStore(pair.folder / f"blobs-{path}"),
                         batch_size=200, workers=0).run([_item("DE-backfile.xml",
                                                                backfile + b"\n")])
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    assert len(seen["together"]) + 8 * 10 < len(seen["each"]), (len(seen["together"]),
                                                                len(seen["each"]))
    assert dump(pair.engines["together"]) == dump(pair.engines["each"])
