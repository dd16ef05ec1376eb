"""Issue 16 end to end, over real servers on loopback: a partner's server (pyftpdlib with
explicit TLS, or asyncssh's SFTP server, each its own process) holds a delivery of real
sample files (EP, US, CN, DOCDB, ST.96) with its `manifest.json`; `tokkyo exchange
run-due`, a real process as cron starts it, fetches it, verifies it against the manifest
and loads it; the documents are searchable; the delivery's quality report (stored with it
when it was processed) and the partner's row of the status table come out of the store,
through `tokkyo exchange report` and `tokkyo exchange status`.

One module-scoped setup per protocol (FTPS on PostgreSQL, SFTP on SQLite): the server,
the store, one run. `report` and `status` run in this process (Typer's runner): the
process that matters, run-due, is a real one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import FOREIGN, fresh_database, open_searched
from tests.search.test_foreign_search import hits
from tests.transfer_servers import ftps_server, make_certificate, make_ssh_key, sftp_server
from tokkyo.cli.exchange import app as exchange_app
from tokkyo.config import load_settings
from tokkyo.exchange import deliveries, partners, reports
from tokkyo.store.database import Database

SECRET = "end-to-end-secret-key-for-exchange-tests"
USER, PASSWORD = "jpo", "partner-pässword"
FILES = {                       # name on the partner's server: the sample it is
    "ep-v1-5-B1.xml": FOREIGN / "ep" / "grant" / "v1-5-B1.xml",
    "US08926509.xml": FOREIGN / "us" / "xml2014" / "US08926509.xml",
    "cn_new1.xml": FOREIGN / "cn" / "cn_new1.xml",
    "DE-backfile.xml": FOREIGN / "docdb" / "DE-backfile.xml",
    "st96-PatentPublication.xml":
        FOREIGN / "st96" / "wipo_st96_v6_examples" / "PatentPublication_Example.xml",
}
RECORDS = {"DE-backfile.xml": 10}      # a DOCDB file holds many; the others one each
DELIVERY = "ep-2026-w49"


@dataclass
class Run:
    db: Database
    code: int
    output: str
    env: dict[str, str]


def partner_folder(home: Path) -> None:
    """The partner's side: `out/{delivery}/` with the files and their manifest."""
    folder = home / "out" / DELIVERY
    folder.mkdir(parents=True)
    entries = []
    for name, path in FILES.items():
        data = path.read_bytes()
        (folder / name).write_bytes(data)
        entries.append({"name": name, "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "records": RECORDS.get(name, 1)})
    (folder / "manifest.json").write_text(json.dumps(
        {"format": "tokkyo-manifest", "version": 1, "delivery": DELIVERY,
         "files": entries}), "utf-8")


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "tokkyo.cli.main", "exchange", *args],
                          env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def in_process(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(exchange_app, list(args), env=env)
    return done.exit_code, done.output


@pytest.fixture(scope="module", params=[("ftps", "postgresql"), ("sftp", "sqlite")],
                ids=lambda p: "-".join(p))
def pulled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Run]:
    protocol, backend = request.param
    folder = tmp_path_factory.mktemp(f"e2e-{protocol}-{backend}")
    home = folder / "partner"
    partner_folder(home)
    keys = folder / "keys"
    with fresh_database(backend, request, folder) as url, \
            partner_server(protocol, folder, home, keys) as (endpoint, host_key):
        settings = load_settings(database_url=url, data_dir=str(folder / "data"),
                                 secret_key=SECRET)
        db = open_searched(settings)
        try:
            with db.transaction() as conn:
                partners.add_partner(conn, "EP", status="signed", public_provision=True)
                partners.add_agreement(conn, "EP", {
                    "direction": "receive", "right": "patent",
                    "product": "publication data", "content": "text", "format": "XML",
                    "frequency": "weekly", "transport": protocol,
                    "url": endpoint, "username": USER, "password": PASSWORD,
                    "host_key": host_key}, SECRET.encode())
            src = str(Path(__file__).resolve().parents[2] / "src")
            env = dict(os.environ, TOKKYO_DATABASE_URL=url,
                       TOKKYO_DATA_DIR=str(folder / "data"), TOKKYO_SECRET_KEY=SECRET,
                       PYTHONPATH=os.pathsep.join(
                           p for p in (src, os.environ.get("PYTHONPATH", "")) if p),
                       COLUMNS="200")
            code, output = cli(env, "run-due")
            yield Run(db, code, output, env)
        finally:
            db.close()
            shutil.rmtree(home, ignore_errors=True)


@contextmanager
def partner_server(protocol: str, folder: Path, home: Path, keys: Path
                   ) -> Iterator[tuple[str, str]]:
    """The partner's server of the protocol serving `home`: its URL, and the key tokkyo
    pins (the FTPS certificate, the SSH host key)."""
    users = [(USER, PASSWORD, home)]
    if protocol == "ftps":
        tls = make_certificate(keys)
        with ftps_server(folder, users, tls) as server:
            yield f"ftps://127.0.0.1:{server.port}/out", tls.pem
    else:
        host = make_ssh_key(keys, "host")
        with sftp_server(folder, users, host) as server:
            yield f"sftp://127.0.0.1:{server.port}/out", host.public_line


def delivered(db: Database) -> dict[str, Any]:
    with db.transaction() as conn:
        [row] = deliveries.list_deliveries(conn, "EP")
        return deliveries.show_delivery(conn, row["id"])


def test_run_due_fetches_verifies_and_loads_the_delivery(pulled):
    assert pulled.code == 0, pulled.output
    assert f"EP {DELIVERY} (revision 1): loaded — 14 loaded" in pulled.output
    shown = delivered(pulled.db)
    assert (shown["origin"], shown["manifest"], shown["state"]) == (
        "pull", "manifest-json", "loaded")
    assert {f["name"]: f["state"] for f in shown["files"]} == dict.fromkeys(FILES, "loaded")
    assert {f["name"]: f["sha256"] for f in shown["files"]} == {
        name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in FILES.items()}
    assert sorted((d["country"], d["kind"]) for d in shown["documents"]) == [
        ("CN", "A"), *[("DE", "B")] * 10, ("EP", "B1"), ("US", "B2"), ("US", "B2")]


def test_the_delivered_documents_are_searchable(pulled):
    assert ("EP", "B1", "3404678") in hits(pulled.db, "voltage/TI*EP/CC")
    assert ("US", "B2", "8936998") in hits(pulled.db, "US/CC")     # the ST.96 example


def test_the_quality_report_is_stored_with_the_delivery(pulled):
    shown = delivered(pulled.db)
    stored = shown["report"]["quality"]
    assert stored["delivery"] == str(shown["id"]) and stored["partner"] == "EP"
    assert stored["manifest"] == {"kind": "json", "counts": {
        "documents": {"expected": 14, "delivered": 14, "short": 0}}}
    assert stored["accuracy"]["documents"] == 14
    code, output = in_process(pulled.env, "report", str(shown["id"]), "--json")
    assert code == 0, output
    assert json.loads(output) == stored
    with pulled.db.transaction() as conn:
        computed = reports.delivery_report(conn, str(shown["id"]))
    assert computed.as_json() == stored      # the page and the CSV compute the same


def test_the_status_row_comes_out_of_the_store(pulled):
    code, output = in_process(pulled.env, "status", "--json")
    assert code == 0, output
    twin = json.loads(output)
    [row] = twin["partners"]
    stored = delivered(pulled.db)["report"]["quality"]
    assert (row["partner"], row["agreement"], row["public_provision"]) == ("EP", "○", "○")
    # one weekly delivery so far: not yet regular (two periods are needed), not late
    assert (row["data_exchange"], row["regularity"]) == ("△", "irregular")
    assert row["quality"] == stored["scores"]
    assert twin["alerts"] == []
