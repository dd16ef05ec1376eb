"""A foreign delivery's documents, and a batch's one-document files (JP gazettes among
them), written together, table by table, store exactly what writing them one by one
stores: the same rows in every table, the same publication and
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

from tests.conftest import FOREIGN, GAZETTE, REAL, TRADEMARK_GAZETTES, fresh_database
from tests.ingest.builders import gazette_copy
from tokkyo.ingest import apply
from tokkyo.ingest.foreign.reading import DocumentKey, ForeignEvent
from tokkyo.ingest.items import SourceItem, walk
from tokkyo.ingest.service import Ingestor
from tokkyo.model.documents import Publication
from tokkyo.model.laws import Law
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.engine import make_engine
from tokkyo.store.repositories import publications, sources
from tokkyo.store.tables import metadata, publication_events
from tokkyo.store.tables import publications as publications_table

DOCDB = FOREIGN / "docdb"
# Rows of a document's parts and of a case's mark: their own id is a surrogate nothing
# refers to, and a replaced document's (or refilled mark's) rows are deleted and
# inserted again in either path, in another order (a mark filled twice in one batch is
# inserted once).
_CHILD_TABLES = {"claims", "paragraphs", "drawings", "amendments", "publication_texts",
                 "parties", "priorities", "classifications", "citations", "family_parents",
                 "publication_files", "publication_events", "trademark_texts",
                 "goods_services"}


# Columns that hold a case's or publication's id without a foreign key (the search
# outbox keeps the id of a deleted case; translations and summaries their own).
_REFERENCES = {"application_id", "publication_id", "source_id", "batch_id"}


class Pair:
    """Two stores loaded alike: `together` by the code as it is, `each` with every
    delivery written one by one (the reference)."""

    def __init__(self, together: str, each: str, folder: Path) -> None:
        self.engines = {"together": make_engine(together), "each": make_engine(each)}
        self.folder = folder

    def load(self, items: list[SourceItem], monkeypatch: pytest.MonkeyPatch, *,
             batch_size: int = 200, refused: int = 0, same_ids: bool = True) -> None:
        """Each store loads `items` in one run; then every table must be equal. `refused`:
        how many items the database is expected to refuse (quarantined). Without
        `same_ids`, rows are compared without their ids and the ids they refer to."""
        reports = {}
        for path in ("together", "each"):
            with monkeypatch.context() as patched:
                if path == "each":
                    _one_by_one(patched)
                reports[path] = Ingestor(self.engines[path],
                                         LocalBlobStore(self.folder / f"blobs-{path}"),
                                         batch_size=batch_size, workers=0).run(items)
        assert ([(o.name, o.status, o.reason) for o in reports["together"].outcomes]
                == [(o.name, o.status, o.reason) for o in reports["each"].outcomes])
        statuses = [o.status for o in reports["together"].outcomes]
        assert "failed" not in statuses
        assert statuses.count("quarantined") == refused
        together, each = (dump(self.engines[p], same_ids) for p in ("together", "each"))
        assert together.keys() == each.keys()
        for name in together:
            assert together[name] == each[name], name

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def _one_by_one(patched: pytest.MonkeyPatch) -> None:
    """The reference path: every delivery's documents written one by one
    (`_publish_each`), every JP gazette's publication written when its file is applied
    (`_write`), as before files were written together."""
    def write_at_once(pending: apply.Pending, conn: sa.Connection,
                      queued: list[apply._Queued], touched: set[int]) -> None:
        pending.flush(conn, touched)
        for q in queued:
            assert q.whole, "a delivery written one by one queues nothing"
            apply._write(conn, q.pub, q.source_id, touched,
                         publications.find(conn, q.pub.country, q.pub.kind, q.pub.number))

    patched.setattr(apply, "_distinct", lambda delivery: False)
    patched.setattr(apply.Pending, "add", write_at_once)


def dump(engine: sa.Engine, same_ids: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, timestamps left out (each run stamps its own), child rows
    without their own id and sorted; without `same_ids`, no table's ids nor the columns
    that refer to them."""
    out = {}
    with engine.connect() as conn:
        for name, table in metadata.tables.items():
            columns = [c for c in table.columns
                       if not (name in _CHILD_TABLES and c.name == "id")
                       and (same_ids or not (c.name == "id" or c.foreign_keys
                                             or c.name in _REFERENCES))]
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


def test_files_with_events_queued_together(pair: Pair,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """WIPO ST.96 instances (two of them report events) and OPS answers (family answers
    with legal events) queued with the batch's other files, their events written after
    the queued documents; in reverse order too, and in batches of 2."""
    st96 = list(walk(sorted(p for p in (FOREIGN / "st96").glob("*/*.xml")
                            if p.name != "GIApplication_Example.xml")))
    ops = list(walk(sorted((FOREIGN / "epo-ops").glob("*/*.xml"), reverse=True)))
    items = [*st96, *ops]
    pair.load(items, monkeypatch)
    pair.load([replace(i, data=i.data + b"\n<!-- again -->\n") for i in items], monkeypatch)
    pair.load([replace(i, data=i.data + b"\n<!-- and again -->\n") for i in reversed(items)],
              monkeypatch, batch_size=2)


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
                    _one_by_one(patched)
                Ingestor(engine, LocalBlobStore(pair.folder / f"blobs-{path}"),
                         batch_size=200, workers=0).run([_item("DE-backfile.xml",
                                                                backfile + b"\n")])
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    assert len(seen["together"]) + 8 * 10 < len(seen["each"]), (len(seen["together"]),
                                                                len(seen["each"]))
    assert dump(pair.engines["together"]) == dump(pair.engines["each"])


def test_a_batch_mixing_formats_and_copies(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """One batch of trademark gazettes and Green Book patents (their publications
    queued together), JP gazettes and API answers between them (which write at once,
    after what is queued), copies of the same files (a number queued again), and a
    DOCDB file deleting a record; then again, the copies changed; then in batches of 3."""
    singles = list(walk([TRADEMARK_GAZETTES, FOREIGN / "us" / "greenbook"]))
    # a second registration of one application (another number and reading): two marks
    # for one case in one batch, the later one kept
    mark = next(i for i in singles if i.name.endswith("TRADEMARK(5721010).SGM"))
    text = mark.data.decode("euc_jp")
    assert text.count("５７２１０１０") == 2 and "コダイコーソ" in text
    second = replace(mark, name=mark.name.replace("5721010", "5721019"),
                     data=text.replace("５７２１０１０", "５７２１０１９")
                     .replace("コダイコーソ", "コダイコウソ").encode("euc_jp"))
    singles.insert(singles.index(mark) + 1, second)
    others = list(walk([GAZETTE, *sorted(REAL.glob("*.json"))[:6]]))
    backfile = (DOCDB / "DE-backfile.xml").read_bytes()
    deleting = backfile.replace(b'doc-number="1258189" kind="B"',
                                b'doc-number="1258189" kind="B" status="D"', 1)
    items = [*singles[:5], *others[:3], _item("DE-backfile.xml", backfile), *singles[5:],
             *others[3:], *singles, _item("deleting.xml", deleting),
             *[replace(i, data=i.data + b"\n") for i in singles[:4]]]
    pair.load(items, monkeypatch)
    again = [replace(i, data=i.data + b"\n\n") for i in items]
    pair.load(again, monkeypatch)
    pair.load([replace(i, data=i.data + b"\n\n\n") for i in items], monkeypatch, batch_size=3)


def _without_text(data: bytes) -> bytes:
    """A JP gazette without its claims, description and drawings."""
    for tag in (b"claims", b"description", b"drawings"):
        data = re.sub(b"<" + tag + b">.*?</" + tag + b">", b"", data, count=1, flags=re.S)
    return data


def test_jp_gazettes_written_together(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """JP gazettes, one publication a file, queued and written together like the
    one-document foreign files: new ones; the same files changed (replacements), one
    publication's number in a second file of the batch (the later replaces the
    earlier) and a replacement without claims, description or drawings (a JP gazette
    replaces the stored publication whole, so its text goes, where a foreign
    bibliographic record keeps it); then again in batches of two."""
    gazettes = [*walk([GAZETTE]), *(_item(f"copy{n}.xml", gazette_copy(n)) for n in range(4))]
    pair.load(gazettes, monkeypatch)
    changed = [replace(i, data=i.data + b"\n") for i in gazettes]
    pair.load([*changed, _item("again.xml", gazette_copy(1)),
               _item("copy2.xml", _without_text(gazette_copy(2)))], monkeypatch)
    with pair.engines["together"].connect() as conn:
        claims = conn.exec_driver_sql(
            "SELECT count(*) FROM claims JOIN publications p ON p.id = publication_id "
            "WHERE p.number = '2021900002'").scalar_one()
    assert claims == 0
    pair.load([replace(i, data=i.data + b"\n\n") for i in gazettes], monkeypatch,
              batch_size=2)


_REFUSE = {
    "sqlite": ["CREATE TRIGGER refuse BEFORE INSERT ON publications "
               "WHEN NEW.number IN ('3937375', '5722115') "
               "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"],
    "postgresql": ["CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                   "IF NEW.number IN ('3937375', '5722115') THEN RAISE EXCEPTION "
                   "'refused for the test' USING ERRCODE = 'check_violation'; END IF; "
                   "RETURN NEW; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse BEFORE INSERT ON publications "
                   "FOR EACH ROW EXECUTE FUNCTION refuse()"],
}


def test_items_the_database_refuses_are_quarantined_alone(
        pair: Pair, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database refuses two documents of a batch whose files are written together
    (a trigger, in both stores): the batch is loaded again item by item, the two files
    are quarantined and every other file is stored, as one by one. (PostgreSQL does not
    take back the ids the rolled-back attempt drew from its sequences, and that attempt
    drew more of them written together than one by one: there, the rows are compared
    without their ids.)"""
    for engine in pair.engines.values():
        with engine.begin() as conn:
            for statement in _REFUSE[backend]:
                conn.exec_driver_sql(statement)
    items = list(walk([TRADEMARK_GAZETTES, FOREIGN / "us" / "greenbook"]))
    pair.load(items, monkeypatch, refused=2, same_ids=backend == "sqlite")
    with pair.engines["together"].connect() as conn:
        stored = set(conn.exec_driver_sql("SELECT number FROM publications").scalars())
    assert len(stored) == 9 and not {"3937375", "5722115"} & stored


def test_events_naming_a_document_a_later_file_brings_are_not_written_to_it(
        database_url: str) -> None:
    """The queue's rule for events (the readers report events of their own file's
    documents today, so no real file reaches it): queued events that name a document a
    later file brings are written before that file's document, which they therefore do
    not find, as writing each file at once would; a file's events of its own document
    are written after it."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            sources.record_blob(conn, "0" * 64, 1)
            source = sources.add_version(conn, key="k", format="test", name="n",
                                         blob_sha256="0" * 64, fingerprint="0" * 64,
                                         batch_id=None).id

            def queued(number: str) -> apply._Queued:
                return apply._Queued(
                    Publication(country="US", kind="B2", st16_kind="B2", law=Law.PATENT,
                                number=number, date=None, application_number=f"9{number}",
                                filing_date=None, title=f"title {number}"),
                    source, partial=False, files=None)

            def event(number: str) -> ForeignEvent:
                return ForeignEvent(DocumentKey("US", "B2", number), "X", "2020-01-01")

            pending, touched = apply.Pending(), set[int]()
            pending.add(conn, [queued("1")], touched, [event("2")])   # another's document
            pending.add(conn, [queued("2")], touched)                 # the document named
            pending.add(conn, [queued("3")], touched, [event("3")])   # its own document
            pending.flush(conn, touched)
            p, e = publications_table.c, publication_events.c
            held = {number: events for number, events in conn.execute(
                sa.select(p.number, sa.func.count(e.publication_id))
                .select_from(publications_table.outerjoin(
                    publication_events, e.publication_id == p.id))
                .group_by(p.number))}
        assert held == {"1": 0, "2": 0, "3": 1}
    finally:
        engine.dispose()
