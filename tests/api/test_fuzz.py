"""Fuzzing with schemathesis (its command line, against a running tokkyo and the OpenAPI
document tokkyo serves): no 5xx, and every answer conforms to the document (the JPO
paths: the envelope), in positive and negative modes, with unexpected methods too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def schemathesis_command() -> list[str]:
    found = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    return [found]


def test_no_server_errors_and_only_the_envelope(api, tmp_path):
    token = api.token()
    result = subprocess.run(
        [*schemathesis_command(), "run", f"{api.server.base}/openapi.json",
         "--url", api.server.base, "-H", f"Authorization: Bearer {token}",
         "--include-path-regex", r"^/(api|opdapi)/", "--mode", "all", "-n", "12",
         "--checks", "not_a_server_error,response_schema_conformance",
         "--generation-database", "none", "--seed", "20261121"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-4000:]
    assert "42 selected" in report and "No issues found" in report
