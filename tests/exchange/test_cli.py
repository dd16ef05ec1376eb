"""`tokkyo exchange import`, `deliveries` and `delivery` in process (CliRunner) on SQLite:
an operator's medium received, listed and shown; a missing folder or partner is one line
with exit status 2."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from tests.conftest import FOREIGN
from tokkyo.cli.main import app


def test_import_list_and_show(database_url, tmp_path):
    env = {"TOKKYO_DATA_DIR": str(tmp_path / "data"), "TOKKYO_DATABASE_URL": database_url,
           "COLUMNS": "200", "TOKKYO_SECRET_KEY": "k" * 40}
    runner = CliRunner()

    def tokkyo(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    medium = tmp_path / "hdd-2024-03"
    medium.mkdir()
    shutil.copy(FOREIGN / "us" / "xmlApp2004" / next(
        p.name for p in (FOREIGN / "us" / "xmlApp2004").iterdir()), medium)
    shutil.copy(FOREIGN / "ep" / "application" / "v1-5-1-A1-2.xml", medium)   # four bare <
    assert "no partner 'TW'" in tokkyo("exchange", "import", "TW", str(medium), code=2)
    tokkyo("exchange", "partners", "add", "US")
    out = tokkyo("exchange", "import", "US", str(medium), code=1)
    assert "US hdd-2024-03 (revision 1): partially-loaded — 1 loaded" in out
    assert "quarantined v1-5-1-A1-2.xml: xml-not-well-formed at 308:45" in out
    assert "no such folder" in tokkyo("exchange", "import", "US", str(tmp_path / "x"),
                                      code=2)
    # the quarantined file's original bytes stay with tokkyo; the medium is left as is
    kept = tmp_path / "data" / "exchange" / "received" / "US"
    [copy] = kept.glob("hdd-2024-03.*/v1-5-1-A1-2.xml")
    assert copy.read_bytes() == (medium / "v1-5-1-A1-2.xml").read_bytes()
    assert len(list(medium.iterdir())) == 2
    [listed] = json.loads(tokkyo("exchange", "deliveries", "--json"))
    assert (listed["partner"], listed["delivery"], listed["state"], listed["origin"]) == (
        "US", "hdd-2024-03", "partially-loaded", "import")
    shown = json.loads(tokkyo("exchange", "delivery", str(listed["id"])))
    states = {f["name"]: (f["state"], f["error_code"]) for f in shown["files"]}
    assert states["v1-5-1-A1-2.xml"] == ("quarantined", "xml-not-well-formed")
    assert [d["outcome"] for d in shown["documents"]] == ["loaded"]
    assert "no delivery 99" in tokkyo("exchange", "delivery", "99", code=2)
