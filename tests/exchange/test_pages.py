"""The operators' exchange pages over real HTTP (a `tokkyo serve` process on SQLite): only
operators see them; an operator adds a partner and an agreement row with forms (a bad ST.3
code is refused with its message and nothing written; a password typed in is stored
sealed and never shown back) and reads a delivery with each file's state and error."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.api.server import SECRET, Server
from tests.conftest import FOREIGN, fresh_database
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.exchange import deliveries, partners
from tokkyo.exchange.credentials import unseal
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import exchange_agreements, exchange_partners

OPERATOR, USER, PASSWORD = "exchange-op1", "plain-user2", "exchange-password-1"


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Server, str, Path]]:
    work = tmp_path_factory.mktemp("exchange-pages")
    with fresh_database("sqlite", request, work) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            policy = Policy(secret=SECRET.encode())
            accounts.add_user(conn, policy, OPERATOR, PASSWORD, role="admin")
            accounts.add_user(conn, policy, USER, PASSWORD)
        engine.dispose()
        server = Server(url, work / "data")
        try:
            yield server, url, work
        finally:
            server.stop()


def client(server: Server, login_id: str | None = None, accept: str = "text/html"
           ) -> httpx.Client:
    session = httpx.Client(base_url=server.base, timeout=60, follow_redirects=False,
                           headers={"Accept": accept, "Accept-Language": "en"})
    if login_id:
        answer = session.post("/login", data={"username": login_id, "password": PASSWORD,
                                              "next": "/"})
        assert answer.status_code == 303, answer.text
    return session


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


def table(url: str, what: sa.Table) -> list[sa.Row]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(what)).all())
    finally:
        engine.dispose()


def test_only_operators_see_the_exchange(site):
    server, _url, _work = site
    for path in ("/exchange", "/exchange/partners/SG", "/exchange/deliveries/1"):
        anonymous = client(server).get(path)
        assert anonymous.status_code == 401, path
        assert "Sign in as an operator to see the exchange with partner offices." in \
            anonymous.text
        plain = client(server, USER).get(path)
        assert plain.status_code == 403, path
        assert "only operators may see the exchange" in plain.text
    assert client(server, USER).post("/exchange/partners",
                                     data={"code": "SG"}).status_code == 403


def test_an_operator_adds_a_partner_and_an_agreement_and_reads_a_delivery(site):
    server, url, work = site
    operator = client(server, OPERATOR)
    home = operator.get("/exchange")
    assert home.status_code == 200 and "No partner yet." in home.text
    token = csrf(home.text)
    refused = operator.post("/exchange/partners", data={"csrf": token, "code": "QQ"})
    assert refused.status_code == 400
    assert "partner code &#39;QQ&#39; is not a WIPO ST.3 code" in refused.text
    assert table(url, exchange_partners) == []

    added = operator.post("/exchange/partners", data={
        "csrf": token, "code": "my", "contacts": "Ms A", "status": "signed",
        "current_state": "partner site often unreachable"})
    assert (added.status_code, added.headers["location"]) == (303, "/exchange/partners/MY")
    page = operator.get("/exchange/partners/MY")
    assert "Malaysia" in page.text and "No agreement yet." in page.text
    made = operator.post("/exchange/partners/MY/agreements", data={
        "csrf": csrf(page.text), "direction": "receive", "right": "patent",
        "product": "abstracts", "content": "text", "format": "XML",
        "frequency": "monthly", "transport": "sftp",
        "url": "sftp://sftp.example.my:2222/out", "username": "jpo",
        "password": "s3cret-partner", "required_sections": "claims,description",
        "kinds": "a,b", "all_or_nothing": "yes", "active": "yes", "extra": "{}"})
    assert made.status_code == 303, made.text
    [row] = table(url, exchange_agreements)
    assert unseal(SECRET.encode(), row.password_sealed) == "s3cret-partner"
    assert (row.kind_codes, row.required_sections, row.all_or_nothing) == (
        "A,B", "claims,description", True)
    page = operator.get("/exchange/partners/MY")
    assert "s3cret" not in page.text and "stored; leave empty to keep it" in page.text
    as_json = client(server, OPERATOR, "application/json").get("/exchange/partners/MY")
    assert as_json.json()["agreements"][0]["password_set"] is True
    assert "s3cret" not in as_json.text

    # a delivery received by the service, read on its page
    folder = work / "medium" / "my-2024-01"
    folder.mkdir(parents=True)
    shutil.copy(FOREIGN / "ep" / "application" / "v1-4-A1.xml", folder)   # a bare &
    db = Database(make_engine(url), LocalBlobStore(work / "data" / "blobs"))
    try:
        received = deliveries.receive(db, "MY", folder, origin="import",
                                      delivery_key=folder.name)
    finally:
        db.close()
    assert received.state == "quarantined"
    shown = operator.get(f"/exchange/deliveries/{received.id}")
    assert shown.status_code == 200
    assert "xml-not-well-formed" in shown.text and "96:32" in shown.text
    assert "quarantined" in shown.text and "my-2024-01" in shown.text
    # its quality report, stored with it, shown and linked; the report page reads it
    assert received.report["quality"]["delivery"] == str(received.id)
    assert f'href="/exchange/deliveries/{received.id}/report?lang=en"' in shown.text
    report = client(server, OPERATOR, "application/json").get(
        f"/exchange/deliveries/{received.id}/report")
    assert report.status_code == 200 and report.json() == received.report["quality"]
    assert operator.get(f"/exchange/deliveries/{received.id}/report").status_code == 200
    listing = operator.get("/exchange/partners/MY")
    assert f'href="/exchange/deliveries/{received.id}?lang=en"' in listing.text


def test_late_partners_are_announced_on_the_exchange_page(site):
    """The status table's rule (one weekly period and its grace after the agreement took
    effect, nothing delivered) announces the partner on /exchange, as run-due says it."""
    server, url, _work = site
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            partners.add_partner(conn, "TH")
            partners.add_agreement(conn, "TH", {
                "direction": "receive", "right": "patent", "product": "publication data",
                "content": "text", "format": "XML", "frequency": "weekly",
                "transport": "inbox"})
            th = conn.execute(sa.select(exchange_partners.c.id)
                              .where(exchange_partners.c.code == "TH")).scalar_one()
            conn.execute(sa.update(exchange_agreements)
                         .where(exchange_agreements.c.partner_id == th)
                         .values(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    finally:
        engine.dispose()
    answer = client(server, OPERATOR, "application/json").get("/exchange").json()
    [alert] = [a for a in answer["alerts"] if a["partner"] == "TH"]
    assert alert["message"] == ("TH: no delivery has ever arrived (agreed weekly, due since "
                                "2020-01-08)")
    page = client(server, OPERATOR).get("/exchange").text
    announced = re.search(r'<section[^>]*id="exchange-alerts".*?</section>', page, re.S)
    assert announced is not None and 'data-partner="TH"' in announced.group(0)
    assert 'href="/exchange/status?lang=en"' in page
