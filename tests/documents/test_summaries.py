"""Result-list summaries: each case's stored summary (migration 0012) equal to the one
its tables give after every kind of ingest (gazette, API mirror, SPEC cases, a correction
that moves a publication to another case), read by its key; the FI codes of each case in
their order; the statements that build a summary answered by covering indexes
(migration 0011). Stores from before the table: tests/store/test_migrations.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest
import sqlalchemy as sa

from tests.conftest import EXAMPLES, GAZETTE, REAL, ingest
from tests.ingest.builders import APP1, EXAMPLE1, retitled_copy
from tokkyo.documents.summaries import summaries
from tokkyo.model.status import GRACE_MONTHS, Status, StatusFacts, add_months, status_on
from tokkyo.store.repositories import case_summaries as module
from tokkyo.store.tables import applications, case_summaries, classifications


def _case_ids(conn) -> list[int]:
    return conn.execute(sa.select(applications.c.id).order_by(applications.c.id)
                        ).scalars().all()


def _stored(conn) -> dict[int, module.StoredSummary]:
    ids = [i for (i,) in conn.execute(sa.select(case_summaries.c.application_id))]
    return {i: s for i, s in module.read(conn, ids).items()}


def _assert_every_case_stored_as_built(conn) -> None:
    ids = _case_ids(conn)
    assert ids
    assert _stored(conn) == module.build(conn, ids)


def test_every_ingest_stores_each_case_summary_as_its_tables_give_it(db, tmp_path):
    spec_cases = [p for p in EXAMPLES.glob("*app_progress__application_number__200__100.json")]
    spec_cases += list(EXAMPLES.glob("*registration_info__application_number__200__100.json"))
    assert len(spec_cases) >= 4
    report = ingest(db, GAZETTE, REAL, *spec_cases)
    assert report.ok
    with db.engine.connect() as conn:
        _assert_every_case_stored_as_built(conn)
        laws = {s.law for s in _stored(conn).values()}
        assert {"patent", "design", "trademark"} <= laws
    # a new publication, then a correction that retitles one and moves it to another
    # application: both cases are summarised again in the batch
    new = tmp_path / "new.xml"
    new.write_bytes(retitled_copy(0, "新しい題名"))
    assert ingest(db, new).counts == {"loaded": 1}
    corrected = tmp_path / "corrected.xml"
    corrected.write_bytes(EXAMPLE1.read_bytes().replace(
        "ウェーハの加工方法</invention-title>".encode(),
        "ウェーハの分割方法</invention-title>".encode(), 1).replace(
        b"<doc-number>" + APP1 + b"</doc-number>", b"<doc-number>2019888888</doc-number>", 1))
    assert ingest(db, corrected).counts == {"replaced": 1}
    with db.engine.connect() as conn:
        _assert_every_case_stored_as_built(conn)
        by_number = {s.application_number: s for s in _stored(conn).values()}
        assert by_number["2019888888"].title == "ウェーハの分割方法"
        assert by_number["2019900000"].title == "新しい題名"
        # the case the corrected publication left has no publication any more
        assert by_number[APP1.decode()].document_number == ""


def test_a_case_without_a_stored_summary_is_read_from_its_tables(db):
    ingest(db, GAZETTE, REAL)
    with db.engine.connect() as conn, conn.begin():
        ids = _case_ids(conn)
        before = [(r.id, r.title, r.fi, r.status) for r in summaries(conn, ids)]
        conn.execute(sa.delete(case_summaries).where(case_summaries.c.application_id == ids[0]))
        assert [(r.id, r.title, r.fi, r.status) for r in summaries(conn, ids)] == before


def test_fi_codes_of_each_case_in_order_and_no_other_scheme(db):
    ingest(db, GAZETTE)
    with db.engine.connect() as conn:
        ids = _case_ids(conn)
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


def _plan(conn, statement) -> str:
    sql = str(statement.params(ids=[1, 2, 3]).compile(
        conn, compile_kwargs={"render_postcompile": True, "literal_binds": True}))
    return " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def test_a_stored_summary_is_read_by_its_key_on_sqlite(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        plan = _plan(conn, module._STORED)
    assert "SEARCH case_summaries USING INTEGER PRIMARY KEY (rowid=?)" in plan


@pytest.mark.parametrize(("statement", "index"), [
    ("_FI", "ix_classifications_application_id_scheme"),
    ("_PUBS", "ix_publications_application_id_summary"),
    ("_APPLICANTS", "ix_parties_application_id_role"),
])
def test_summaries_are_built_from_covering_indexes_on_sqlite(sqlite_db, statement, index):
    """Migration 0011: each statement is answered by its index alone, no table row read.
    With `scheme = 'fi'` SQLite walked every FI code of the store in the (scheme, code,
    application_id) index before."""
    with sqlite_db.engine.connect() as conn:
        plan = _plan(conn, getattr(module, statement))
    assert f"USING COVERING INDEX {index}" in plan
    if statement != "_APPLICANTS":      # two roles: each case's names are merged
        assert "TEMP B-TREE" not in plan               # in order from the index


def test_status_conditions_in_sql_agree_with_the_rules_on_random_facts(db):
    """The ST field's SQL (case_summaries.status_condition) and model.status.status_on
    read the same facts the same way: random facts around random days, every status,
    `unknown` included (facts not held: no status is computed from them)."""
    rng = random.Random(1012)
    base = dt.date(2030, 1, 31)

    def near(days: int) -> dt.date | None:
        return None if rng.random() < 0.3 else base + dt.timedelta(days=rng.randint(-days, days))

    facts = {}
    with db.engine.begin() as conn:
        for i in range(400):
            app_id = conn.execute(sa.insert(applications).values(
                law="patent", application_number=f"2030{i:06d}").returning(applications.c.id)
            ).scalar_one()
            due = near(400)
            facts[app_id] = {
                "registration_number": "" if rng.random() < 0.3 else f"{7000000 + i}",
                "disappearance_date": near(400), "expire_date": near(400),
                "next_annuity_date": due, "last_paid_year": rng.choice([None, 3, 7]),
                "erasure_identifier": rng.choice(["", "00", "01"]),
                "refused": rng.random() < 0.3, "withdrawn": rng.random() < 0.3,
                "known": rng.random() < 0.85}
            summary = dataclasses.replace(module.build(conn, [app_id])[app_id],
                                          facts=StatusFacts(**facts[app_id]))
            conn.execute(sa.delete(case_summaries).where(
                case_summaries.c.application_id == app_id))
            conn.execute(sa.insert(case_summaries).values(module._row(app_id, summary)))
        days = [base + dt.timedelta(days=rng.randint(-420, 420)) for _ in range(12)]
        days += [f["next_annuity_date"] + dt.timedelta(days=d) for f in facts.values()
                 if f["next_annuity_date"] for d in (0, 1)][:20]
        days += [add_months(f["next_annuity_date"], GRACE_MONTHS) + dt.timedelta(days=d)
                 for f in facts.values() if f["next_annuity_date"] for d in (0, 1)][:20]
        seen = set()
        for on in days:
            expected = {i: status_on(StatusFacts(**f), on).status for i, f in facts.items()}
            for status in Status:
                got = set(conn.execute(sa.select(case_summaries.c.application_id).where(
                    case_summaries.c.application_id.in_(facts),
                    module.status_condition(status.value, on))).scalars())
                assert got == {i for i, s in expected.items() if s is status}, (on, status)
            seen |= set(expected.values())
            assert set(conn.execute(sa.select(case_summaries.c.application_id).where(
                case_summaries.c.application_id.in_(facts),
                module.status_condition("l", on, prefix=True))).scalars()) == {
                i for i, s in expected.items() if s.value.startswith("l")}
    assert seen >= set(Status)                          # every rule was exercised


def test_a_summary_of_another_version_is_built_again(db):
    ingest(db, GAZETTE)
    with db.engine.begin() as conn:
        ids = _case_ids(conn)
        fresh = module.build(conn, ids)
        conn.execute(sa.update(case_summaries).where(case_summaries.c.application_id == ids[0])
                     .values(version=module.VERSION - 1, body='{"old": true}'))
        assert not module.complete(conn)
        assert module.read(conn, ids) == fresh          # read as missing: built
    assert db.upgrade() == 1
    with db.engine.connect() as conn:
        assert module.complete(conn)
        _assert_every_case_stored_as_built(conn)


def test_an_item_the_store_refuses_leaves_its_case_summarised_as_stored(db, tmp_path):
    """A batch whose second item the store refuses (an 8-digit registration number fails
    its CHECK) is loaded again with a savepoint per item: the case the first item wrote
    is summarised as the tables hold it, without the refused item's facts."""
    import json

    folder = tmp_path / "batch"
    folder.mkdir()
    progress = "patent__v1__app_progress__2020123456.json"
    (folder / progress).write_bytes((REAL / progress).read_bytes())
    registration = json.loads((REAL / "patent__v1__registration_info__2020123456.json")
                              .read_text("utf-8"))
    registration["result"]["data"]["registrationNumber"] = "75338890"
    (folder / "patent__v1__registration_info__2020123456.json").write_text(
        json.dumps(registration), "utf-8")
    report = ingest(db, folder)
    assert sorted(o.status for o in report.outcomes) == ["loaded", "quarantined"]
    with db.engine.connect() as conn:
        _assert_every_case_stored_as_built(conn)
        (stored,) = _stored(conn).values()
        assert stored.application_number == "2020123456"
        assert stored.facts.next_annuity_date is None    # registration_info refused
        assert stored.facts.registration_number == "7533889"   # from app_progress


def test_a_stored_summary_is_a_frozen_value_with_its_status_facts(db):
    """`read` and `build` give `StoredSummary` values (lists as tuples, the facts as a
    `StatusFacts`), which no reader can change for the next; the stored JSON body holds
    the shown fields, in their order, and not the facts."""
    ingest(db, GAZETTE, REAL)
    with db.engine.connect() as conn:
        ids = _case_ids(conn)
        stored = module.read(conn, ids)
        body = conn.execute(sa.select(case_summaries.c.body)
                            .where(case_summaries.c.application_id == ids[0])).scalar_one()
    summary = stored[ids[0]]
    assert isinstance(summary, module.StoredSummary)
    assert isinstance(summary.facts, StatusFacts)
    assert all(isinstance(getattr(s, name), tuple) for s in stored.values()
               for name in module.LISTS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.title = "changed"  # type: ignore[misc]
    assert list(json.loads(body)) == list(module.SHOWN) == [
        "law", "country", "application_number", "filing_date", "title", "document_kind",
        "document_number", "publication_date", "publication_number", "examined_number",
        "registration_number", "registration_date", "applicants", "fi", "design_class",
        "mark", "classes"]
