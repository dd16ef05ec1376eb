"""`tokkyo users` as an operator runs it."""

from __future__ import annotations

import os
import re

import pytest

from tests.cli.test_cli import tokkyo
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.accounts.service import RegistrationForm
from tokkyo.store.engine import make_engine
from tokkyo.store.repositories.users import ContactRow


@pytest.fixture
def env(database_url, tmp_path):
    return dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"),
                TOKKYO_DATABASE_URL=database_url, COLUMNS="200",
                TOKKYO_SECRET_KEY="cli-test-secret-key-of-32-characters")


def test_add_list_disable_enable_reissue_change_id_grant(env, database_url):
    out = tokkyo("users", "add", "ops-user01", "--password", "a-long-password", "--role",
                 "admin", env=env, check=0).stdout
    assert "user ops-user01 added (admin)" in out
    assert "ops-user01" in tokkyo("users", "list", env=env, check=0).stdout
    assert "suspended" in tokkyo("users", "disable", "ops-user01", env=env, check=0).stdout
    assert "active" in tokkyo("users", "enable", "ops-user01", env=env, check=0).stdout
    out = tokkyo("users", "reissue", "ops-user01", env=env, check=0).stdout
    password = re.search(r"new password (\S+)", out).group(1)
    out = tokkyo("users", "change-id", "ops-user01", "--new-id", "ops-user02", env=env,
                 check=0).stdout
    assert "ops-user01 is now ops-user02" in out
    tokkyo("users", "grant", "ops-user02", "patent", "app_progress", "--cap", "5000",
           env=env, check=0)
    engine = make_engine(database_url)
    policy = Policy(secret=env["TOKKYO_SECRET_KEY"].encode())
    with engine.begin() as conn:
        token = accounts.login(conn, policy, "ops-user02", password).access_token
        who = accounts.authenticate(conn, policy, token, "api")
        assert who.role == "admin"
        assert accounts.daily_cap(conn, policy, who, "api", "patent", "app_progress") == 5000
    engine.dispose()


def test_errors_are_clear(env):
    result = tokkyo("users", "add", "ABCD1234", "--password", "a-long-password", env=env,
                    check=1)
    assert "ID 'ABCD1234' contains 'ABCD'" in result.stderr
    result = tokkyo("users", "disable", "nobody-001", env=env, check=1)
    assert "no user with ID 'nobody-001'" in result.stderr


def test_approve_a_registration(env, database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        pk = accounts.register(conn, Policy(secret=b"x" * 32), RegistrationForm(
            kind="individual", name="Yamada", address="Osaka", purpose="research",
            consent_version="2026-01",
            contacts=[ContactRow(0, "", "", "Yamada", "yamada@example.jp", "06-0000")]))
    engine.dispose()
    listing = tokkyo("users", "list", "--status", "submitted", env=env, check=0).stdout
    assert "submitted" in listing and "Yamada" in listing
    out = tokkyo("users", "approve", str(pk), env=env, check=0).stdout
    assert re.search(r"approved: ID [0-9a-z]{10}  password \S{10,}", out)
    assert "active" in tokkyo("users", "list", env=env, check=0).stdout
