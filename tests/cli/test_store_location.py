"""tokkyo run from another folder: read-only commands refuse a store that does not exist
(one line, exit 1, nothing created); a command that creates a store says where it is."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest

from tests.conftest import _skip_or_fail_postgres

READ_ONLY = [("report", "quality"), ("report", "quarantine"), ("db", "current"),
             ("db", "check"), ("bulk", "products"), ("users", "list")]


def run(*args, cwd, env):
    return subprocess.run([sys.executable, "-m", "tokkyo.cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _env(**settings):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOKKYO_") or k.startswith("TOKKYO_TEST_")}
    return dict(env, COLUMNS="80", TOKKYO_INGEST_WORKERS="0", **settings)


def _lines(text):
    return [line for line in text.splitlines() if line.strip()]


def test_read_only_commands_refuse_a_missing_store_and_creating_one_says_where(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _env()
    store = elsewhere / "tokkyo-data" / "tokkyo.sqlite3"
    for command in READ_ONLY:
        result = run(*command, cwd=elsewhere, env=env)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert _lines(result.stderr) == [_lines(result.stderr)[0]]
        assert _lines(result.stderr)[0].startswith(f"no tokkyo store at {store}: "), command
        assert result.stdout == ""
        assert list(elsewhere.iterdir()) == [], command       # nothing created
    added = run("users", "add", "mirror-user1", "--password", "mirror-password-1",
                cwd=elsewhere, env=env)
    assert added.returncode == 0, added.stderr
    assert _lines(added.stderr) == [f"new tokkyo store at {store}"]
    assert store.exists()
    again = run("users", "add", "mirror-user2", "--password", "mirror-password-2",
                cwd=elsewhere, env=env)
    assert again.returncode == 0 and "new tokkyo store" not in again.stderr
    for command in READ_ONLY:
        result = run(*command, cwd=elsewhere, env=env)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert "tokkyo store" not in result.stderr


@contextmanager
def empty_postgres(request):
    """The URL of a new PostgreSQL database without tokkyo's schema, dropped afterwards."""
    server = request.getfixturevalue("postgres_server")
    if server is None:
        _skip_or_fail_postgres()
    name = f"tokkyo_t_{uuid.uuid4().hex[:10]}"
    server.create_database(name)                                   # empty: no schema
    try:
        yield name, server.url(name)
    finally:
        server.drop_database(name)


def test_a_postgresql_database_without_tokkyo_is_no_store(request, tmp_path):
    with empty_postgres(request) as (name, url):
        env = _env(TOKKYO_DATABASE_URL=url, TOKKYO_DATA_DIR=str(tmp_path / "data"))
        for command in (("db", "current"), ("users", "list")):
            result = run(*command, cwd=tmp_path, env=env)
            assert result.returncode == 1, result.stdout + result.stderr
            assert "no tokkyo store at postgresql" in result.stderr
            assert name in result.stderr
        created = run("db", "upgrade", cwd=tmp_path, env=env)
        assert created.returncode == 0, created.stderr
        assert "new tokkyo store at postgresql" in created.stderr
        assert run("users", "list", cwd=tmp_path, env=env).returncode == 0


def test_serve_refuses_a_missing_store_and_creates_nothing(request, tmp_path):
    """`tokkyo serve` where no store is (no SQLite file; a PostgreSQL database without
    tokkyo's schema) says so in one line as the read-only commands do, exit 2, and
    leaves no empty SQLite file behind."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    store = elsewhere / "tokkyo-data" / "tokkyo.sqlite3"
    result = run("serve", "--port", "1", cwd=elsewhere, env=_env())
    assert result.returncode == 2, result.stdout + result.stderr
    assert _lines(result.stderr) == [_lines(result.stderr)[0]]
    assert _lines(result.stderr)[0].startswith(
        f"no tokkyo store at {store}: the database has no schema yet: run `tokkyo db upgrade`")
    assert list(elsewhere.iterdir()) == []                        # nothing created

    with empty_postgres(request) as (name, url):
        env = _env(TOKKYO_DATABASE_URL=url, TOKKYO_DATA_DIR=str(tmp_path / "data"))
        result = run("serve", "--port", "1", cwd=elsewhere, env=env)
        assert result.returncode == 2, result.stdout + result.stderr
        assert _lines(result.stderr)[0].startswith("no tokkyo store at postgresql")
        assert name in result.stderr and len(_lines(result.stderr)) == 1
        assert "new tokkyo store" not in result.stderr


@pytest.mark.parametrize("command", [("--debug", "db", "current")])
def test_debug_with_no_exception_is_still_one_line(tmp_path, command):
    result = run(*command, cwd=tmp_path, env=_env())
    assert result.returncode == 1
    assert len(_lines(result.stderr)) == 1 and "no tokkyo store" in result.stderr
