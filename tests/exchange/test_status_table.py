"""The status table computed from the data alone (issue 16 item 7, exchange.md §8), for
partners in the situations of the JPO's own table (seed 002): Singapore (nothing since
2015), Thailand (resumed after a gap since 2020), Malaysia (abstracts only, irregular),
Vietnam and Indonesia (regular but abstract only); the operators' text, the alerts, the
history and the JSON twin, on SQLite and PostgreSQL.

The delivered documents are the corpus EP documents read with the real reader, given
each partner's country; an abstract-only partner's are cut to what it sends."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.exchange.corpus_records import delivered
from tests.exchange.stored_records import store_records
from tokkyo.exchange import reports
from tokkyo.exchange.inputs import AgreementRow, Delivery, PartnerInfo
from tokkyo.exchange.reports import MemorySource

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
ABSTRACT_ONLY = frozenset({"bibliography", "abstract"})


def monthly(partner: str, provision: bool) -> AgreementRow:
    return AgreementRow(partner=partner, direction="receive", right="patent",
                        product="publication data", content="text", format="XML",
                        kind_codes=("A", "B"), frequency="monthly", max_delay_days=90,
                        public_provision=provision)


def at(*dates: str) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(d).replace(tzinfo=dt.UTC) for d in dates]


def seed_records() -> MemorySource:
    source = MemorySource()
    corpus = [d for d in delivered("template", NOW) if not d.bibliographic_only][:4]
    plans = {
        # code: (name, public provision, delivery times, abstract only)
        "SG": ("Singapore", False, at("2015-03-01", "2015-06-01"), False),
        "TH": ("Thailand", False, at("2019-11-02", "2020-02-01", "2026-10-15",
                                     "2026-11-14"), False),
        "MY": ("Malaysia", False, at("2026-01-20", "2026-06-03", "2026-09-28"), True),
        "VN": ("Vietnam", False, at("2026-09-05", "2026-10-04", "2026-11-05"), True),
        "ID": ("Indonesia", True, at("2026-09-10", "2026-10-10", "2026-11-10"), True),
    }
    for code, (name, provision, times, abstracts) in plans.items():
        source.partner_list.append(PartnerInfo(code, name))
        source.agreements.append(monthly(code, provision))
        for i, when in enumerate(times):
            delivery_id = f"{code}-{when:%Y%m%d}"
            source.delivery_list.append(Delivery(code, delivery_id, 1, when, "loaded",
                                                 files=len(corpus)))
            for doc in corpus:
                source.document_list.append(dataclasses.replace(
                    doc, delivery_id=delivery_id, received_at=when,
                    number=f"{int(doc.number) + i:07d}",
                    publication_date=(when - dt.timedelta(days=20)).date(),
                    filing_date=(when - dt.timedelta(days=600)).date(),
                    sections_present=ABSTRACT_ONLY if abstracts else doc.sections_present))
    return source


@pytest.fixture
def records():
    return seed_records()


def table(db, records, now=NOW):
    with db.engine.connect() as conn:
        return {r.partner: r for r in reports.status_table(conn, now, records=records)}


def test_the_seed_situations_come_out_from_the_data_alone(db, records):
    with db.engine.begin() as conn:
        reports.set_state(conn, "SG", "新しいMOUを準備中 / preparing a new MOU", "op1")
        reports.set_state(conn, "MY", "partner site often unreachable; files > 10 MB fail",
                          "op1")
    rows = table(db, records)
    got = {code: (r.agreement, r.exchange, r.public_provision, r.regularity, r.content)
           for code, r in rows.items()}
    assert got == {
        "SG": ("○", "×", "×", "none since 2015", "—"),
        "TH": ("○", "○", "×", "resumed 2026-10-15 after a gap since 2020", "full text"),
        "MY": ("○", "△", "×", "irregular", "abstract only"),
        "VN": ("○", "○", "×", "regular", "abstract only"),
        "ID": ("○", "○", "○", "regular", "abstract only"),
    }
    assert rows["SG"].state == "新しいMOUを準備中 / preparing a new MOU"
    assert rows["VN"].state == ""
    assert rows["SG"].reasons == ("nothing for 12 months (last 2015-06-01)",)
    # quality C/A/T from the latest delivery: abstract-only documents are incomplete
    assert rows["VN"].quality_text() == "0/100/100"
    assert rows["SG"].quality_text() == "100/100/100"
    assert rows["TH"].quality["completeness"] == 1.0
    twin = rows["MY"].as_json()
    assert (twin["data_exchange"], twin["content"], twin["current_state"]) == (
        "△", "abstract only", "partner site often unreachable; files > 10 MB fail")


def test_late_partners_are_alerts(db, records):
    with db.engine.connect() as conn:
        alerts = {a.partner: a for a in reports.alerts(conn, NOW, records=records)}
    assert sorted(alerts) == ["MY", "SG"]
    assert alerts["MY"].message == (
        "MY: late by 34 days against its monthly deliveries (last 2026-09-28)")
    # a month later every partner without a new delivery is late
    with db.engine.connect() as conn:
        later = {a.partner for a in reports.alerts(conn, NOW + dt.timedelta(days=40),
                                                 records=records)}
    assert later == {"SG", "TH", "MY", "VN", "ID"}


def test_a_partial_delivery_makes_a_regular_partner_partial(db, records):
    last = records.delivery_list[-1]
    records.delivery_list[-1] = dataclasses.replace(last, state="partially-loaded",
                                                    files_quarantined=1)
    row = table(db, records)[last.partner]
    assert (row.exchange, row.regularity) == ("△", "partial")
    assert "latest delivery partially-loaded" in row.reasons


def test_history_keeps_each_recorded_table(db, records):
    with db.engine.begin() as conn:
        reports.record(conn, reports.status_table(conn, NOW - dt.timedelta(days=400),
                                                  records=records),
                       NOW - dt.timedelta(days=400))
        reports.record(conn, reports.status_table(conn, NOW, records=records), NOW)
    with db.engine.connect() as conn:
        history = reports.history(conn, "TH")
    assert [(h["computed_at"][:10], h["data_exchange"]) for h in history] == [
        ("2026-12-01", "○"), ("2025-10-27", "×")]


def test_a_bad_state_text_is_refused_and_nothing_changes(db, records):
    with db.engine.begin() as conn:
        reports.set_state(conn, "VN", "claims, description, figures wanted", "op1")
    with pytest.raises(reports.ReportError, match="at most 2000 characters"), \
            db.engine.begin() as conn:
        reports.set_state(conn, "VN", "x" * 2001, "op1")
    assert table(db, records)["VN"].state == "claims, description, figures wanted"


def test_the_store_gives_the_same_table_as_the_records_it_holds(db, records):
    """The pipeline's tables read through `records.STORE` (the seed's deliveries written
    as the pipeline records them) give the table the records give in memory."""
    store_records(db.engine, records)
    with db.engine.connect() as conn:
        stored = [r.as_json() for r in reports.status_table(conn, NOW)]
        held = [r.as_json() for r in reports.status_table(conn, NOW, records=records)]
        alerts = [a.message for a in reports.alerts(conn, NOW)]
    assert stored == held
    assert alerts == ["MY: late by 34 days against its monthly deliveries (last 2026-09-28)",
                      "SG: late by 4171 days against its monthly deliveries (last 2015-06-01)"]
