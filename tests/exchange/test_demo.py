"""The demo's partners (exchange/demo.py) on SQLite: the sample files of every foreign
format arrive through the EPO's, USPTO's, CNIPA's and WIPO's inboxes and are received
whole, each with its quality report; Singapore has an agreement and nothing delivered, and
its row of the status table reads × from that alone; seeding again adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import FOREIGN
from tokkyo.exchange import demo, reports
from tokkyo.exchange.schedule import Places
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.parsed import Delivery
from tokkyo.ingest.readers import parse
from tokkyo.model.documents import Publication
from tokkyo.store.tables import exchange_deliveries, exchange_documents, exchange_partners


def test_the_demo_partners_deliver_through_their_inboxes(sqlite_db, tmp_path):
    places = Places.under(tmp_path / "data")
    received = demo.seed(sqlite_db, places, FOREIGN)
    assert sorted(r.partner for r in received) == ["CN", "EP", "US", "WO"]
    assert {r.state for r in received} == {"loaded"}, [r.report for r in received]
    for r in received:
        quality = r.report["quality"]
        assert quality["delivery"] == str(r.id) and quality["partner"] == r.partner
        assert quality["accuracy"]["documents"] == r.report["documents"]["loaded"]
    lines = demo.summary(sqlite_db)
    rows = {line.split()[0]: line for line in lines if not line.startswith((" ", "late"))}
    assert sorted(rows) == ["CN", "EP", "SG", "US", "WO"]
    assert rows["SG"].startswith("SG Singapore: agreement ○, exchange × (never), public ○, "
                                 "last delivery never"), rows["SG"]
    assert "exchange △ (irregular)" in rows["EP"]     # one weekly delivery so far
    reported = [line for line in lines if line.startswith("  delivery ")]
    assert len(reported) == 4 and all("completeness" in line for line in reported)
    assert not any(line.startswith("late") for line in lines)
    with sqlite_db.engine.connect() as conn:
        documents = conn.execute(sa.select(sa.func.count())
                                 .select_from(exchange_documents)).scalar_one()
        codes = set(conn.execute(sa.select(exchange_partners.c.code)).scalars())
    assert documents > 50 and codes == {"CN", "EP", "SG", "US", "WO"}
    assert not any(list(places.inbox(code).iterdir()) for code in ("EP", "US", "CN", "WO"))
    assert demo.seed(sqlite_db, places, FOREIGN) == []
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count())
                            .select_from(exchange_deliveries)).scalar_one() == 4


def test_the_epo_authority_file_names_the_document_its_delivery_left_out(sqlite_db, tmp_path):
    """The demo's EP authority file lists every EP sample; the delivery leaves the last
    file out, and the holding's completeness names exactly that file's publication."""
    demo.seed(sqlite_db, Places.under(tmp_path / "data"), FOREIGN)
    files = [p for p in sorted((FOREIGN / "ep").rglob("*"))
             if p.is_file() and p.suffix.lower() in demo.DATA_SUFFIXES]
    payload = parse(SourceItem(files[-1].name, files[-1].read_bytes()), tolerant=True).payload
    assert isinstance(payload, Publication | Delivery)
    (left_out,) = (payload,) if isinstance(payload, Publication) else payload.publications
    with sqlite_db.engine.connect() as conn:
        held = reports.holding_completeness(conn, "EP")
    assert held.has_authority_file and held.listed >= len(files) - 1
    assert [(e.number, e.kind) for e in held.missing] == [
        (left_out.number.lstrip("0"), left_out.kind)]
    line = next(x for x in demo.summary(sqlite_db) if x.startswith("  authority file"))
    assert line.endswith(f"missing EP{left_out.number.lstrip('0')}{left_out.kind}"), line
