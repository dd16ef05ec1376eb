"""Legal events an EPO OPS family answer reports are stored with the document they are
about, each report replacing the last, and shown on its page (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.conftest import FOREIGN, ingest
from tokkyo.documents import service
from tokkyo.store.tables import publication_events, publications

OPS = FOREIGN / "epo-ops" / "epo_ops_xml"


def _events(db, country: str, number: str, kind: str) -> list[sa.Row]:
    with db.engine.connect() as conn:
        return list(conn.execute(
            sa.select(publication_events.c.code, publication_events.c.date)
            .join(publications, publications.c.id == publication_events.c.publication_id)
            .where(publications.c.country == country, publications.c.number == number,
                   publications.c.kind == kind)
            .order_by(publication_events.c.position)))


def _codes(name: str) -> list[str]:
    return [c.strip() for c in re.findall(r'<ops:legal code="([^"]*)"',
                                          (OPS / name).read_text(encoding="utf-8"))]


def test_a_family_answer_s_events_are_stored_and_a_later_report_replaces_them(db, tmp_path):
    assert ingest(db, OPS / "example_3.xml").ok
    assert [e.code for e in _events(db, "US", "10465445", "B2")] == _codes("example_3.xml")
    assert ingest(db, OPS / "example_1.xml").ok
    assert [e.code for e in _events(db, "EP", "1000000", "A1")] == _codes("example_1.xml")
    assert ingest(db, OPS / "example_2.xml").ok          # a later report of the same family
    assert [e.code for e in _events(db, "EP", "1000000", "A1")] == _codes("example_2.xml")
    with db.engine.connect() as conn:
        view = service.document(conn, service.DocumentRef("EP", "patent", "pub", "1000000A1"))
    assert [e["code"] for e in view["reported_events"]] == _codes("example_2.xml")
