"""Tokens over HTTP: the Keycloak-style answer, refresh, expired, forged, revoked and
other-user tokens, the lockout, and an ID change invalidating the old tokens."""

from __future__ import annotations

import secrets

import jwt
import sqlalchemy as sa

from tests.api.conftest import PASSWORD
from tests.api.server import SECRET, Server
from tokkyo.accounts import service as accounts
from tokkyo.store.tables import access_log

PROGRESS = "/api/patent/v1/app_progress_simple/2020123456"
INVALID_TOKEN = {"statusCode": "210", "errorMessage": "無効なトークンです。",
                 "remainAccessCount": "", "data": {}}


def result(answer):
    return answer.json()["result"]


def test_token_answer_is_keycloak_shaped(api):
    login_id = api.user()
    answer = api.server.token_answer(login_id, PASSWORD)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert list(body) == ["access_token", "expires_in", "refresh_expires_in", "refresh_token",
                          "token_type", "id_token", "not-before-policy", "session_state",
                          "scope"]
    assert (body["expires_in"], body["refresh_expires_in"]) == (3600, 28800)
    assert body["token_type"] == "Bearer" and body["scope"] == "openid profile"
    assert body["access_token"].startswith("tk_at_")
    assert body["refresh_token"].startswith("tk_rt_")
    claims = jwt.decode(body["id_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == login_id and claims["sid"] == body["session_state"]


def test_tokens_are_stored_only_as_hashes(api):
    login_id = api.user()
    token = api.server.token(login_id, PASSWORD)
    with api.database.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM tokens").scalars().all()
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_refresh_and_many_live_tokens(api):
    login_id = api.user()
    first = api.server.token_answer(login_id, PASSWORD).json()
    second = api.server.token(login_id, PASSWORD)
    refreshed = api.server.client.post("/auth/token", data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200
    for token in (first["access_token"], second, refreshed.json()["access_token"]):
        assert result(api.server.get(PROGRESS, token))["statusCode"] == "100"


def test_forged_malformed_and_missing_tokens(api):
    for headers in ({"Authorization": "Bearer tk_at_" + secrets.token_urlsafe(32)},
                    {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}, {}):
        answer = api.server.client.get(PROGRESS, headers=headers)
        assert answer.status_code == 401 and result(answer) == INVALID_TOKEN


def test_refresh_token_is_no_access_token_and_back(api):
    body = api.server.token_answer(api.user(), PASSWORD).json()
    assert result(api.server.get(PROGRESS, body["refresh_token"])) == INVALID_TOKEN
    wrong = api.server.client.post("/auth/token", data={
        "grant_type": "refresh_token", "refresh_token": body["access_token"]})
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant", "error_description": "Token is not active"}


def test_unsupported_grant(api):
    answer = api.server.client.post("/auth/token", data={"grant_type": "client_credentials"})
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"


def test_expired_token(api):
    login_id = api.user()
    early = Server(api.url, api.data, now="2026-11-21T10:00:00+09:00")
    try:
        body = early.token_answer(login_id, PASSWORD).json()
        assert result(early.get(PROGRESS, body["access_token"]))["statusCode"] == "100"
    finally:
        early.stop()
    late = Server(api.url, api.data, now="2026-11-21T11:00:01+09:00")
    try:
        assert result(late.get(PROGRESS, body["access_token"])) == INVALID_TOKEN
        refreshed = late.client.post("/auth/token", data={
            "grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
        assert refreshed.status_code == 200          # the refresh token lives 8 hours
    finally:
        late.stop()
    later = Server(api.url, api.data, now="2026-11-21T18:00:01+09:00")
    try:
        expired = later.client.post("/auth/token", data={
            "grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
        assert expired.status_code == 400
    finally:
        later.stop()


def test_revoked_by_password_reissue_and_suspension(api):
    login_id = api.user()
    token = api.server.token(login_id, PASSWORD)
    with api.database.engine.begin() as conn:
        new_password = accounts.reissue_password(conn, api.policy(), login_id)
    assert result(api.server.get(PROGRESS, token)) == INVALID_TOKEN
    assert api.server.token_answer(login_id, PASSWORD).status_code == 401
    token = api.server.token(login_id, new_password)
    with api.database.engine.begin() as conn:
        accounts.set_status(conn, api.policy(), login_id, "suspended")
    assert result(api.server.get(PROGRESS, token)) == INVALID_TOKEN
    assert api.server.token_answer(login_id, new_password).status_code == 401


def test_other_users_token_counts_for_that_user_only(api):
    alice, bob = api.token(), api.token()
    result(api.server.get(PROGRESS, alice))
    result(api.server.get(PROGRESS, alice))
    assert result(api.server.get(PROGRESS, alice))["remainAccessCount"] == "397"
    assert result(api.server.get(PROGRESS, bob))["remainAccessCount"] == "399"


def test_lockout_after_five_failures_tells_nothing(api):
    login_id = api.user()
    server = Server(api.url, api.data, now="2026-11-21T10:00:00+09:00")
    try:
        answers = [server.token_answer(login_id, "wrong-password-x") for _ in range(5)]
        locked = server.token_answer(login_id, PASSWORD)
        nobody = [server.token_answer("nobody-0001", "wrong-password-x") for _ in range(6)]
    finally:
        server.stop()
    for answer in [*answers, locked, *nobody]:
        assert answer.status_code == 401
        assert answer.json() == {"error": "invalid_grant",
                                 "error_description": "Invalid user credentials"}
    with api.database.engine.connect() as conn:
        logged = conn.execute(sa.select(access_log.c.status_code).where(
            access_log.c.login_id == login_id, access_log.c.operation == "token")).scalars()
        assert list(logged) == ["212"] * 6
    after = Server(api.url, api.data, now="2026-11-21T10:15:01+09:00")
    try:
        assert after.token_answer(login_id, PASSWORD).status_code == 200
    finally:
        after.stop()


def test_id_change_invalidates_old_tokens_and_keeps_counts(api):
    login_id = api.user()
    token = api.server.token(login_id, PASSWORD)
    assert result(api.server.get(PROGRESS, token))["remainAccessCount"] == "399"
    with api.database.engine.begin() as conn:
        new_id = accounts.change_id(conn, api.policy(), login_id)
    assert new_id != login_id
    assert result(api.server.get(PROGRESS, token)) == INVALID_TOKEN
    assert api.server.token_answer(login_id, PASSWORD).status_code == 401
    token = api.server.token(new_id, PASSWORD)
    assert result(api.server.get(PROGRESS, token))["remainAccessCount"] == "398"
    with api.database.engine.begin() as conn:
        try:
            accounts.add_user(conn, api.policy(), login_id, PASSWORD)
        except accounts.InvalidUserId as exc:
            assert "issued before" in str(exc)
        else:
            raise AssertionError("an old ID was issued again")
