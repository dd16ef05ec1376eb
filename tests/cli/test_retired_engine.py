"""An old setting file still naming the retired SQL index (`TOKKYO_SEARCH_ENGINE=sql`):
every command refuses in one line naming the engines there are, exit 1, no traceback,
and the store is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import GAZETTE


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tokkyo.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_an_old_sql_setting_is_refused_naming_tantivy_and_sphinx(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOKKYO_") or k.startswith("TOKKYO_TEST_")}
    env.update(TOKKYO_DATA_DIR=str(tmp_path / "data"), TOKKYO_INGEST_WORKERS="0")
    loaded = _run(env, "ingest", str(GAZETTE), "--quiet")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    store = (tmp_path / "data" / "tokkyo.sqlite3").read_bytes()
    old = dict(env, TOKKYO_SEARCH_ENGINE="sql")
    for command in (("search", "電池"), ("ingest", str(GAZETTE)), ("db", "check"),
                    ("search", "check")):
        refused = _run(old, *command)
        assert refused.returncode == 1, command
        assert refused.stderr.strip() == (
            "TOKKYO_SEARCH_ENGINE='sql': the store's own SQL search index was retired "
            "(migration 0020); use tantivy (embedded, the default) or sphinx (a SphinxQL "
            "cluster)"), command
        assert "Traceback" not in refused.stdout + refused.stderr
    assert (tmp_path / "data" / "tokkyo.sqlite3").read_bytes() == store
    found = _run(env, "search", "ウェーハ/TI")
    assert found.returncode == 0 and "1 hit" in found.stdout, found.stdout + found.stderr
