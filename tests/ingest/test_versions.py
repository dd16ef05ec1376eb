"""Idempotence and replacement history."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.conftest import GAZETTE, REAL, table_counts
from tests.conftest import ingest as ingest_paths
from tests.ingest.builders import APP1, EXAMPLE1
from tokkyo.documents import results
from tokkyo.model.laws import Law
from tokkyo.store.repositories import case_reader, publications, sources


def ingest(db, *paths):
    return ingest_paths(db, *paths, batch_size=10)


def titled(conn, text: str) -> list[str]:
    """Application numbers of the cases the search engine finds `text` in a title of."""
    return sorted(r.application_number for r in results.run(conn, f"{text}/TI", limit=100).rows)


def test_same_files_twice_change_nothing(db):
    first = ingest(db, GAZETTE, REAL)
    assert first.ok and first.counts["loaded"] == 20
    before = table_counts(db.engine)
    second = ingest(db, GAZETTE, REAL)
    assert second.counts == {"unchanged": 24}
    assert table_counts(db.engine) == before


def test_corrected_gazette_replaces_content_and_keeps_history(db, tmp_path):
    ingest(db, EXAMPLE1)
    corrected = tmp_path / "jp_example1_corrected.xml"
    corrected.write_bytes(EXAMPLE1.read_bytes()
                          .replace("ウェーハの加工方法</invention-title>".encode(),
                                   "ウェーハの分割方法</invention-title>".encode(), 1)
                          .replace(b'<claim num="6">', b'<claim num="6"><claim-text>\xe8\xa8\x82'
                                   b'\xe6\xad\xa3</claim-text></claim><claim num="7">', 1))
    report = ingest(db, corrected)
    assert report.counts == {"replaced": 1}
    with db.engine.connect() as conn:
        pub_id = publications.find(conn, "JP", "A", "2021044377")
        pub = publications.load(conn, pub_id)
        assert pub.title == "ウェーハの分割方法"
        assert [c.number for c in pub.claims] == [1, 2, 3, 4, 5, 6, 7]
        history = sources.history(conn, "gazette:JP/A/2021044377")
        assert [v.version for v in history] == [1, 2]
        assert history[0].superseded_at is not None and history[1].superseded_at is None
        assert history[0].name == str(EXAMPLE1) and history[1].name == str(corrected)
        # the previous version's bytes are still there
        assert db.blobs.get(history[0].blob_sha256) == EXAMPLE1.read_bytes()
        # search follows the new text, not the old one
        assert titled(conn, "ウェーハの分割方法") == [APP1.decode()]
        assert titled(conn, "ウェーハの加工方法") == []
    # the old version again is a replacement too (back to version 1's content)
    assert ingest(db, EXAMPLE1).counts == {"replaced": 1}


def test_refetched_answer_differing_only_in_remaining_count_is_unchanged(db, tmp_path):
    ingest(db, REAL / "patent__v1__registration_info__2020123456.json")
    document = json.loads((REAL / "patent__v1__registration_info__2020123456.json").read_text())
    document["result"]["remainAccessCount"] = "12"
    refetched = tmp_path / "patent__v1__registration_info__2020123456.json"
    refetched.write_text(json.dumps(document, ensure_ascii=False))
    assert ingest(db, refetched).counts == {"unchanged": 1}
    document["result"]["data"]["nextPensionPaymentDate"] = "20280805"
    document["result"]["data"]["lastPaymentYearly"] = "04"
    refetched.write_text(json.dumps(document, ensure_ascii=False))
    assert ingest(db, refetched).counts == {"replaced": 1}
    with db.engine.connect() as conn:
        record = case_reader.load_case(conn, Law.PATENT, "2020123456")
        assert record.registration.next_annuity_date.isoformat() == "2028-08-05"
        assert record.registration.last_paid_year == 4
        assert len(sources.history(conn, "api:patent/v1/registration_info/2020123456")) == 2


def test_simple_progress_after_full_progress_keeps_the_other_parts(db):
    ingest(db, REAL / "patent__v1__app_progress__2020123456.json")
    ingest(db, REAL / "patent__v1__app_progress_simple__2020123456.json")
    with db.engine.connect() as conn:
        record = case_reader.load_case(conn, Law.PATENT, "2020123456")
    assert {"progress", "priorities", "family"} <= record.sections
    assert record.priorities[0].national_application_number == "2019210418"


def test_batches_are_logged(db):
    ingest(db, GAZETTE)
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status, loaded FROM batches ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("done", 3)]


def test_a_publication_moved_to_another_case_is_found_under_it(db, tmp_path):
    """A replacement that moves a publication to another application: search finds it
    under its new case only."""
    ingest(db, GAZETTE, REAL)
    moved = tmp_path / "jp_example1_other_application.xml"
    moved.write_bytes(EXAMPLE1.read_bytes().replace(
        b"<doc-number>" + APP1 + b"</doc-number>", b"<doc-number>2019777777</doc-number>", 1))
    assert ingest(db, moved).counts == {"replaced": 1}
    with db.engine.connect() as conn, conn.begin():
        assert titled(conn, "ウェーハの加工方法") == ["2019777777"]


def test_two_versions_of_one_publication_in_one_batch(db, tmp_path):
    """Both versions in one batch: the case's search document is the second's."""
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "a_first.xml").write_bytes(EXAMPLE1.read_bytes())
    (folder / "b_corrected.xml").write_bytes(EXAMPLE1.read_bytes().replace(
        "ウェーハの加工方法</invention-title>".encode(),
        "ウェーハの分割方法</invention-title>".encode(), 1))
    report = ingest_paths(db, folder)
    assert report.counts == {"loaded": 1, "replaced": 1}
    case = [APP1.decode()]
    with db.engine.connect() as conn:
        assert titled(conn, "ウェーハの分割方法") == titled(conn, "分割") == case
        assert titled(conn, "ウェーハの加工方法") == []
    # a later correction still replaces cleanly
    assert ingest_paths(db, EXAMPLE1).counts == {"replaced": 1}
    with db.engine.connect() as conn:
        assert titled(conn, "ウェーハの加工方法") == case
        assert titled(conn, "ウェーハの分割方法") == []
