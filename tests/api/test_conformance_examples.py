"""Shape conformance on all 377 SPEC examples (jpo-api.md §12.4–5): for every operation
and every statusCode, tokkyo's answer over HTTP has the same keys, nesting and value
types, and the same HTTP status (999: always 500). The 100 examples are loaded and must
come back with the same values too (typo keys of §10.11 corrected)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.api.server import Server
from tests.conftest import EXAMPLES
from tokkyo.ingest.mirror_names import parse_mirror_name
from tokkyo.store.engine import normalise_url

ALL = sorted(EXAMPLES.glob("*.json"))


def example(path: Path) -> tuple[str, str, str, str]:
    """(law, operation, HTTP status, statusCode) from the file name."""
    name = parse_mirror_name(path.name)
    return name.law.value, name.operation, name.http_status, name.status_code


def shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k.rstrip("'"): shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def same_shape(got: Any, want: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(
            same_shape(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return isinstance(got, list) and (not want or not got or same_shape(got[0], want[0]))
    return got == want


def expected(path: Path) -> dict[str, Any]:
    body = json.loads(path.read_text("utf-8"))
    result = body["result"]
    result.setdefault("data", {})           # three 108 examples omit it (§10.11)
    return json.loads(json.dumps(body).replace("'\"", '"'))      # typo keys (§10.11)


def params_for(law: str, operation: str, code: str, data: dict[str, Any]) -> list[str]:
    """Parameters that earn `code` for this operation."""
    if operation == "case_number_reference":
        return {"100": ["application", data.get("applicationNumber") or "2020123456"],
                "107": ["application", "2099999999"], "111": ["publication", "1985000001"],
                "204": ["bogus", "123"], "208": ["application", "2020,12345"]}.get(
            code, ["application", "2020123456"])
    if operation == "pct_national_phase_application_number":
        return {"204": ["bogus", "JP2019011858"], "208": ["international_application", "JP,"],
                "107": ["international_application", "JP2099999999"]}.get(
            code, ["international_application", "JP2019011858"])
    if operation == "applicant_attorney_cd":
        return ["999999999" if code == "107" else "1234,6789" if code == "208"
                else code_of(data.get("applicantAttorneyName", "")) or "000003207"]
    if operation == "applicant_attorney":
        return ["存在しない名前" if code == "107" else "トヨタ,自動車" if code == "208"
                else data.get("applicantAttorney", [{}])[0].get("name", "特許庁長官")]
    number = {"107": "2099999999", "208": "2020|23456"}.get(code)
    if number is None and operation.startswith("app_doc_cont"):
        number = "2022012584" if code == "108" and law == "design" else (
            "2018009480" if code == "108" and law == "trademark" else
            "2020008423" if code == "108" else "2020123456")
    if number is None and operation == "jpp_fixed_address" and "URL" in data:
        year, serial = data["URL"].split("/JP-")[1].split("/")[0].split("-")
        number = year + serial
    return [number or data.get("applicationNumber", "2020123456")]


def code_of(name: str) -> str:
    """The code the SPEC examples give a name (the applicant_attorney_cd example names no
    code; its name appears with its code in the app_progress examples)."""
    for path in EXAMPLES.glob("*__app_progress__*__200__100.json"):
        for row in json.loads(path.read_text("utf-8"))["result"]["data"]["applicantAttorney"]:
            if row.get("name") == name:
                return row["applicantAttorneyCd"]
    return ""


def path_for(law: str, operation: str, params: list[str]) -> str:
    return f"/api/{law}/v1/{operation}/" + "/".join(params)


def check(answer: Any, path: Path) -> None:
    _law, _operation, http, code = example(path)
    if code == "successfully_completed":
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/zip"
        return
    want = expected(path)
    assert answer.status_code == (500 if code == "999" else int(http)), answer.text
    got = answer.json()
    assert same_shape(shape(got), shape(want)), (got, want)
    assert got["result"]["statusCode"] == code
    assert got["result"]["errorMessage"] == want["result"]["errorMessage"]
    if code == "100" and "URL" not in want["result"]["data"]:
        assert got["result"]["data"] == want["result"]["data"]        # reproduced, value for value


def cases(*codes: str) -> list[Path]:
    return [p for p in ALL if example(p)[3] in codes]


@pytest.fixture(scope="module")
def token(api):
    return api.token()


@pytest.fixture(scope="module")
def capped(api):
    """A user whose every daily cap is 0."""
    return api.token(**{f"{law}__{op}": 0 for law, op in {example(p)[:2] for p in ALL}})


@pytest.mark.parametrize("path", cases("100", "successfully_completed", "107", "108", "111",
                                       "204", "208", "210"), ids=lambda p: p.name[:-5])
def test_answers(api, token, path):
    law, operation, _http, code = example(path)
    data = expected(path)["result"]["data"] if code == "100" else {}
    if code == "100" and "URL" in data:
        pytest.skip("the signed-link branch is checked by test_large_bundles_answer_links")
    check(api.server.get(path_for(law, operation, params_for(law, operation, code, data)),
                         "tk_at_forged" if code == "210" else token), path)


@pytest.mark.parametrize("path", cases("203"), ids=lambda p: p.name[:-5])
def test_daily_cap_reached(api, capped, path):
    law, operation, _http, _code = example(path)
    check(api.server.get(path_for(law, operation, params_for(law, operation, "203", {})),
                         capped), path)


@pytest.fixture(scope="module")
def special(api, tmp_path_factory):
    """Servers on the same store with other settings: one per-minute call, a 300 ms wait
    limit, and links for every ZIP."""
    folder = tmp_path_factory.mktemp("special")
    servers = {
        "strict": Server(api.url, api.data, rate_limit_per_minute="1"),
        "impatient": Server(api.url, api.data, api_timeout_ms="300",
                            rate_limit_per_minute="100000"),
        "links": Server(api.url, api.data, bundle_link_threshold="1",
                        rate_limit_per_minute="100000"),
    }
    assert folder.exists()
    yield servers
    for server in servers.values():
        server.stop()


@pytest.mark.parametrize("path", cases("303"), ids=lambda p: p.name[:-5])
def test_per_minute_limit(api, special, path):
    law, operation, _http, _code = example(path)
    server = special["strict"]
    token = server.token(api.user(), "a-long-test-password")
    first = server.get(path_for(law, operation, params_for(law, operation, "100", {})), token)
    assert first.status_code in (200, 401) and first.status_code != 429
    second = server.get(path_for(law, operation, params_for(law, operation, "100", {})), token)
    assert second.headers["retry-after"] == "60"
    check(second, path)


@contextmanager
def database_locked(url: str):
    """Another client holds the write lock (SQLite) or locks the quota table (PostgreSQL)."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    dsn = normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        connection.execute("LOCK TABLE quota_counters IN ACCESS EXCLUSIVE MODE")
        yield
        connection.rollback()


@pytest.fixture(scope="module")
def impatient_token(api, special):
    return special["impatient"].token(api.user(), "a-long-test-password")


@pytest.mark.parametrize("path", cases("302"), ids=lambda p: p.name[:-5])
def test_database_too_slow(api, special, impatient_token, path):
    law, operation, _http, _code = example(path)
    server = special["impatient"]
    token = impatient_token
    with database_locked(api.url):
        answer = server.get(path_for(law, operation, params_for(law, operation, "100", {})),
                            token)
    check(answer, path)


def test_unexpected_errors(api, token):
    """With a table gone, every operation answers 999 (HTTP 500) in the envelope. (The
    counters' table: answers themselves may come from the answer cache.)"""
    broken = ("quota_counters",)
    with api.database.engine.begin() as conn:
        for table in broken:
            conn.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        for path in cases("999"):
            law, operation, _http, _code = example(path)
            check(api.server.get(path_for(law, operation,
                                          params_for(law, operation, "100", {})), token), path)
    finally:
        with api.database.engine.begin() as conn:
            for table in broken:
                conn.exec_driver_sql(f"ALTER TABLE {table}_away RENAME TO {table}")


@pytest.mark.parametrize("path", [p for p in cases("100") if "app_doc_cont" in p.name],
                         ids=lambda p: p.name[:-5])
def test_large_bundles_answer_links(api, special, path):
    law, operation, _http, _code = example(path)
    server = special["links"]
    token = server.token(api.user(), "a-long-test-password")
    answer = server.get(path_for(law, operation, ["2020123456"]), token)
    check(answer, path)
    link = answer.json()["result"]["data"]["URL"]
    assert link.startswith(server.base + f"/api-files/{law}/")
    download = server.client.get(link)                 # no Bearer token: the link is the key
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    tampered = server.client.get(link.replace("Expires=", "Expires=1"))
    assert tampered.status_code == 403 and tampered.json()["detail"] == "bad signature"
