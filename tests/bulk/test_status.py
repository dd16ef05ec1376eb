"""The status page (bulk.md §8): each product's publishing runs against its schedule,
and recent incidents."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import sqlalchemy as sa

from tokkyo.bulk import catalog, publish
from tokkyo.bulk.status import Schedule, status_of
from tokkyo.model.jst import JST
from tokkyo.store.engine import write_connection
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows
from tokkyo.store.tables import announcements, products

BUSINESS = Schedule("business-days", dt.time(10, 0))
DAILY = Schedule("daily", dt.time(6, 0))


def jst(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=JST)


# 2026-11-16 is a Monday, 2026-11-21 a Saturday
@pytest.mark.parametrize("schedule, last_run, now, state, late_since, next_due", [
    (BUSINESS, "2026-11-17 09:00", "2026-11-17 11:00", "on-schedule", None, "2026-11-18 10:00"),
    (BUSINESS, "2026-11-16 09:00", "2026-11-17 09:59", "on-schedule", None, "2026-11-17 10:00"),
    (BUSINESS, "2026-11-16 09:00", "2026-11-17 10:00", "late", "2026-11-17 10:00",
     "2026-11-18 10:00"),
    (BUSINESS, "2026-11-16 09:00", "2026-11-19 12:00", "late", "2026-11-17 10:00",
     "2026-11-20 10:00"),
    # the weekend is not a business day: Friday's run is on schedule until Monday 10:00
    (BUSINESS, "2026-11-20 09:30", "2026-11-22 23:00", "on-schedule", None, "2026-11-23 10:00"),
    (BUSINESS, "2026-11-20 09:30", "2026-11-23 10:01", "late", "2026-11-23 10:00",
     "2026-11-24 10:00"),
    # a late run (after its due time) serves the next due time
    (BUSINESS, "2026-11-16 10:30", "2026-11-17 11:00", "on-schedule", None, "2026-11-18 10:00"),
    (DAILY, "2026-11-21 05:00", "2026-11-22 05:59", "on-schedule", None, "2026-11-22 06:00"),
    (DAILY, "2026-11-21 05:00", "2026-11-22 06:00", "late", "2026-11-22 06:00",
     "2026-11-23 06:00"),
    (DAILY, None, "2026-11-22 06:00", "never-run", None, "2026-11-23 06:00"),
])
def test_status_against_the_schedule(schedule, last_run, now, state, late_since, next_due):
    got = status_of(schedule, last_run and jst(last_run), jst(now))
    assert got.state == state
    assert got.late_since == (late_since and jst(late_since))
    assert got.next_due == jst(next_due)


def test_times_in_utc_are_compared_in_jst():
    # 2026-11-17 00:30 UTC is 09:30 JST on Tuesday: Monday's run is still on schedule
    now = dt.datetime(2026, 11, 17, 0, 30, tzinfo=dt.UTC)
    assert status_of(BUSINESS, jst("2026-11-16 09:00"), now).state == "on-schedule"
    assert status_of(None, None, now).state == "unscheduled"


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="unknown schedule days 'weekly'"):
        Schedule("weekly", dt.time(10, 0))


def test_a_run_that_finds_nothing_new_still_counts(sqlite_db, tmp_path):
    now = dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)
    with sqlite_db.engine.begin() as conn:
        catalog.ensure_products(conn)
        publish.publish(conn, sqlite_db.blobs, "legal-status", release_type="backfile",
                        now=now, workdir=tmp_path)
        later = now + dt.timedelta(days=1)
        result = publish.publish(conn, sqlite_db.blobs, "legal-status", now=later,
                                 workdir=tmp_path)
        assert result.release_id is None                 # nothing new
        assert rows.product(conn, "legal-status").last_run_at == later
        assert rows.product(conn, "case-progress").last_run_at is None


def test_the_status_page_and_its_json(site):
    db = site.database()
    now = dt.datetime.now(dt.UTC)
    with write_connection(db.engine) as conn, conn.begin():
        conn.execute(sa.update(products).where(products.c.id == "legal-status")
                     .values(last_run_at=now - dt.timedelta(days=5)))
        conn.execute(sa.update(products).where(products.c.id == "case-progress")
                     .values(last_run_at=now))
        outage = bulk_activity.announce(
            conn, published_at=now - dt.timedelta(days=2), category="outage",
            title_ja="配信停止", title_en="Downloads stopped", body_ja="", body_en="")
        old = bulk_activity.announce(
            conn, published_at=now - dt.timedelta(days=200), category="outage",
            title_ja="古い障害", title_en="An old outage", body_ja="", body_en="")
    try:
        answer = httpx.get(f"{site.base}/bulk/status", headers={"Accept": "application/json"})
        assert answer.status_code == 200
        body = answer.json()
        states = {p["id"]: p for p in body["products"]}
        assert states["legal-status"]["state"] == "late"
        assert states["legal-status"]["lateSince"] is not None
        assert states["case-progress"]["state"] == "on-schedule"
        assert states["case-progress"]["lastRelease"].startswith("case-progress-")
        assert [i["title"] for i in body["incidents"]] == ["Downloads stopped"]
        for lang, late, heading in (("en", "Late", "Service status"),
                                    ("ja", "遅延", "稼働状況")):
            page = httpx.get(f"{site.base}/bulk/status?lang={lang}",
                             headers={"Accept": "text/html"})
            assert page.status_code == 200
            assert f"<h1>{heading}</h1>" in page.text
            row = page.text.split('data-id="legal-status"')[1].split("</tr>")[0]
            assert f"<strong>{late}</strong>" in row and " JST</time>" in row
            assert "配信停止" in page.text or "Downloads stopped" in page.text
            assert "An old outage" not in page.text and "古い障害" not in page.text
    finally:
        with write_connection(db.engine) as conn, conn.begin():
            conn.execute(sa.delete(announcements).where(announcements.c.id.in_((outage, old))))
            conn.execute(sa.update(products).values(last_run_at=None))
        db.close()
