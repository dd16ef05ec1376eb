"""Mirror import of the real JPO API answers: the store can answer every request again."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from tests.conftest import EXAMPLES, REAL
from tests.conftest import ingest as ingest_paths
from tokkyo.api.answers import answer
from tokkyo.ingest.mirror_names import parse_mirror_name
from tokkyo.store.repositories import case_reader
from tokkyo.store.tables import document_bodies

REAL_JSON = sorted(REAL.glob("*.json"))
REAL_ZIPS = sorted(REAL.glob("*.zip"))


def load(db, *paths):
    return ingest_paths(db, *paths, batch_size=7)


def test_every_real_answer_is_answered_again_from_the_store(db):
    report = load(db, REAL)
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    with db.engine.connect() as conn:
        for path in REAL_JSON:
            recorded = json.loads(path.read_text("utf-8"))["result"]
            request = parse_mirror_name(path.name)
            got = answer(conn, request.law, request.operation, request.params)
            assert got.status == recorded["statusCode"], path.name
            assert got.data == recorded["data"], path.name
            # same keys in the same order, as the live answers have them
            assert json.dumps(got.data, ensure_ascii=False) == json.dumps(
                recorded["data"], ensure_ascii=False), path.name


def test_zip_bodies_are_kept_byte_for_byte(db):
    report = load(db, *REAL_ZIPS)
    assert report.ok and report.counts["loaded"] == 3
    with db.engine.connect() as conn:
        stored = {(r.document_number, r.file_name): r for r in conn.execute(
            sa.select(document_bodies)).all()}
        record = case_reader.load_case(conn, request_law(), "2020123456")
    seen = set()
    for path in REAL_ZIPS:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = info.filename.rsplit("/", 1)[-1]
                number = (info.filename.split("/")[0].split("_")[1] if "/" in info.filename
                          else name.split("-")[0])
                row = stored[(number, name)]
                assert db.blobs.get(row.blob_sha256) == archive.read(info)
                seen.add((number, name))
    assert len(seen) == len(stored) == 4        # the A131 notice is in two ZIPs, stored once
    codes = {b.document_number: b.document_code for b in record.bodies}
    assert codes == {"52400900476": "A53", "52400900473": "A523", "06124084096": "A131",
                     "06124327784": "A01"}


def request_law():
    from tokkyo.model.laws import Law

    return Law.PATENT


def test_unzipped_folders_hold_the_same_bodies_as_the_zips(sqlite_db):
    first = load(sqlite_db, *REAL_ZIPS)
    loose = load(sqlite_db, *[p for p in REAL.iterdir() if p.is_dir()])
    assert first.counts["loaded"] == 3
    assert loose.counts == {"unchanged": 5}
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(document_bodies)
                            ).scalar_one() == 4


def test_spec_examples_of_every_operation_round_trip(sqlite_db):
    """The `…__200__100.json` examples of all three laws load and answer again."""
    # Not here: document URLs (no body to load), applicant codes and PCT numbers (the
    # example does not name the parameter it answered).
    files = sorted(p for p in EXAMPLES.glob("*__200__100.json")
                   if not any(op in p.name for op in ("app_doc_cont", "applicant_attorney_cd",
                                                      "pct_national_phase")))
    report = load(sqlite_db, *files)
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    with sqlite_db.engine.connect() as conn:
        for path in files:
            recorded = json.loads(path.read_text("utf-8"))["result"]["data"]
            recorded = json.loads(json.dumps(recorded).replace("'\"", '"'))  # §10.11 typo keys
            request = parse_mirror_name(path.name)
            params = _example_params(request.operation, recorded, path.name)
            got = answer(conn, request.law, request.operation, params)
            assert (got.status, got.data) == ("100", recorded), path.name


def _example_params(operation, data, name):
    if operation == "applicant_attorney":
        return (data["applicantAttorney"][0]["name"],)
    if operation == "case_number_reference":
        return ("application", data["applicationNumber"])
    if operation == "jpp_fixed_address":
        year, serial = data["URL"].split("/JP-")[1].split("/")[0].split("-")
        return (year + serial,)
    return (data["applicationNumber"],)


def test_second_import_changes_nothing(db):
    from tests.conftest import table_counts

    load(db, REAL)
    before = table_counts(db.engine)
    again = load(db, REAL)
    assert set(again.counts) == {"unchanged"}
    assert table_counts(db.engine) == before
