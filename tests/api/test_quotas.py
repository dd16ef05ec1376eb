"""Daily caps and the per-minute limit over HTTP: exact under concurrency (several server
processes, one ID), reset at 00:00 JST (clock set by a setting), 10 calls a minute."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from tests.api.conftest import PASSWORD
from tests.api.server import Server
from tokkyo.store.repositories import users
from tokkyo.store.tables import access_log, quota_counters

DIVISIONAL = "/api/patent/v1/divisional_app_info/2020123456"       # default cap: 30


def test_fifty_clients_one_id_cap_thirty(api):
    """Exactly 30 answers 100 and 20 answers 203; the remaining counts 29..0 each once."""
    server = Server(api.url, api.data, workers=2, rate_limit_per_minute="100000")
    try:
        login_id = api.user()
        token = server.token(login_id, PASSWORD)

        def call(_i: int) -> tuple[str, str]:
            with httpx.Client(base_url=server.base, timeout=60) as client:
                body = client.get(DIVISIONAL, headers={"Authorization": f"Bearer {token}"}
                                  ).json()["result"]
            return body["statusCode"], body["remainAccessCount"]

        with ThreadPoolExecutor(50) as pool:      # 50 clients at once, one ID
            results = list(pool.map(call, range(50)))
    finally:
        server.stop()
    codes = [code for code, _remain in results]
    assert codes.count("100") == 30 and codes.count("203") == 20
    assert sorted(int(r) for code, r in results if code == "100") == list(range(30))
    assert all(r == "" for code, r in results if code == "203")
    with api.database.engine.connect() as conn:
        user = users.by_login(conn, login_id)
        used = conn.execute(sa.select(quota_counters.c.used).where(
            quota_counters.c.user_id == user.id,
            quota_counters.c.operation == "divisional_app_info")).scalar_one()
        logged = conn.execute(sa.select(access_log).where(
            access_log.c.login_id == login_id,
            access_log.c.operation == "divisional_app_info")).all()
    assert used == 30
    # every call in the access log: ID, time, IP, operation, status
    assert sorted(row.status_code for row in logged) == ["100"] * 30 + ["203"] * 20
    assert {(row.ip, row.service, row.law, row.http_status) for row in logged} == {
        ("127.0.0.1", "api", "patent", 200)}
    assert all(row.at is not None for row in logged)


def test_counts_reset_at_midnight_jst(api):
    login_id = api.user(patent__app_progress=2)
    before = Server(api.url, api.data, now="2026-11-21T23:59:58+09:00",
                    rate_limit_per_minute="100000")
    try:
        token = before.token(login_id, PASSWORD)
        first = before.get("/api/patent/v1/app_progress/2020123456", token)
        assert first.json()["result"]["remainAccessCount"] == "1"
        assert first.headers["ratelimit-limit"] == "2"
        assert first.headers["ratelimit-remaining"] == "1"
        assert first.headers["ratelimit-reset"] == "2"
        assert first.headers["x-quota-reset"] == "2026-11-22T00:00:00+09:00"
        missing = before.get("/api/patent/v1/app_progress/9999999999", token)
        assert missing.json()["result"] == {"statusCode": "107",
                                            "errorMessage": "該当するデータがありません。",
                                            "remainAccessCount": "0", "data": {}}
        over = before.get("/api/patent/v1/app_progress/2020123456", token).json()["result"]
        assert (over["statusCode"], over["remainAccessCount"]) == ("203", "")
    finally:
        before.stop()
    after = Server(api.url, api.data, now="2026-11-22T00:00:00+09:00",
                   rate_limit_per_minute="100000")
    try:
        answer = after.get("/api/patent/v1/app_progress/2020123456", token)
        assert answer.json()["result"]["statusCode"] == "100"
        assert answer.json()["result"]["remainAccessCount"] == "1"
        assert answer.headers["x-quota-reset"] == "2026-11-23T00:00:00+09:00"
        assert answer.headers["ratelimit-reset"] == str(24 * 3600)
    finally:
        after.stop()


def test_ten_a_minute_then_303(api):
    login_id = api.user()
    server = Server(api.url, api.data, now="2026-11-21T12:00:00+09:00")
    try:
        token = server.token(login_id, PASSWORD)
        paths = ["/api/patent/v1/app_progress/2020123456",
                 "/api/patent/v1/registration_info/2020123456"] * 5
        answers = [server.get(p, token).json()["result"]["statusCode"] for p in paths]
        assert answers == ["100"] * 10
        eleventh = server.get("/api/design/v1/app_progress/2022012584", token)
        assert eleventh.status_code == 429
        assert eleventh.headers["retry-after"] == "60"
        assert eleventh.json()["result"] == {"statusCode": "303",
                                             "errorMessage": "アクセスが集中しています。",
                                             "remainAccessCount": "", "data": {}}
        head = server.client.head("/api/patent/v1/app_progress/2020123456",
                                  headers={"Authorization": f"Bearer {token}"})
        assert head.status_code == 200          # HEAD is neither limited nor counted
        assert head.headers["ratelimit-remaining"] == "395"
    finally:
        server.stop()
    with api.database.engine.connect() as conn:
        logged = conn.execute(sa.select(access_log.c.status_code, access_log.c.http_status)
                              .where(access_log.c.login_id == login_id,
                                     access_log.c.service == "api")
                              .order_by(access_log.c.id)).all()
    assert [tuple(row) for row in logged] == [("100", 200)] * 10 + [("303", 429)]
    later = Server(api.url, api.data, now="2026-11-21T12:01:01+09:00")
    try:
        answer = later.get("/api/patent/v1/app_progress/2020123456", token).json()["result"]
        assert (answer["statusCode"], answer["remainAccessCount"]) == ("100", "394")
    finally:
        later.stop()


@pytest.mark.parametrize("path", ["/opdapi/patent/v1/family/application/JP.2020123456.A"])
def test_opd_five_a_minute(api, path):
    server = Server(api.url, api.data, now="2026-11-21T12:00:00+09:00")
    try:
        token = server.token(api.user(), PASSWORD)
        codes = [server.get(path, token).status_code for _ in range(6)]
    finally:
        server.stop()
    assert codes == [200] * 5 + [429]
