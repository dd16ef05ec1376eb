"""The `tokkyo` command as a user runs it: a real process, real files, real databases."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import GAZETTE, REAL, SAMPLES
from tokkyo.store import migrate


def tokkyo(*args, env, check=None):
    result = subprocess.run([sys.executable, "-m", "tokkyo.cli.main", *args], env=env,
                            capture_output=True, text=True, timeout=300)
    if check is not None:
        assert result.returncode == check, result.stdout + result.stderr
    return result


@pytest.fixture
def env(database_url, tmp_path):
    """SQLite or PostgreSQL (the `backend` parameter), data folder in a temporary place."""
    return dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"),
                TOKKYO_DATABASE_URL=database_url, COLUMNS="200", TOKKYO_INGEST_WORKERS="0")


def summary(output: str) -> dict[str, int]:
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if "loaded" in line and "quarantined" in line)
    names = [c.strip() for c in lines[header].strip("┃│ ").replace("┃", "│").split("│")]
    values = next(line for line in lines[header + 1:] if any(ch.isdigit() for ch in line))
    numbers = [int(c.strip()) for c in values.strip("│ ").split("│")]
    return dict(zip(names, numbers, strict=True))


def test_ingest_then_again(env):
    first = tokkyo("ingest", "--quiet", str(GAZETTE), str(REAL), env=env, check=0)
    assert summary(first.stdout) == {"loaded": 20, "unchanged": 4, "replaced": 0, "skipped": 0,
                                     "quarantined": 0, "failed": 0}
    second = tokkyo("ingest", "--quiet", str(GAZETTE), str(REAL), env=env, check=0)
    assert summary(second.stdout)["unchanged"] == 24


def test_ingest_reports_quarantine_and_exits_1(env, tmp_path):
    bad = tmp_path / "ep.xml"
    bad.write_bytes((SAMPLES / "foreign" / "ep" / "application" / "v1-2-A1.xml").read_bytes())
    result = tokkyo("ingest", "--quiet", str(GAZETTE), str(bad), str(tmp_path / "missing.xml"),
                    env=env, check=1)
    assert summary(result.stdout)["quarantined"] == 2
    assert summary(result.stdout)["loaded"] == 3
    text = " ".join(result.stdout.split())
    assert f"quarantined {bad}: xml-not-well-formed at line 93, column 36" in text
    assert f"{tmp_path / 'missing.xml'}: no such file or folder" in text


def test_quarantine_report_lists_refused_files(env, tmp_path):
    bad = tmp_path / "cut.xml"
    bad.write_bytes((GAZETTE / "jp_example3.xml").read_bytes()[:5000])
    tokkyo("ingest", "--quiet", str(bad), env=env, check=1)
    [row] = json.loads(tokkyo("report", "quarantine", "--json", env=env, check=0).stdout)
    assert row["name"] == str(bad) and row["batch_id"] == 1
    assert row["reason"].startswith(f"{bad}: file cut off: the document ends before its root")
    assert len(row["blob_sha256"]) == 64
    assert "file cut off" in tokkyo("report", "quarantine", env=env, check=0).stdout


def test_refused_files_ingested_twice_keep_one_row_each(env, tmp_path):
    """The same refused files ingested twice, the second time under other names: one
    quarantine row per file (by the SHA-256 of its bytes), with the format detection or
    the reader named and the latest name, reason and batch."""
    ep = (SAMPLES / "foreign" / "ep" / "application" / "v1-2-A1.xml").read_bytes()
    cut = (GAZETTE / "jp_example3.xml").read_bytes()[:5000]
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "ep.xml").write_bytes(ep)
        (folder / "cut.xml").write_bytes(cut)
    tokkyo("ingest", "--quiet", str(first), env=env, check=1)
    result = tokkyo("ingest", "--quiet", str(second), env=env, check=1)
    assert summary(result.stdout)["quarantined"] == 2
    rows = json.loads(tokkyo("report", "quarantine", "--json", env=env, check=0).stdout)
    by_name = {row["name"]: row for row in rows}
    assert sorted(by_name) == [str(second / "cut.xml"), str(second / "ep.xml")]
    ep_row, cut_row = by_name[str(second / "ep.xml")], by_name[str(second / "cut.xml")]
    assert ep_row["format"] == "ep-patent-document"
    assert ep_row["reason"].startswith(f"{second / 'ep.xml'}: xml-not-well-formed at line 93")
    assert cut_row["format"] == "jp-gazette"
    assert cut_row["reason"].startswith(f"{second / 'cut.xml'}: file cut off")
    for row in rows:
        assert row["batch_id"] == 2 and row["times_seen"] == 2
        assert row["last_seen_at"] > row["created_at"]
    assert {row["blob_sha256"] for row in rows} == {hashlib.sha256(ep).hexdigest(),
                                                    hashlib.sha256(cut).hexdigest()}
    text = tokkyo("report", "quarantine", env=env, check=0).stdout
    assert "quarantine (2)" in text and "ep-patent-document" in text


def test_ingest_skips_schema_files(env, tmp_path):
    (tmp_path / "jp-a.dtd").write_text("<!ELEMENT jp-official-gazette ANY>")
    result = tokkyo("ingest", "--quiet", str(tmp_path / "jp-a.dtd"), env=env, check=0)
    assert summary(result.stdout)["skipped"] == 1
    assert "a DTD (document type definition), not a document" in result.stdout


def test_quality_report(env):
    tokkyo("ingest", "--quiet", str(GAZETTE), str(REAL), env=env, check=0)
    report = json.loads(tokkyo("report", "quality", "--json", env=env, check=0).stdout)
    [gazette] = [g for g in report["groups"] if g["format"] == "jp-gazette"]
    assert (gazette["label"], gazette["documents"], gazette["judged"]) == ("JP A", 3, 3)
    assert gazette["present"] == {"title": 3, "abstract": 3, "claims": 3, "description": 3,
                                  "drawings": 2, "parties": 3, "classifications": 3}
    assert gazette["judgement"] == ("JP A: complete: all 3 with text carry title, abstract, "
                                    "claims, description, parties, classifications")
    patents = next(c for c in report["cases"] if c["kind"] == "patent")
    assert patents["present"]["progress"] == 1
    formats = {p["format"]: p["files"] for p in report["problems"]}
    assert formats == {"jp-gazette": 3, "jpo-api-json": 13, "jpo-api-zip": 3, "jpo-document": 4}
    text = tokkyo("report", "quality", env=env, check=0).stdout
    assert "publications by source format, country and kind" in text and "100% (3)" in text
    assert "ok jp-gazette  JP A: complete: all 3 with text carry" in text
    other = json.loads(tokkyo("report", "quality", "--json", "--country", "ep", env=env,
                              check=0).stdout)
    assert (other["country"], other["groups"], other["cases"]) == ("EP", [], [])
    refused = tokkyo("report", "quality", "--country", "EPO", env=env, check=2)
    assert "'EPO' is not a country code: give two letters" in " ".join(refused.stderr.split())


def test_db_commands(env):
    tokkyo("db", "upgrade", env=env, check=0)
    assert tokkyo("db", "current", env=env, check=0).stdout.strip() == migrate.head_revision()
    assert "agree" in tokkyo("db", "check", env=env, check=0).stdout


@pytest.mark.parametrize("backend", ["sqlite"])
def test_serve_refuses_an_empty_database(tmp_path, backend):
    env = dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "empty"), TOKKYO_DATABASE_URL="")
    result = tokkyo("serve", "--port", "1", env=env, check=2)
    assert "the database has no schema yet: run `tokkyo db upgrade`" in " ".join(
        result.stderr.split())


@pytest.mark.parametrize("backend", ["sqlite"])
def test_settings_lists_every_variable(env):
    text = tokkyo("settings", env={**env, "TOKKYO_INGEST_BATCH_SIZE": "7"}, check=0).stdout
    assert "TOKKYO_DATABASE_URL" in text and "TOKKYO_INGEST_WORKERS" in text
    assert "7" in text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_bad_setting_is_a_clear_error(env):
    result = tokkyo("settings", env={**env, "TOKKYO_INGEST_BATCH_SIZE": "zero"})
    assert result.returncode != 0
    assert "TOKKYO_INGEST_BATCH_SIZE='zero': invalid literal for int()" in result.stderr
