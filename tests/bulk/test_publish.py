"""Publishing products from the store, replacing files, archive orders: the same on
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, REAL, ingest, table_counts
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import archive, catalog, manifests, publish
from tokkyo.bulk.access import BulkContext
from tokkyo.bulk.errors import BulkError, NotEntitled, NotFound, SplitUnit
from tokkyo.config import load_settings
from tokkyo.store.repositories import bulk_activity, users
from tokkyo.store.repositories import products as rows

NOW = dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC)       # 10:00 JST
LATER = NOW + dt.timedelta(days=1)


@pytest.fixture
def loaded(db, tmp_path):
    ingest(db, GAZETTE, REAL)
    blobs = db.blobs
    with db.engine.begin() as conn:
        catalog.ensure_products(conn)
    return db, blobs, tmp_path / "work"


def _publish(db, blobs, work, product, now=NOW, **kw):
    with db.engine.begin() as conn:
        return publish.publish(conn, blobs, product, now=now, workdir=work, **kw)


def test_gazette_release_holds_the_files_as_received(loaded):
    db, blobs, work = loaded
    result = _publish(db, blobs, work, "jp-gazette-a", release_type="backfile")
    assert result.release_id == "jp-gazette-a-20261121-1"
    with db.engine.connect() as conn:
        manifest = manifests.manifest(conn, result.release_id)
        sums = manifests.sha256sums(conn, result.release_id)
    assert manifest["format"] == "tokkyo-manifest" and manifest["type"] == "backfile"
    assert manifest["period"] == {"from": "2021-03-18", "to": "2021-03-18"}
    assert manifest["published_at"] == "2026-11-21T10:00:00+09:00"
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == {"jp-gazette-a-20210318.zip", "completeness.csv"}
    day = files["jp-gazette-a-20210318.zip"]
    assert day["records"] == {"total": 3, "new": 3, "changed": 0, "deleted": 0}
    data = blobs.path(day["sha256"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == day["sha256"] and len(data) == day["bytes"]
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert sorted(bundle.namelist()) == [f"20210318/jp_example{i}.xml" for i in (1, 2, 3)]
        for i in (1, 2, 3):   # byte for byte what was received
            assert bundle.read(f"20210318/jp_example{i}.xml") == (
                GAZETTE / f"jp_example{i}.xml").read_bytes()
    completeness = list(csv.DictReader(io.StringIO(
        blobs.path(files["completeness.csv"]["sha256"]).read_text("utf-8"))))
    assert {(r["publication_number"], r["state"]) for r in completeness} == {
        ("2021044377", "present"), ("2021044249", "present"), ("2021041306", "present")}
    assert sums.splitlines() == [f"{files[n]['sha256']}  {n}" for n in sorted(files)]


def test_publishing_the_same_data_again_publishes_nothing(loaded):
    db, blobs, work = loaded
    first = _publish(db, blobs, work, "jp-gazette-a", release_type="backfile")
    again = _publish(db, blobs, work, "jp-gazette-a", now=LATER)
    assert first.release_id and again.release_id is None
    assert again.unchanged == ["jp-gazette-a-20210318.zip"]
    with db.engine.connect() as conn:
        assert len(rows.releases_of(conn, "jp-gazette-a")) == 1


def test_progress_and_legal_status_products(loaded):
    db, blobs, work = loaded
    progress = _publish(db, blobs, work, "case-progress", release_type="backfile")
    status = _publish(db, blobs, work, "legal-status", release_type="backfile")
    with db.engine.connect() as conn:
        p_file = rows.files_of(conn, progress.release_id)[0]
        s_file = rows.files_of(conn, status.release_id)[0]
    lines = blobs.path(p_file.sha256).read_text("utf-8").splitlines()
    assert len(lines) == p_file.records_total >= 1
    cases = {(json.loads(x)["law"], json.loads(x)["data"]["applicationNumber"]) for x in lines}
    assert ("patent", "2020123456") in cases
    recorded = json.loads((REAL / "patent__v1__app_progress__2020123456.json")
                          .read_text("utf-8"))["result"]["data"]
    ours = next(json.loads(x)["data"] for x in lines
                if json.loads(x)["data"]["applicationNumber"] == "2020123456")
    assert ours == recorded                  # the same data object the API answers
    events = list(csv.DictReader(io.StringIO(blobs.path(s_file.sha256).read_text("utf-8"))))
    assert len(events) == s_file.records_total >= 1
    assert all(len(e["st27_code"]) == 3 for e in events)


def test_bad_publish_requests(loaded):
    db, blobs, work = loaded
    with pytest.raises(NotFound, match="no product 'nope'"):
        _publish(db, blobs, work, "nope")
    with pytest.raises(BulkError, match="a backfile covers everything"):
        _publish(db, blobs, work, "jp-gazette-a", release_type="backfile",
                 since=dt.date(2021, 1, 1))
    assert _publish(db, blobs, work, "jp-gazette-a", since=dt.date(2030, 1, 1)
                    ).release_id is None


def test_replacement_keeps_history_and_announces(loaded, tmp_path):
    db, blobs, work = loaded
    release = _publish(db, blobs, work, "jp-gazette-a", release_type="backfile").release_id
    corrected = tmp_path / "corrected.zip"
    corrected.write_bytes(b"PK corrected bytes")
    with db.engine.connect() as conn:
        old = rows.current_file(conn, release, "jp-gazette-a-20210318.zip")
    with db.engine.begin() as conn:
        new_id = publish.replace(conn, blobs, release, old.name, corrected,
                                 reason="wrong drawing in 2021044377", now=LATER)
    with db.engine.connect() as conn:
        manifest = manifests.manifest(conn, release)
        news = bulk_activity.announcements_until(conn, LATER)
        history = rows.history_of(conn, new_id)
    assert manifest["revision"] == 2
    current = {f["name"]: f for f in manifest["files"]}[old.name]
    assert current["sha256"] == hashlib.sha256(b"PK corrected bytes").hexdigest()
    assert manifest["superseded"] == [{
        "id": old.id, "name": old.name, "bytes": old.bytes, "sha256": old.sha256,
        "status": "superseded", "superseded_at": "2026-11-22T10:00:00+09:00",
        "superseded_by": current["sha256"], "reason": "wrong drawing in 2021044377"}]
    assert [h.status for h in history] == ["superseded", "current"]
    assert blobs.path(old.sha256).exists()                  # nothing overwritten
    assert news[0].category == "replacement"
    assert old.sha256 in news[0].body_en and current["sha256"] in news[0].body_ja


def test_a_replacement_that_changes_nothing_is_refused_and_leaves_no_trace(loaded, tmp_path):
    db, blobs, work = loaded
    release = _publish(db, blobs, work, "jp-gazette-a", release_type="backfile").release_id
    with db.engine.connect() as conn:
        old = rows.current_file(conn, release, "jp-gazette-a-20210318.zip")
    same = tmp_path / "same.zip"
    same.write_bytes(blobs.path(old.sha256).read_bytes())
    before = table_counts(db.engine)
    with pytest.raises(BulkError, match="same SHA-256 as the current"), \
            db.engine.begin() as conn:
        publish.replace(conn, blobs, release, old.name, same, reason="x", now=LATER)
    with pytest.raises(BulkError, match="needs a reason"), db.engine.begin() as conn:
        publish.replace(conn, blobs, release, old.name, same, reason=" ", now=LATER)
    with pytest.raises(NotFound, match=r"has no current file 'other\.zip'"), \
            db.engine.begin() as conn:
        publish.replace(conn, blobs, release, "other.zip", same, reason="x", now=LATER)
    assert table_counts(db.engine) == before


def _context(db, tmp_path) -> BulkContext:
    settings = load_settings(environ={}, data_dir=str(tmp_path), secret_key="k" * 32)
    return BulkContext.build(settings, db, Policy(secret=b"k" * 32))


def test_archive_orders_take_whole_units_only(loaded, tmp_path):
    db, blobs, work = loaded
    _publish(db, blobs, work, "case-progress", release_type="backfile")
    _publish(db, blobs, work, "legal-status", release_type="backfile")
    ctx = _context(db, tmp_path)
    with db.engine.begin() as conn:
        pk = accounts.add_user(conn, ctx.policy, "archive-1", "archive-password-1")
        plain = accounts.add_user(conn, ctx.policy, "plain-user1", "plain-password-1",
                                  services=["api"])
        user, other = users.by_pk(conn, pk), users.by_pk(conn, plain)
    with db.engine.begin() as conn:
        with pytest.raises(SplitUnit) as split:
            archive.place(conn, ctx, user, ["legal-status"])
        assert str(split.value) == ("units cannot be split: 'legal-status' is part of unit "
                                    "'case-data' (case-progress, legal-status); order the "
                                    "whole unit")
        with pytest.raises(BulkError, match="'no-such' is not a unit"):
            archive.place(conn, ctx, user, ["no-such"])
        with pytest.raises(NotEntitled, match="not registered for archived data"):
            archive.place(conn, ctx, other, ["case-data"])
        order = archive.place(conn, ctx, user, ["case-data"], "online", "research")
    with db.engine.begin() as conn:
        for state in ("verifying", "approved", "sized", "preparing", "ready"):
            archive.advance(conn, ctx, order, state)
        with pytest.raises(BulkError, match="it can go to delivered, not approved"):
            archive.advance(conn, ctx, order, "approved")
        with pytest.raises(BulkError, match="can no longer be cancelled"):
            archive.cancel(conn, ctx, user, order)
    with db.engine.connect() as conn:
        row = bulk_activity.order(conn, order)
        files = archive.files_of_order(conn, order)
    assert row.status == "ready" and row.snapshot_at is not None
    assert row.file_count == len(files) == 2
    assert row.size_bytes == sum(f.bytes for f in files)


def test_publish_rolls_back_whole_on_failure(loaded):
    """A failure after the release row was written leaves no release behind."""
    db, blobs, work = loaded
    before = table_counts(db.engine)
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        publish.publish(conn, blobs, "jp-gazette-a", release_type="backfile", now=NOW,
                        workdir=work)
        rows.insert_release(conn, id="jp-gazette-a-20261121-1", product_id="jp-gazette-a",
                            type="delta", published_at=NOW, revision=1)
    assert table_counts(db.engine) == before


def test_a_delta_holds_the_issue_days_loaded_since_the_last_release(loaded, tmp_path):
    """A publication that arrives after the backfile makes its whole issue day a new file
    of the next delta; products with nothing new publish nothing."""
    from tests.ingest.builders import gazette_copy

    db, blobs, work = loaded
    start = dt.datetime.now(dt.UTC)       # ingest stamps rows with the real clock
    first = _publish(db, blobs, work, "jp-gazette-a", release_type="backfile", now=start)
    _publish(db, blobs, work, "legal-status", release_type="backfile", now=start)
    late = tmp_path / "late"
    late.mkdir()
    (late / "late.xml").write_bytes(gazette_copy(7))
    ingest(db, late)
    later = start + dt.timedelta(days=1)
    delta = _publish(db, blobs, work, "jp-gazette-a", now=later)
    assert delta.release_id and delta.release_id != first.release_id
    with db.engine.connect() as conn:
        manifest = manifests.manifest(conn, delta.release_id)
    files = {f["name"]: f for f in manifest["files"]}
    assert manifest["type"] == "delta"
    assert files["jp-gazette-a-20210318.zip"]["records"]["total"] == 4
    completeness = blobs.path(files["completeness.csv"]["sha256"]).read_text("utf-8")
    assert "2021900007,present" in completeness
    assert _publish(db, blobs, work, "legal-status", now=later).release_id is None


@pytest.mark.parametrize("first, last, ja, en", [
    (dt.date(2021, 3, 18), dt.date(2021, 3, 19), "収録期間 2021/03/18 ～ 2021/03/19",
     "Period covered: 2021/03/18 to 2021/03/19"),
    (None, dt.date(2026, 12, 6), "2026/12/06までの収録分", "Covers everything up to 2026/12/06"),
    (dt.date(2021, 3, 18), None, "2021/03/18以降の収録分", "Covers 2021/03/18 onwards"),
    (None, None, "収録期間は不明です", "Period covered: not known"),
])
def test_an_announcement_says_the_period_in_words_for_an_end_it_does_not_know(
        first, last, ja, en):
    """Issue 19, item 10: it printed "Period covered: — to 2026-12-06"."""
    assert (publish._period_ja(first, last), publish._period_en(first, last)) == (ja, en)
