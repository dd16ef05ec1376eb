"""After a run that loaded something, SQLite's planner has statistics (sqlite_stat1) for
the tables result lists and case documents read; a run that loads nothing leaves them alone."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import GAZETTE
from tests.conftest import ingest as ingest_paths


def _stat_tables(db) -> set[str]:
    with db.engine.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
                            ).first():
            return set()
        return set(conn.execute(sa.text("SELECT tbl FROM sqlite_stat1")).scalars())


def test_a_run_that_loads_gives_the_planner_statistics(sqlite_db):
    assert _stat_tables(sqlite_db) == set()
    report = ingest_paths(sqlite_db, GAZETTE)
    assert report.counts["loaded"] >= 3
    analysed = _stat_tables(sqlite_db)
    assert {"publications", "classifications", "parties", "applications",
            "case_summaries"} <= analysed


def test_a_run_that_loads_nothing_does_not_analyse(sqlite_db):
    ingest_paths(sqlite_db, GAZETTE)
    with sqlite_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM sqlite_stat1"))
    report = ingest_paths(sqlite_db, GAZETTE)
    assert report.counts["unchanged"] >= 3 and not report.counts["loaded"]
    assert _stat_tables(sqlite_db) == set()
