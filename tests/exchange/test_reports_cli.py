"""The reports' commands (part of `tokkyo exchange`), run in this
process by Typer's runner against a real store on SQLite and PostgreSQL: an authority
file imported (a bad one refused with its line, nothing stored), tokkyo's own exported
and re-imported, a delivery's report as a table, JSON and CSV, the status table with its
late partners and the operators' text."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tests.conftest import GAZETTE, fresh_database, ingest, table_counts
from tests.exchange.stored_records import store_records
from tests.exchange.test_status_table import NOW, seed_records
from tokkyo.cli.exchange import app
from tokkyo.exchange import reports
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine


def run(env: dict[str, str], *args: str, check: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == check, (result.output, result.stderr)
    return result


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    with fresh_database(request.param, request, tmp_path) as url:
        db = Database(make_engine(url), LocalBlobStore(tmp_path / "blobs"))
        ingest(db, GAZETTE)
        env = dict(TOKKYO_DATA_DIR=str(tmp_path / "data"), TOKKYO_DATABASE_URL=url,
                   COLUMNS="250")
        yield env, db, tmp_path
        db.close()


def test_authority_files_through_the_cli(store):
    env, db, folder = store
    out = folder / "jp-af.csv"
    run(env, "authority", "export", "--out", str(out), "--kinds", "A,T,B,U,Y")
    lines = out.read_text().splitlines()
    assert lines and all(line.startswith("JP;") for line in lines)
    done = json.loads(run(env, "authority", "import", "JP-self", str(out), "--json").output)
    assert (done["entries"], done["format"], done["offices"]) == (len(lines), "csv", ["JP"])
    bad = folder / "bad.csv"
    bad.write_text("EP;1;A1;20210101;\nEP;2;A1;20210101;Q\n")
    before = table_counts(db.engine)
    failed = run(env, "authority", "import", "EP", str(bad), check=1)
    assert f"{bad}: line 2: exception code 'Q' is not one of" in " ".join(failed.stderr.split())
    assert "Traceback" not in failed.output + failed.stderr
    assert table_counts(db.engine) == before
    refused = run(env, "authority", "export", "--out", str(out), "--format", "pdf", check=1)
    assert "exported as csv or xml, not 'pdf'" in refused.stderr


def test_report_and_status_through_the_cli(store, monkeypatch):
    env, db, folder = store
    empty = json.loads(run(env, "status", "--json").output)
    assert empty == {"partners": [], "alerts": []}
    source = seed_records()
    ids = store_records(db.engine, source)
    monkeypatch.setattr(reports, "now_utc", lambda: NOW)
    delivery = ids[source.delivery_list[-1].delivery_id]
    out = folder / "docs.csv"
    answer = json.loads(run(env, "report", delivery, "--json", "--csv", str(out)).output)
    assert answer["delivery"] == delivery and answer["scores"]["accuracy"] == 1.0
    assert len(list(csv.DictReader(io.StringIO(out.read_text())))) == 4
    table = run(env, "report", delivery).output
    assert "completeness" in table and "timeliness" in table
    assert "no delivery 'nope'" in run(env, "report", "nope", check=1).stderr
    held = source.holding(None, "ID")  # type: ignore[arg-type]
    af = folder / "id-af.csv"
    af.write_text("".join(f"{d.country};{d.number};{d.kind};{d.publication_date:%Y%m%d};\n"
                          for d in held) + "EP;3999999;A1;20261001;\n"
                  "EP;3999998;A1;20261001;W\n")
    run(env, "authority", "import", "ID", str(af))
    whole = json.loads(run(env, "authority", "completeness", "ID", "--json").output)
    assert [e["number"] for e in whole["missing"]] == ["3999999"]
    assert whole["expected_missing"] == [{
        "country": "EP", "number": "3999998", "kind": "A1", "date": "2026-10-01",
        "exception": "W", "reason": "application withdrawn before publication"}]
    assert whole["delivered"] == len(held) == 12 and whole["complete"] == 0
    assert {tuple(p["missing"]) for p in whole["parts_missing"]} == {
        ("claims", "description")}
    assert "no authority file" in run(env, "authority", "completeness", "VN").output
    run(env, "state", "SG", "preparing a new MOU")
    shown = run(env, "status", "--record").output
    assert "preparing a new MOU" in shown
    assert "late: MY: late by 34 days against its monthly deliveries" in shown
    twin = json.loads(run(env, "status", "--json").output)
    assert {p["partner"]: p["data_exchange"] for p in twin["partners"]} == {
        "ID": "○", "MY": "△", "SG": "×", "TH": "○", "VN": "○"}
    assert sorted(a["partner"] for a in twin["alerts"]) == ["MY", "SG"]
