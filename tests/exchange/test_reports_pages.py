"""The operators' pages of the exchange reports over real HTTP (the tokkyo app served by
uvicorn on a loopback port in this process, the seed's delivery records written to the
pipeline's tables):
the status table in Japanese and English with its alerts and the state form, the JSON
twin, a delivery's report page and CSV; operators only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import fresh_database
from tests.exchange.stored_records import store_records
from tests.exchange.test_status_table import NOW, seed_records
from tests.server.serving import served_on_loopback
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.app import create_app
from tokkyo.config import load_settings
from tokkyo.exchange import reports
from tokkyo.store.database import Database

SECRET = "test-secret-key-for-exchange-report-pages"
OPERATOR, USER, PASSWORD = "exchange-op1", "exchange-user1", "exchange-password-1"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("exchange-pages")
    with fresh_database(request.param, request, folder) as url:
        settings = load_settings(database_url=url, data_dir=str(folder / "data"),
                                 secret_key=SECRET)
        db = Database.open(settings)
        with db.engine.begin() as conn:
            policy = Policy.from_settings(settings)
            accounts.add_user(conn, policy, OPERATOR, PASSWORD, role="admin")
            accounts.add_user(conn, policy, USER, PASSWORD)
        source = seed_records()
        ids = store_records(db.engine, source)
        patch = pytest.MonkeyPatch()
        patch.setattr(reports, "now_utc", lambda: NOW)
        try:
            with served_on_loopback(create_app(settings, db)) as base:
                yield base, ids[source.delivery_list[-1].delivery_id]
        finally:
            patch.undo()
            db.close()


@contextmanager
def client(base: str, login: str | None, lang: str = "en") -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False,
                      headers={"Accept": "text/html", "Accept-Language": lang}) as c:
        if login:
            answer = c.post("/login", data={"username": login, "password": PASSWORD,
                                            "next": "/"})
            assert answer.status_code == 303, answer.text
        yield c


def test_the_status_page_in_both_languages(site):
    base, _ = site
    with client(base, OPERATOR) as en, client(base, OPERATOR, "ja") as ja:
        page = en.get("/exchange/status")
        assert page.status_code == 200
        row = re.search(r'<tr data-partner="MY">.*?</tr>', page.text, re.S).group(0)
        assert "△" in row and "abstract only" in row and "(irregular)" in row
        assert "MY: late by 34 days against its monthly deliveries (last 2026-09-28)" in page.text
        sg = re.search(r'<tr data-partner="SG">.*?</tr>', page.text, re.S).group(0)
        assert "×" in sg and "(none since 2015)" in sg
        japanese = ja.get("/exchange/status").text
        assert "データ交換の状況" in japanese and "要約のみ" in japanese
        assert "毎月の納品が34日遅れています" in japanese
        assert "2015年以降なし" in japanese and "2020年以来の中断のあと2026-10-15に再開" in japanese
        twin = en.get("/exchange/status", headers={"Accept": "application/json"}).json()
        assert {p["partner"]: p["content"] for p in twin["partners"]}["VN"] == "abstract only"


def test_the_operators_state_text_is_kept(site):
    base, _ = site
    with client(base, OPERATOR) as c:
        form = c.get("/exchange/status").text
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        saved = c.post("/exchange/status/VN/state",
                       data={"csrf": token, "state": "claims, description, figures wanted"})
        assert saved.status_code == 303
        assert "claims, description, figures wanted" in c.get("/exchange/status").text
        refused = c.post("/exchange/status/VN/state", data={"csrf": token, "state": "x" * 2001})
        assert refused.status_code == 400
        assert "at most 2000 characters" in refused.text
        assert "claims, description, figures wanted" in c.get("/exchange/status").text


def test_a_delivery_report_page_json_and_csv(site):
    base, delivery = site
    with client(base, OPERATOR, "ja") as c:
        page = c.get(f"/exchange/deliveries/{delivery}/report")
        assert page.status_code == 200
        assert f"納品 {delivery} の品質レポート" in page.text and "完全性" in page.text
        answer = c.get(f"/exchange/deliveries/{delivery}/report",
                       headers={"Accept": "application/json"}).json()
        assert answer["scores"]["completeness"] == 0.0       # abstracts only
        lines = list(csv.DictReader(io.StringIO(
            c.get(f"/exchange/deliveries/{delivery}/report.csv").text)))
        assert len(lines) == 4 and all(r["complete"] == "no" for r in lines)
        missing = c.get("/exchange/deliveries/nope/report",
                        headers={"Accept": "application/json"})
        assert missing.status_code == 404 and "no delivery 'nope'" in missing.text


def test_only_operators_see_the_reports(site):
    base, _ = site
    with client(base, USER) as user, client(base, None) as visitor:
        assert user.get("/exchange/status").status_code == 403
        assert visitor.get("/exchange/status").status_code in (302, 303, 401)
