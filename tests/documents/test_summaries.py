"""Result-list summaries: each case's FI codes, in their order; and each summary statement
answered by a covering index alone (migration 0011)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import GAZETTE, ingest
from tokkyo.documents import summaries as module
from tokkyo.documents.summaries import summaries
from tokkyo.store.tables import applications, classifications


def test_fi_codes_of_each_case_in_order_and_no_other_scheme(db):
    ingest(db, GAZETTE)
    with db.engine.connect() as conn:
        ids = conn.execute(sa.select(applications.c.id).order_by(applications.c.id)
                           ).scalars().all()
        codes = conn.execute(sa.select(classifications.c.application_id,
                                       classifications.c.scheme, classifications.c.code)
                             .order_by(classifications.c.application_id,
                                       classifications.c.position)).all()
        rows = summaries(conn, ids)
    expected: dict[int, list[str]] = {i: [] for i in ids}
    for case, scheme, code in codes:
        if scheme == "fi" and code not in expected[case]:
            expected[case].append(code)
    assert {r.id: r.fi for r in rows} == expected
    assert all(expected.values())                      # every gazette case has FI codes
    assert {s for _, s, _ in codes} > {"fi"}           # and codes of other schemes


@pytest.mark.parametrize(("statement", "index"), [
    ("_FI", "ix_classifications_application_id_scheme"),
    ("_PUBS", "ix_publications_application_id_summary"),
    ("_APPLICANTS", "ix_parties_application_id_role"),
])
def test_summaries_read_covering_indexes_on_sqlite(sqlite_db, statement, index):
    """Migration 0011: each statement is answered by its index alone, no table row read
    (on a store larger than the page cache, a random read less per case and table). With
    `scheme = 'fi'` SQLite walked every FI code of the store in the (scheme, code,
    application_id) index before."""
    with sqlite_db.engine.connect() as conn:
        sql = str(getattr(module, statement).params(ids=[1, 2, 3]).compile(
            conn, compile_kwargs={"render_postcompile": True, "literal_binds": True}))
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert f"USING COVERING INDEX {index}" in plan
    if statement != "_APPLICANTS":      # two roles: each case's names are merged
        assert "TEMP B-TREE" not in plan               # in order from the index
