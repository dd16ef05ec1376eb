"""Registration, approval and the admin HTTP API; statistics without personal data."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import PASSWORD
from tokkyo.model.jst import japan_day

FORM = {"kind": "corporate", "name": "Example KK", "address": "Tokyo",
        "contacts": [{"name": "Sato", "email": "sato@example.jp", "phone": "03-0000-0000"}],
        "purpose": "in-house mirror of our own cases", "consent_version": "2026-01"}


@pytest.fixture(scope="module")
def admin(api):
    return {"Authorization": f"Bearer {api.token('admin')}"}


def test_registration_waits_for_approval_then_logs_in(api, admin):
    client = api.server.client
    sent = client.post("/accounts/registrations", json=FORM | {"desired_id": "example-kk1"})
    assert sent.status_code == 201
    pk = sent.json()["registration"]
    waiting = client.get("/admin/users", params={"status": "submitted"}, headers=admin).json()
    assert pk in [u["id"] for u in waiting["users"]]
    assert api.server.token_answer("example-kk1", "anything-at-all").status_code == 401
    approved = client.post(f"/admin/registrations/{pk}/approve", json={}, headers=admin).json()
    assert approved["login_id"] == "example-kk1" and len(approved["password"]) >= 10
    token = api.server.token("example-kk1", approved["password"])
    assert api.server.get("/api/patent/v1/app_progress/2020123456", token).status_code == 200


@pytest.mark.parametrize(("change", "detail"), [
    ({"contacts": []}, "the request does not have the required form"),
    ({"consent_version": ""}, "consent to the terms of use is required"),
    ({"desired_id": "ABCD1234"}, "ID 'ABCD1234' contains 'ABCD'; only 0-9, a-z, '-', '_' "
                                 "and '.' are allowed"),
    ({"kind": "robot"}, "kind 'robot' is neither corporate nor individual"),
])
def test_registration_errors(api, change, detail):
    answer = api.server.client.post("/accounts/registrations", json=FORM | change)
    assert answer.status_code == 422 and answer.json()["detail"] == detail


def test_admin_actions(api, admin):
    client = api.server.client
    login_id = api.user()
    token = api.server.token(login_id, PASSWORD)
    assert client.post(f"/admin/users/{login_id}/disable", headers=admin).json()[
        "status"] == "suspended"
    assert api.server.get("/api/patent/v1/app_progress/2020123456", token).status_code == 401
    client.post(f"/admin/users/{login_id}/enable", headers=admin)
    password = client.post(f"/admin/users/{login_id}/reissue", headers=admin).json()["password"]
    new_id = client.post(f"/admin/users/{login_id}/change-id", json={}, headers=admin).json()[
        "login_id"]
    granted = client.post(f"/admin/users/{new_id}/quota", headers=admin, json={
        "law": "patent", "operation": "app_progress", "factor": 2, "reason": "corporate"})
    assert granted.status_code == 200
    token = api.server.token(new_id, password)
    answer = api.server.get("/api/patent/v1/app_progress/2020123456", token)
    assert answer.json()["result"]["remainAccessCount"] == "799"
    refused = client.post(f"/admin/users/{new_id}/quota", headers=admin, json={
        "law": "patent", "operation": "app_progress", "factor": 5})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "5x is for the three document operations only"


def test_admin_needs_the_admin_role(api):
    client = api.server.client
    assert client.get("/admin/users").status_code == 401
    user = {"Authorization": f"Bearer {api.token()}"}
    answer = client.get("/admin/users", headers=user)
    assert answer.status_code == 403 and answer.json()["detail"] == "this needs an admin account"


def test_statistics_have_no_personal_data(api, admin):
    token = api.token()
    api.server.get("/api/patent/v1/app_progress/2020123456", token)
    today = japan_day()
    stats = api.server.client.get("/admin/statistics", headers=admin,
                                  params={"since": str(today - dt.timedelta(days=1))}).json()
    rows = [r for r in stats["rows"] if r["operation"] == "app_progress"]
    assert rows and all(set(r) == {"day", "service", "law", "operation", "statusCode", "calls"}
                        for r in stats["rows"])
    mine = api.server.client.get("/accounts/me/access-log",
                                 headers={"Authorization": f"Bearer {token}"}).json()
    assert mine["entries"][0]["operation"] == "app_progress"
    assert mine["entries"][0]["ip"] == "127.0.0.1"
