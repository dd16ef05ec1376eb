"""The layout shows the architecture: imports point one way (design.md, Packages)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tokkyo"

# What each part of tokkyo may import (besides itself). Web layers and the CLI sit on
# top; services (ingest, search, documents) use store and model; store uses model;
# model uses nothing of tokkyo.
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "errors": set(),
    "config": {"errors"},
    "store": {"model", "config", "errors"},
    "search": {"model", "store", "errors"},
    "ingest": {"model", "store", "errors"},
    "accounts": {"model", "store", "config", "errors"},
    "documents": {"model", "store", "search", "errors"},
    # the request plumbing every surface shares: the app context, the unit of work as
    # dependencies, how errors reach each surface
    "web": {"store", "accounts", "config", "errors"},
    "api": {"model", "store", "search", "ingest", "documents", "accounts", "errors",
            "config", "web"},
    "portal": {"model", "store", "search", "documents", "accounts", "errors", "config",
               "web"},
    # the bulk site shares the portal's look, language and session, and sends files with
    # the zero-copy extension of tokkyo's server
    "bulk": {"model", "store", "accounts", "portal", "errors", "config", "server", "web"},
    # the HTTP server (uvicorn + the zero-copy send extension) knows nothing of tokkyo
    "server": set(),
    "cli": {"model", "store", "search", "ingest", "documents", "accounts", "api", "portal",
            "bulk", "app", "config", "errors", "server", "web"},
    "app": {"api", "portal", "bulk", "documents", "accounts", "store", "config", "errors",
            "web"},
}
FORBIDDEN_NAMES = {"utils", "util", "helpers", "helper", "common", "misc"}


def part_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def tokkyo_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "tokkyo" and len(parts) > 1:
                found.add(parts[1])
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"
                 or p.parent != PACKAGE)


def test_every_part_has_rules():
    parts = {part_of(p) for p in MODULES}
    assert parts <= set(ALLOWED), parts - set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path):
    part = part_of(path)
    wrong = {name for name in tokkyo_imports(path) - {part} if name not in ALLOWED[part]}
    assert not wrong, f"{path.relative_to(PACKAGE)} ({part}) imports {sorted(wrong)}"


def test_no_grab_bag_modules():
    names = {p.stem for p in PACKAGE.rglob("*.py")} | {p.name for p in PACKAGE.rglob("*")
                                                       if p.is_dir()}
    assert not names & FORBIDDEN_NAMES


def test_modules_stay_small():
    """design.md: review any module past ~400 lines; none may pass 700."""
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text("utf-8").splitlines())
             for p in MODULES if "migrations" not in p.parts}
    assert max(sizes.values()) <= 700, {k: v for k, v in sizes.items() if v > 700}


def test_the_checker_sees_a_wrong_import(tmp_path):
    bad = PACKAGE / "store" / "probe_for_architecture_test.py"
    try:
        bad.write_text("from tokkyo.search.index import find\n", "utf-8")
        assert "search" in tokkyo_imports(bad) - ALLOWED["store"]
    finally:
        bad.unlink()
