"""Health, readiness, metrics, request ids, the JSON request log and announced
maintenance, over real HTTP to `tokkyo serve` on real SQLite and real PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.server import Server
from tests.conftest import fresh_database
from tests.monitoring import stores
from tests.monitoring.stores import APP_PROGRESS, PASSWORD, USER

API_ROUTE = "/api/{law}/v1/{operation}/{params:path}"
METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"


@dataclass
class Served:
    url: str
    data: Path
    server: Server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Served]:
    """`tokkyo serve` with JSON logs; /metrics open to 10.9.9.9 only, or with the token."""
    data = tmp_path_factory.mktemp(f"ops-{request.param}")
    with fresh_database(request.param, request, data) as url:
        stores.load(url, data)
        server = Server(url, data, log_format="json", metrics_from="10.9.9.9",
                        metrics_token=METRICS_TOKEN)
        try:
            yield Served(url, data, server)
        finally:
            server.stop()


@pytest.fixture(scope="module")
def token(served: Served) -> str:
    return served.server.token(USER, PASSWORD)


def test_health_answers_without_the_store(served: Served) -> None:
    answer = served.server.client.get("/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_ready_names_each_check(served: Served) -> None:
    answer = served.server.client.get("/ready")
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "blobs", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["blobs"]["detail"] == "a stored blob is readable"


def test_ready_is_503_naming_the_blob_store_when_it_is_gone(served: Served) -> None:
    blobs = served.data / "blobs"
    away = served.data / "blobs-unmounted"
    blobs.rename(away)
    try:
        answer = served.server.client.get("/ready")
        body = answer.json()
        assert answer.status_code == 503
        assert body["status"] == "not ready"
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["blobs"]["ok"] is False
        assert re.fullmatch(r"LookupError: blob [0-9a-f]{64} is recorded in the database "
                            r"but the blob store does not have it \(is the blob store "
                            r"mounted\?\)", body["checks"]["blobs"]["detail"])
    finally:
        away.rename(blobs)
    assert served.server.client.get("/ready").status_code == 200


def test_request_id_is_kept_when_well_formed_and_reaches_the_access_log(
        served: Served, token: str) -> None:
    mine = "trace-4f1c2a9e-0001"
    answer = served.server.get(APP_PROGRESS, token, {"X-Request-ID": mine})
    assert answer.status_code == 200 and answer.json()["result"]["statusCode"] == "100"
    assert answer.headers["X-Request-ID"] == mine
    logged = stores.rows(served.url, "SELECT login_id, status_code, request_id FROM "
                                     f"access_log WHERE request_id = '{mine}'")
    assert [tuple(r) for r in logged] == [(USER, "100", mine)]


@pytest.mark.parametrize("sent", ["short", "has spaces in it", "quote\"d-12345678", "x" * 129])
def test_a_malformed_request_id_is_replaced(served: Served, sent: str) -> None:
    answer = served.server.client.get("/health", headers={"X-Request-ID": sent})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_one_json_log_line_per_request_with_its_id(served: Served, token: str) -> None:
    mine = "json-log-line-check-01"
    served.server.get(APP_PROGRESS, token, {"X-Request-ID": mine})
    deadline = time.monotonic() + 10        # the line follows the answer's last byte
    while True:
        lines = [json.loads(line) for line in served.server.log.read_text().splitlines()
                 if line.startswith("{") and mine in line]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(lines) == 1, lines
    line = lines[0]
    assert {k: line[k] for k in ("logger", "level", "request_id", "method", "path",
                                 "route", "surface", "status")} == {
        "logger": "tokkyo.request", "level": "info", "request_id": mine, "method": "GET",
        "path": APP_PROGRESS, "route": API_ROUTE,
        "surface": "api", "status": 200}
    assert line["duration_ms"] > 0 and line["bytes"] > 0


def test_metrics_are_refused_without_the_address_or_token(served: Served) -> None:
    answer = served.server.client.get("/metrics")
    assert answer.status_code == 403
    assert answer.json()["detail"] == (
        "the metrics are served to the addresses of TOKKYO_METRICS_FROM or with the "
        "bearer token of TOKKYO_METRICS_TOKEN")
    wrong = served.server.client.get("/metrics",
                                     headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403


def _metrics(served: Served) -> str:
    answer = served.server.client.get("/metrics",
                                      headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return answer.text


def _value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + ("{" if labels else " ")) and all(
                f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_by_route_template_never_the_raw_path(served: Served,
                                                            token: str) -> None:
    before = _metrics(served)
    labels = {"surface": "api", "route": API_ROUTE,
              "method": "GET", "status": "200"}
    for _ in range(3):
        served.server.get(APP_PROGRESS, token)
    served.server.client.get("/no/such/page/12345")
    text = _metrics(served)
    assert _value(text, "tokkyo_http_requests_total", **labels) == _value(
        before, "tokkyo_http_requests_total", **labels) + 3
    assert _value(text, "tokkyo_http_requests_total", route="(unmatched)",
                  status="404") >= 1
    assert "2020123456" not in text and "/no/such/page" not in text
    assert _value(text, "tokkyo_http_request_duration_seconds_count", surface="api",
                  route=API_ROUTE) >= 3
    # the store's figures and the placeholders of packages not yet written
    assert _value(text, "tokkyo_ingest_documents_total", outcome="loaded") > 0
    assert "tokkyo_ingest_quarantined_total 0.0" in text
    assert 'tokkyo_exchange_deliveries{state="failed"} 0.0' in text
    assert "tokkyo_translation_queue_length 0.0" in text
    assert _value(text, "tokkyo_db_pool_capacity") > 0
    assert "tokkyo_db_pool_connections_in_use" in text
    assert 'tokkyo_api_quota_refusals_total{kind="rate"}' in text


def test_quota_refusals_are_counted(served: Served) -> None:
    login_id = "ops-quota01"
    with_cap = stores.policy()
    from tokkyo.accounts import service as accounts
    from tokkyo.store.engine import make_engine

    engine = make_engine(served.url)
    with engine.begin() as conn:
        accounts.add_user(conn, with_cap, login_id, PASSWORD)
        accounts.grant_quota(conn, with_cap, login_id, "patent", "app_progress", cap=1)
    engine.dispose()
    token = served.server.token(login_id, PASSWORD)
    before = _value(_metrics(served), "tokkyo_api_quota_refusals_total", kind="daily")
    codes = [served.server.get(APP_PROGRESS, token).json()["result"]["statusCode"]
             for _ in range(2)]
    assert codes == ["100", "203"]
    assert _value(_metrics(served), "tokkyo_api_quota_refusals_total",
                  kind="daily") == before + 1


@pytest.fixture(scope="module")
def in_maintenance(request: pytest.FixtureRequest, served: Served,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A second store of the same backend, with a maintenance window in force."""
    backend = "sqlite" if served.url.startswith("sqlite") else "postgresql"
    data = tmp_path_factory.mktemp(f"maint-{backend}")
    with fresh_database(backend, request, data) as url:
        stores.load(url, data, maintenance=True,
                    users=((USER, "user"), (stores.ADMIN, "admin")))
        server = Server(url, data)
        try:
            yield server
        finally:
            server.stop()
            shutil.rmtree(data, ignore_errors=True)


def test_maintenance_answers_the_api_with_the_envelope_and_503(in_maintenance: Server
                                                               ) -> None:
    token = in_maintenance.token(USER, PASSWORD)       # signing in still works
    answer = in_maintenance.get(APP_PROGRESS, token)
    assert answer.status_code == 503
    assert answer.json() == {"result": {"statusCode": "303",
                                        "errorMessage": "アクセスが集中しています。",
                                        "remainAccessCount": "", "data": {}}}
    assert 3500 <= int(answer.headers["Retry-After"]) <= 3600
    assert re.fullmatch(r'</bulk/announcements#a\d+>; rel="related"', answer.headers["Link"])
    assert answer.headers["Cache-Control"] == "no-store"


def test_maintenance_answers_the_portal_with_a_page_or_a_problem(in_maintenance: Server
                                                                 ) -> None:
    page = in_maintenance.client.get("/", headers={"Accept": "text/html"},
                                     params={"lang": "en"})
    assert page.status_code == 503 and "Retry-After" in page.headers
    assert "Under maintenance" in page.text and "Database upgrade" in page.text
    assert "The store is being upgraded." in page.text
    program = in_maintenance.client.get("/documents")
    assert program.status_code == 503
    body = program.json()
    assert body["detail"].startswith("tokkyo is under maintenance until ")
    assert body["maintenance"]["title_en"] == "Database upgrade"


def test_during_maintenance_health_ready_sign_in_and_announcements_answer(
        in_maintenance: Server) -> None:
    client = in_maintenance.client
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200
    assert client.get("/login", headers={"Accept": "text/html"}).status_code == 200
    signed = client.post("/login", data={"username": stores.ADMIN, "password": PASSWORD,
                                         "next": "/"}, follow_redirects=False)
    assert signed.status_code == 303 and "tokkyo_session" in signed.headers["set-cookie"]
    news = client.get("/bulk/announcements", params={"lang": "en"},
                      headers={"Accept": "text/html"})
    assert news.status_code == 200 and "Database upgrade" in news.text


def test_two_workers_share_their_metrics(request: pytest.FixtureRequest,
                                         tmp_path: Path) -> None:
    """`tokkyo serve --workers 2`: whichever worker answers /metrics counts the requests
    both answered (prometheus-client's multiprocess mode)."""
    with fresh_database("sqlite", request, tmp_path) as url:
        stores.load(url, tmp_path)
        server = Server(url, tmp_path, workers=2)
        try:
            for _ in range(30):                     # a new connection each: both workers
                assert httpx.get(f"{server.base}/documents?limit=1").status_code == 200
            text = server.client.get("/metrics").text
        finally:
            server.stop()
    assert _value(text, "tokkyo_http_requests_total", route="/documents",
                  status="200") == 30
    assert (tmp_path / "run" / f"metrics-{server.port}").is_dir()
    pids = {p.name.rsplit("_", 1)[-1] for p in
            (tmp_path / "run" / f"metrics-{server.port}").glob("counter_*.db")}
    # both workers wrote counters (uvicorn may also have replaced a worker it found slow
    # to answer its health ping on a loaded machine: its files count too)
    assert len(pids) >= 2, pids
