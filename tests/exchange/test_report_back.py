"""A partner whose agreement asks for it finds the quality report of each of its
deliveries in its outbox (exchange.md §7): the JSON as stored with the delivery and the
document-level CSV, whole; a partner whose agreement does not ask gets none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

from tests.conftest import FOREIGN
from tokkyo.exchange import partners, reports, schedule
from tokkyo.exchange.schedule import Places


def _deliver(places: Places, code: str, names: list[str]) -> None:
    folder = places.inbox(code) / f"{code.lower()}-001"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copyfile(FOREIGN / "ep" / "grant" / name, folder / name)
    (folder / "READY").write_bytes(b"")


def test_the_quality_report_goes_to_the_partners_outbox(sqlite_db, tmp_path):
    places = Places.under(tmp_path / "data")
    with sqlite_db.transaction() as conn:
        for code, extra in (("EP", '{"send_reports": true}'), ("DE", "{}")):
            partners.add_partner(conn, code, status="signed")
            partners.add_agreement(conn, code, {
                "direction": "receive", "right": "patent", "product": "publication data",
                "content": "text", "format": "ST.36", "frequency": "weekly",
                "transport": "inbox", "tolerant": True, "extra": extra})
    _deliver(places, "EP", ["v1-5-B1.xml", "v1-5-B2.xml"])
    _deliver(places, "DE", ["v1-4-B1.xml"])
    run = schedule.run_due(sqlite_db, places, secret=None, quiet=dt.timedelta(0))
    (ep,) = [r for p in run.partners for r in p.received if r.partner == "EP"]
    assert ep.state == "loaded"
    (placed,) = list(places.reports("EP").iterdir())
    assert placed.name == f"ep-001.{ep.id}"
    with sqlite_db.read_primary() as conn:
        stored = reports.delivery_report_json(conn, str(ep.id))
    assert json.loads((placed / "quality.json").read_text("utf-8")) == stored
    lines = list(csv.reader(io.StringIO((placed / "documents.csv").read_text("utf-8"))))
    assert len(lines) == 1 + ep.report["documents"]["loaded"]
    assert not places.reports("DE").exists()
