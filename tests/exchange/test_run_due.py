"""`tokkyo exchange` as cron runs it: real processes on SQLite and PostgreSQL.

Partners and agreements are added with the CLI (a bad ST.3 code or a plain-FTP URL the
agreement does not allow is refused with its message and nothing written; a password is
stored sealed); two `run-due` processes started at once over inboxes holding several
deliveries receive every delivery exactly once; a partner late against its frequency
makes the exit status 3 and says so."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FOREIGN
from tokkyo.exchange import partners
from tokkyo.exchange.credentials import unseal
from tokkyo.store import migrate
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import (
    exchange_agreements,
    exchange_deliveries,
    exchange_files,
    exchange_partners,
)

SECRET = "s" * 40


def tokkyo(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def done(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def cli(*args: str, env: dict[str, str], code: int = 0) -> str:
    returncode, output = done(tokkyo(*args, env=env))
    assert returncode == code, output
    return output


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    engine.dispose()
    src = str(Path(__file__).resolve().parents[2] / "src")
    return dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"),
                TOKKYO_DATABASE_URL=database_url, TOKKYO_SECRET_KEY=SECRET,
                COLUMNS="200", TOKKYO_INGEST_WORKERS="0",
                PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH"))
                                           if p))


def rows(url: str, table: sa.Table) -> list[sa.Row]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(table)).all())
    finally:
        engine.dispose()


#: Per partner, deliveries of real corpus files (each file in one delivery only).
DELIVERIES = {
    "EP": {"ep-a": ["ep/application/v1-0-A1.xml", "ep/application/v1-1-A2.xml"],
           "ep-b": ["ep/grant/v1-0-B1.xml", "ep/grant/v1-1-B2.xml"]},
    "US": {"us-a": ["us/xml2004/US06970935.xml", "us/greenbook/US03932709.greenbook"],
           "us-b": ["us/pap/US20010000044A1.xml"]},
    "CN": {"cn-a": ["cn/cn_new2.xml", "cn/cn_old2.xml"], "cn-b": ["cn/cn_new3.xml"]},
    "DE": {"de-a": ["docdb/DE-backfile.xml"]},
}


def test_two_run_due_processes_receive_every_delivery_once(env, database_url):
    data = Path(env["TOKKYO_DATA_DIR"])
    engine = make_engine(database_url)
    with engine.begin() as conn:          # the CLI's adding is tested below
        for code in DELIVERIES:
            partners.add_partner(conn, code)
            partners.add_agreement(conn, code, {
                "direction": "receive", "right": "patent", "product": "publication data",
                "content": "text", "format": "XML", "frequency": "weekly",
                "transport": "inbox"})
    engine.dispose()
    for code, batch in DELIVERIES.items():
        for delivery, files in batch.items():
            folder = data / "exchange" / "inbox" / code / delivery
            folder.mkdir(parents=True)
            lines = ["file,bytes,sha256,records"]
            for name in files:
                content = (FOREIGN / name).read_bytes()
                (folder / Path(name).name).write_bytes(content)
                lines.append(f"{Path(name).name},{len(content)},"
                             f"{hashlib.sha256(content).hexdigest()},1")
            (folder / "manifest.csv").write_text("\n".join(lines) + "\n", "utf-8")
            (folder / "READY").write_bytes(b"")

    first, second = (tokkyo("exchange", "run-due", env=env) for _ in range(2))
    results = [done(first), done(second)]
    assert [code for code, _ in results] == [0, 0], "\n".join(t for _, t in results)

    expected = {(code, d) for code, batch in DELIVERIES.items() for d in batch}
    codes = {r.id: r.code for r in rows(database_url, exchange_partners)}
    received = [(codes[r.partner_id], r.delivery_key, r.state)
                for r in rows(database_url, exchange_deliveries)]
    assert sorted((c, d) for c, d, _ in received) == sorted(expected)     # once each
    assert {s for _, _, s in received} == {"loaded"}
    files = rows(database_url, exchange_files)
    assert sorted(f.name for f in files) == sorted(
        Path(n).name for batch in DELIVERIES.values() for names in batch.values()
        for n in names)
    assert {f.state for f in files} == {"loaded"}
    assert not any((data / "exchange" / "inbox").rglob("READY"))
    output = "".join(text for _, text in results)
    for code, delivery in expected:
        assert output.count(f"{code} {delivery} (revision 1): loaded") == 1, output

    # a third run finds nothing to do
    assert "0 delivery(ies) received" in cli("exchange", "run-due", env=env)


def test_partner_and_agreement_records_refused_or_sealed(env, database_url):
    assert cli("exchange", "partners", "add", "QQ", env=env, code=2).strip() == (
        "partner code 'QQ' is not a WIPO ST.3 code (two letters such as SG, MY, EP)")
    assert "former WIPO ST.3 code (Czechoslovakia)" in cli(
        "exchange", "partners", "add", "CS", env=env, code=2)
    assert rows(database_url, exchange_partners) == []
    cli("exchange", "partners", "add", "my", "--contact", "Ms A (MyIPO)", "--status",
        "signed", env=env)
    refused = cli("exchange", "agreements", "add", "MY", "--direction", "receive",
                  "--format", "XML", "--frequency", "monthly", "--transport", "ftp",
                  "--url", "ftp://ftp.example.my/out", env=env, code=2)
    assert "is plain FTP: use ftps://, or set allow_plain_ftp=yes" in refused
    assert rows(database_url, exchange_agreements) == []

    process = subprocess.run(
        [sys.executable, "-m", "tokkyo.cli.main", "exchange", "agreements", "add", "MY",
         "--direction", "receive", "--format", "XML", "--frequency", "monthly",
         "--transport", "sftp", "--url", "sftp://sftp.example.my:2222/out",
         "--username", "jpo", "--password", "--all-or-nothing"],
        env=env, input="hunter2-secret\n", capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr
    [agreement] = rows(database_url, exchange_agreements)
    assert "hunter2" not in agreement.password_sealed
    assert unseal(SECRET.encode(), agreement.password_sealed) == "hunter2-secret"
    shown = json.loads(cli("exchange", "partners", "show", "MY", env=env))
    assert shown["agreements"][0]["password_set"] is True
    assert "hunter2" not in json.dumps(shown)
    assert shown["contacts"] == ["Ms A (MyIPO)"] and shown["status"] == "signed"

    # edit changes only the options given; the sealed password stays
    assert cli("exchange", "agreements", "edit", str(agreement.id), "--frequency", "weekly",
               "--max-delay", "9", "--per-file", env=env).strip() == (
        f"agreement {agreement.id} updated")
    [edited] = rows(database_url, exchange_agreements)
    assert (edited.frequency, edited.max_delay_days, edited.all_or_nothing) == (
        "weekly", 9, False)
    assert edited.password_sealed == agreement.password_sealed
    assert edited.endpoint_url == agreement.endpoint_url


def test_a_late_partner_makes_the_exit_status_3(env, database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        partners.add_partner(conn, "TH")
        partners.add_agreement(conn, "TH", {
            "direction": "receive", "right": "patent", "product": "publication data",
            "content": "text", "format": "XML", "frequency": "weekly", "transport": "inbox"})
        conn.execute(sa.update(exchange_agreements).values(
            created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    engine.dispose()
    output = cli("exchange", "run-due", env=env, code=3)
    # the status table's rule: one weekly period and its grace (2 days) after the
    # agreement took effect
    assert ("late: TH: no delivery has ever arrived (agreed weekly, due since 2020-01-08)"
            in " ".join(output.split()))
    status = json.loads(cli("exchange", "status", "--json", env=env))
    assert [a["partner"] for a in status["alerts"]] == ["TH"]
