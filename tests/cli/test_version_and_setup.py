"""`tokkyo --version`, the package's licence metadata, and what `./dev` installs."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

from tests.cli.test_cli import tokkyo

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_package_version():
    result = tokkyo("--version", env=dict(os.environ), check=0)
    assert result.stdout.strip() == f"tokkyo {version('tokkyo')}"


def test_the_licence_is_an_spdx_expression_with_a_setuptools_that_reads_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "Apache-2.0"        # a table is deprecated
    # PEP 639 license expressions: setuptools 77 and later
    assert "setuptools>=77" in project["build-system"]["requires"]


def _checkout(tmp_path: Path) -> Path:
    """A copy of `dev` and pyproject.toml whose .venv's python records what it is asked
    to do (the real pip would take a minute and the network)."""
    root = tmp_path / "checkout"
    (root / ".venv" / "bin").mkdir(parents=True)
    shutil.copy2(ROOT / "dev", root / "dev")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    for name in ("python", "tokkyo", "ruff", "mypy", "pytest"):
        tool = root / ".venv" / "bin" / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "$(dirname "$0")/../calls"\n')
        tool.chmod(0o755)
    return root


def _dev(root: Path, command: str) -> list[str]:
    calls = root / ".venv" / "calls"
    calls.write_text("")
    subprocess.run(["bash", str(root / "dev"), command], check=True, timeout=60,
                   capture_output=True)
    return [c for c in calls.read_text().splitlines() if "pip install" in c and "-e" in c]


def test_dev_demo_installs_no_extras_and_dev_test_installs_the_test_extras(tmp_path):
    root = _checkout(tmp_path)
    assert _dev(root, "demo") == ["python -m pip install --quiet -e ."]
    assert _dev(root, "demo") == []
    assert _dev(root, "test") == ["python -m pip install --quiet -e .[test]"]
    assert _dev(root, "test") == []
    assert _dev(root, "demo") == []                      # the test extras serve the demo too
    os.utime(root / "pyproject.toml", (4_000_000_000, 4_000_000_000))
    assert _dev(root, "demo") == ["python -m pip install --quiet -e .[test]"]
