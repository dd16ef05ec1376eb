"""The request's unit of work (tokkyo.web.deps): a `Writer` route commits once, before its
answer is sent; a domain error rolls everything back and is answered by the surface; a
commit that fails is answered as an error, never as the success the route returned. Run
on the real app against SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse

from tokkyo.app import create_app
from tokkyo.config import load_settings
from tokkyo.web.deps import Reader, Writer
from tokkyo.web.errors import CsrfRefused


@pytest.fixture
def client(db, tmp_path):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE uow_parent (id INTEGER PRIMARY KEY)")
        deferred = " DEFERRABLE INITIALLY DEFERRED" if db.engine.dialect.name != "sqlite" else ""
        conn.exec_driver_sql("CREATE TABLE uow_child (id INTEGER PRIMARY KEY, parent_id "
                             f"INTEGER REFERENCES uow_parent (id){deferred})")
    settings = load_settings(database_url=str(db.engine.url), data_dir=str(tmp_path / "data"),
                             environ={})
    app = create_app(settings, db)

    @app.post("/uow/ok/{n}")
    def ok(conn: Writer, n: int) -> PlainTextResponse:
        conn.execute(sa.text("INSERT INTO uow_parent (id) VALUES (:n)"), {"n": n})
        return PlainTextResponse("written")

    @app.post("/uow/refused/{n}")
    def refused(conn: Writer, n: int) -> PlainTextResponse:
        conn.execute(sa.text("INSERT INTO uow_parent (id) VALUES (:n)"), {"n": n})
        raise CsrfRefused("the form has expired; open the page again")

    @app.post("/uow/orphan/{n}")
    def orphan(conn: Writer, n: int) -> PlainTextResponse:
        if conn.dialect.name == "sqlite":        # checked at COMMIT, as PostgreSQL's is
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        conn.execute(sa.text("INSERT INTO uow_parent (id) VALUES (:n)"), {"n": n})
        conn.execute(sa.text("INSERT INTO uow_child (id, parent_id) VALUES (:n, -1)"),
                     {"n": n})
        return PlainTextResponse("written")

    @app.get("/uow/count")
    def count(conn: Reader) -> PlainTextResponse:
        return PlainTextResponse(str(conn.exec_driver_sql(
            "SELECT count(*) FROM uow_parent").scalar_one()))

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_route_commits_once_before_its_answer(client):
    assert client.post("/uow/ok/1").text == "written"
    assert client.get("/uow/count").text == "1"


def test_a_domain_error_rolls_back_and_is_answered_by_the_surface(client):
    answer = client.post("/uow/refused/2", headers={"Accept": "application/json"})
    assert answer.status_code == 403
    assert answer.json()["error"]["status"] == 403
    assert client.get("/uow/count").text == "0"


def test_a_failed_commit_is_an_error_not_the_routes_success(client):
    answer = client.post("/uow/orphan/3", headers={"Accept": "application/json"})
    assert answer.status_code == 500 and answer.text != "written"
    assert answer.json()["detail"] == "an unexpected error; it has been logged"
    assert client.get("/uow/count").text == "0"
