"""Searching foreign documents and JP trademark gazettes with the portal's search service
(`documents.results.run`), on SQLite and PostgreSQL over the same loaded samples: a
keyword in EP claims, US title words, Chinese terms in CN text, a trademark by a part of
its mark text and by its reading, the country field `CC` combined with IPC and FI.
Expressions on JP-only fields (FI, F-terms) find JP documents only, and a country
restriction is what brings foreign ones in or keeps them out.

A DOCDB delete record removes its document from the store and from search; the files
delivered before stay in the source history."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, fresh_database, searched
from tests.ingest.foreign.test_store_counts import FOREIGN, TRADEMARKS, load
from tokkyo.documents import results
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import applications, publications, sources

DOCDB = FOREIGN / "docdb" / "DE-backfile.xml"

#: (country, kind, number) of a hit: its case's country and the document a result shows.
Hit = tuple[str, str, str]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Database]:
    """The foreign samples (tolerant), the trademark gazettes and the JP patent gazettes
    (so that JP and foreign documents meet in one index), loaded once per backend."""
    folder = tmp_path_factory.mktemp(f"foreign-search-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        db = searched(Database(make_engine(url), LocalBlobStore(folder / "blobs")),
                            folder / "search")
        try:
            report = load(db, FOREIGN, TRADEMARKS, GAZETTE)
            assert report.counts["quarantined"] == report.counts["failed"] == 0
            yield db
        finally:
            db.close()


def hits(db: Database, expression: str, law: str = "patent") -> list[Hit]:
    """The documents a search on the `law` screen finds, as (country, kind, number)."""
    with db.engine.connect() as conn, conn.begin():
        found = results.run(conn, expression, law=law, limit=200)
        assert found.total == len(found.rows) and not found.warnings
        rows = conn.execute(sa.select(applications.c.id, applications.c.country)
                            .where(applications.c.id.in_([r.id for r in found.rows])))
        countries = {row.id: row.country for row in rows}
    return sorted((countries[r.id], r.document_kind, r.document_number) for r in found.rows)


JP_WAFER = ("JP", "A", "2021044377")        # 特開2021-044377 ウェーハの加工方法
JP_BATTERY = ("JP", "A", "2021044249")      # 特開2021-044249 リチウムイオン電池のリサイクル方法
US_BONDING = ("US", "B2", "8936998")        # the ST.96 patent publication
US_OLED = ("US", "B2", "8927118")
EP_TOLLS = ("EP", "A2", "1326188")
US_BUSINESS = ("US", "A1", "20010000044")


@pytest.mark.parametrize(("expression", "expected"), [
    # EP claims: the B1 of a materials-handling vehicle, the A1 of a vehicle display
    ("vehicle/CL*EP/CC", [("EP", "A1", "3782854"), ("EP", "B1", "1019261")]),
    ("VEHICLE/CL*EP/CC", [("EP", "A1", "3782854"), ("EP", "B1", "1019261")]),
    ("vehicle/CL", [("EP", "A1", "3782854"), ("EP", "B1", "1019261"),
                    ("US", "IFW", "13962724")]),
    ("vehicle/CL-EP/CC", [("US", "IFW", "13962724")]),
    ("Druckmaschine/CL*EP/CC", [("EP", "B2", "2743087")]),          # German claims
    # EP1000000A1's claims and description came in OPS answers that later biblio answers
    # did not delete; the case's latest document, the B1, stands for it in a result list
    ("mould/CL*EP/CC", [("EP", "B1", "1000000")]),
    ("clay/DE*EP/CC", [("EP", "A2", "3882354"), ("EP", "B1", "1000000")]),   # (nano) clay
    # US titles
    ("telephone/TI*US/CC", [("US", "A", "3932709")]),
    ("balance/TI*US/CC", [("US", "A", "4347903")]),
    ("electroluminescence/TI*US/CC", [("US", "A1", "20010000943"), US_OLED]),
    ("telephone/TI*EP/CC", []),
    # Chinese terms in CN titles, claims and descriptions
    ("显示设备/TI", [("CN", "A", "113781974")]),
    ("区块链", [("CN", "A", "113783949")]),
    ("区块链/CL*CN/CC", [("CN", "A", "113783949")]),
    ("甘草*CN/CC", [("CN", "A", "104223352")]),
    ("放射治疗/TI", [("CN", "A", "115212463")]),
    # CC with IPC
    ("H04L?/IP*CN/CC", [("CN", "A", "113783949")]),
    ("G06F17/60/IP", [EP_TOLLS, US_BUSINESS]),
    ("G06F17/60/IP*EP/CC", [EP_TOLLS]),
    ("G06F17/60/IP-EP/CC", [US_BUSINESS]),
    ("H01L?/IP", [JP_WAFER, US_OLED, US_BONDING]),
    ("H01L?/IP*JP/CC", [JP_WAFER]),
    ("H01L?/IP*US/CC", [US_OLED, US_BONDING]),
    # CC with FI: FI is JP's own scheme, no foreign document carries it
    ("H01L21/78/FI", [JP_WAFER]),
    ("H01L21/78/FI*US/CC", []),
    ("[H01L21/78/FI+H01L21/30/IP]*US/CC", [US_BONDING]),
    ("H01L21/78/FI+H01L21/30/IP", [JP_WAFER, US_BONDING]),
    ("H01M10/54/FI", [JP_BATTERY]),
])
def test_foreign_documents_are_found(store, expression, expected):
    assert hits(store, expression) == expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("H01L21/78/FI", [JP_WAFER]),
    ("5F063AA04/FT", [JP_WAFER]),
    ("ウェーハ", [JP_WAFER]),
    ("電池/TI", [JP_BATTERY]),
])
def test_jp_only_expressions_find_no_foreign_document(store, expression, expected):
    """Nothing foreign answers a JP-only expression; asking for a foreign country finds
    nothing, asking for JP the same as before."""
    assert hits(store, expression) == expected
    assert hits(store, f"[{expression}]*JP/CC") == expected
    assert hits(store, f"[{expression}]*US/CC") == []
    assert hits(store, f"[{expression}]-JP/CC") == []


def test_country_alone(store):
    cn = hits(store, "CN/CC")
    assert [hit[0] for hit in cn] == ["CN"] * 9
    assert {hit[0] for hit in hits(store, "EP/CC")} == {"EP"}
    assert hits(store, "XX/CC") == []          # the ST.96 design is no patent


@pytest.mark.parametrize(("expression", "expected"), [
    ("古代?/TM", [("JP", "TM", "5721010")]),         # 古代酵素 by a part of its mark text
    ("?酵素/TM", [("JP", "TM", "5721010")]),
    ("古代/TM", []),                                  # without ?, the whole mark
    ("コダイ/CN", [("JP", "TM", "5721010")]),         # by its reading コダイ
    ("コダイコーソ/CN", [("JP", "TM", "5721010")]),
    ("?蔵王?/TM", [("JP", "TM", "5723524")]),
    ("ザオーカボチャ/CN", [("JP", "TM", "5723524")]),
    ("?guerlain?/TM", [("JP", "TM", "5742628")]),     # ＧＵＥＲＬＡＩＮ, width and case fold
    ("ゲラン/CN", [("JP", "TM", "5742628")]),
])
def test_trademarks_by_mark_text_and_reading(store, expression, expected):
    assert hits(store, expression, "trademark") == expected


def test_docdb_delete_removes_the_record_and_keeps_its_history(db, tmp_path):
    folder = tmp_path / "delivery"
    folder.mkdir()
    original = DOCDB.read_bytes()
    deleting = original.replace(b'doc-number="1258189" kind="B"',
                                b'doc-number="1258189" kind="B" status="D"', 1)
    assert deleting != original
    first = load(db, DOCDB)
    assert first.counts["loaded"] == 1
    title = "Hochspannungszuendeinrichtung/TI"
    assert hits(db, title) == [("DE", "B", "1258189")]
    assert hits(db, "Brennkraftmaschinen/TI*DE/CC") == [
        ("DE", "B", number) for number in ("1258188", "1258189", "1258190", "1258191",
                                           "1258192")]
    (folder / DOCDB.name).write_bytes(deleting)
    second = load(db, folder / DOCDB.name)
    assert second.counts["replaced"] == 1
    with db.engine.connect() as conn:
        numbers = conn.execute(sa.select(publications.c.number)
                               .where(publications.c.country == "DE")
                               .order_by(publications.c.number)).scalars().all()
        cases = conn.execute(sa.select(applications.c.application_number)
                             .where(applications.c.country == "DE")).scalars().all()
        history = conn.execute(sa.select(sources.c.version, sources.c.blob_sha256,
                                         sources.c.superseded_at.is_not(None))
                               .where(sources.c.key == "epo-docdb:file:DE-backfile.xml")
                               .order_by(sources.c.version)).all()
    assert numbers == [str(n) for n in range(1258188, 1258198) if n != 1258189]
    assert len(cases) == 9                 # the deleted record's case had no other document
    assert hits(db, title) == []
    assert hits(db, "Brennkraftmaschinen/TI*DE/CC") == [
        ("DE", "B", number) for number in ("1258188", "1258190", "1258191", "1258192")]
    assert [tuple(row) for row in history] == [
        (1, hashlib.sha256(original).hexdigest(), True),
        (2, hashlib.sha256(deleting).hexdigest(), False)]
    assert db.blobs.get(history[0].blob_sha256) == original    # what was delivered stays



def test_the_st96_design_by_its_article(store):
    """WIPO's ST.96 design example (office XX, 「Chair」) on the design screen."""
    assert hits(store, "Chair/AR", "design") == [("XX", "S", "D0123456")]
    assert hits(store, "chair", "design") == [("XX", "S", "D0123456")]
    assert hits(store, "chair") == []                # no patent
