"""Drill: PostgreSQL is stopped and started while the API serves 16 clients.

A throwaway cluster of this test's own (never CI's shared server) is stopped (`pg_ctl
stop -m fast`, which ends every session) while 16 clients call the API, and started
again. Every answer must be the JPO envelope: 100, or 302 (HTTP 504, "try again") while
the store is away; never a 500 or a 999. The server reconnects by itself, and the quota
counts exactly the calls answered 100 (at most also a call whose connection broke after
its count committed, which its client saw as 302)."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.api.server import Server
from tests.monitoring import stores
from tests.monitoring.stores import APP_PROGRESS, PASSWORD
from tests.pg_cluster import throwaway_cluster
from tokkyo.accounts import service as accounts
from tokkyo.store import migrate
from tokkyo.store.engine import make_engine

CLIENTS = 16
CAP = 100000


def test_postgres_restart_under_16_clients(tmp_path: Path) -> None:
    cluster, reason = throwaway_cluster(tmp_path / "pg")
    if cluster is None:
        if os.environ.get("TOKKYO_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"TOKKYO_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(f"PostgreSQL drill skipped: {reason}")
    try:
        cluster.create_database("drill")
        url = cluster.url("drill")
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        users = tuple((f"drill-user{k:02d}", "user") for k in range(CLIENTS))
        stores.load(url, tmp_path, users=users)
        engine = make_engine(url)
        with engine.begin() as conn:
            for login_id, _ in users:
                accounts.grant_quota(conn, stores.policy(), login_id, "patent",
                                     "app_progress", cap=CAP)
        engine.dispose()
        server = Server(url, tmp_path, rate_limit_per_minute="100000",
                        api_timeout_ms="5000")
        try:
            _drill(server, cluster, [login_id for login_id, _ in users])
        finally:
            server.stop()
    finally:
        cluster.stop()


def _drill(server: Server, cluster, login_ids: list[str]) -> None:
    tokens = [server.token(login_id, PASSWORD) for login_id in login_ids]
    seen: list[Counter[str]] = [Counter() for _ in login_ids]
    after_restart: list[int] = [0] * len(login_ids)
    problems: list[str] = []
    restarted = threading.Event()
    stop = threading.Event()

    def client(k: int) -> None:
        with httpx.Client(base_url=server.base, timeout=60) as http:
            while not stop.is_set():
                try:
                    answer = http.get(APP_PROGRESS,
                                      headers={"Authorization": f"Bearer {tokens[k]}"})
                    code = answer.json()["result"]["statusCode"]
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    problems.append(f"client {k}: {exc!r}")
                    continue
                seen[k][f"{answer.status_code}/{code}"] += 1
                if code not in ("100", "302"):
                    problems.append(f"client {k}: HTTP {answer.status_code} {code}")
                if code == "100" and restarted.is_set():
                    after_restart[k] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(len(login_ids))]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    cluster.pause()
    time.sleep(2.0)
    cluster.resume()
    restarted.set()
    deadline = time.monotonic() + 60
    while min(after_restart) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(60)
    totals = sum(seen, Counter())
    print(f"answers over the restart: {dict(totals)}")
    assert not problems, problems[:10]
    assert totals["504/302"] > 0, "the outage was not seen: the drill proves nothing"
    assert min(after_restart) >= 5, f"no reconnection for some clients: {after_restart}"
    for k, token in enumerate(tokens):
        final = httpx.get(f"{server.base}{APP_PROGRESS}", timeout=60,
                          headers={"Authorization": f"Bearer {token}"}).json()["result"]
        assert final["statusCode"] == "100"
        counted = CAP - int(final["remainAccessCount"]) - 1
        answered = seen[k]["200/100"]
        assert answered <= counted <= answered + seen[k]["504/302"], (
            f"client {k}: {answered} answers of 100, {counted} counted")
