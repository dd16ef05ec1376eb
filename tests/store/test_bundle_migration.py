"""Migration 0016 on a store loaded before it: the files document ZIPs brought learn which
operation's ZIP that was, so the API serves a design or trademark HTM (no code of its own)
again without re-importing (an unchanged file is not applied twice)."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store import migrate
from tokkyo.store.tables import applications, blobs, sources

OLD_BODIES = sa.table("document_bodies", *(sa.column(c) for c in (
    "id", "application_id", "document_code", "document_number", "file_name", "blob_sha256",
    "media_type", "source_id")))


def test_0016_fills_received_in_from_the_zip_that_wrote_each_file(db):
    migrate.downgrade(db.engine, "0015")
    keys = {1: "api:design/v1/app_doc_cont_refusal_reason_decision/2023000101",
            2: "api:trademark/v1/app_doc_cont_refusal_reason/2023000202",
            3: "api:patent/v1/app_doc_cont_opinion_amendment/2020123456",
            4: "body:design/2023000101/06123000303/06123000303P.HTM"}
    bodies = [(1, 1, "", "06123000202", "06123000202P.HTM", 1),
              (2, 2, "", "06123000101", "06123000101P.HTM", 2),
              (3, 2, "", "06123000101", "061230001010001.tif", 2),
              (4, 3, "A53", "52400900476", "JPOXMLDOC01-jpbibl.xml", 3),
              (5, 1, "", "06123000303", "06123000303P.HTM", 4)]
    with db.engine.begin() as conn:
        conn.execute(sa.insert(blobs).values(sha256="d" * 64, size=1))
        for source_id, key in keys.items():
            conn.execute(sa.insert(sources).values(
                id=source_id, version=1, key=key, format="x", blob_sha256="d" * 64,
                fingerprint="d" * 64))
        for app_id, law, number in ((1, "design", "2023000101"),
                                    (2, "trademark", "2023000202"),
                                    (3, "patent", "2020123456")):
            conn.execute(sa.insert(applications).values(id=app_id, law=law,
                                                        application_number=number))
        conn.execute(sa.insert(OLD_BODIES), [
            {"id": i, "application_id": app, "document_code": code, "document_number": n,
             "file_name": f, "blob_sha256": "d" * 64, "media_type": "text/html",
             "source_id": s} for i, app, code, n, f, s in bodies])
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, document_code, position, received_in FROM document_bodies "
            "ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        (1, "", None, "app_doc_cont_refusal_reason_decision"),
        (2, "A131", None, "app_doc_cont_refusal_reason"),
        (3, "A131", None, "app_doc_cont_refusal_reason"),
        (4, "A53", None, "app_doc_cont_opinion_amendment"),
        (5, "", None, ""),
    ]
