"""The layout shows the architecture: imports point one way (design.md, Packages)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import layer_rules
from tests.layer_rules import RULES, Violation

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tokkyo"

# What each part of tokkyo may import (besides itself). Web layers and the CLI sit on
# top; services (ingest, search, documents) use store and model; store uses model;
# model uses nothing of tokkyo.
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "errors": set(),
    "config": {"errors"},
    "store": {"model", "config", "errors"},
    # settings choose the search engine (design.md: one Protocol, chosen by settings)
    "search": {"model", "store", "config", "errors"},
    "ingest": {"model", "store", "errors"},
    "accounts": {"model", "store", "config", "errors"},
    "documents": {"model", "store", "search", "errors"},
    # e-filing: HTML to JPO XML and the formality check, pure of storage (design.md)
    "efiling": {"model", "errors"},
    # running the store as a whole: backup, restore, the blob store's integrity
    "operations": {"store", "errors"},
    # filings (unpublished applications, for operators): the stored package read back
    # and checked by efiling
    "filings": {"model", "store", "efiling", "errors"},
    # machine translation: engines, routing, glossaries (design.md); settings choose the
    # routing file and the glossary
    "translate": {"model", "store", "search", "config", "errors"},
    # the request plumbing every surface shares: the app context, the unit of work as
    # dependencies, how errors reach each surface
    "web": {"store", "accounts", "config", "errors"},
    # data exchange with partner offices: transfers, deliveries loaded through ingest,
    # authority files and quality reports (design.md, exchange/)
    "exchange": {"model", "store", "ingest", "search", "config", "errors"},
    # operating the server: readiness probes, metrics, the request log, the maintenance
    # gate; the surfaces count into its metrics and answer its maintenance windows
    "monitoring": {"store", "config", "errors", "web"},
    "api": {"model", "store", "search", "ingest", "documents", "accounts", "errors",
            "config", "web", "monitoring", "filings", "translate"},
    "portal": {"model", "store", "search", "documents", "accounts", "errors", "config",
               "web", "monitoring", "efiling", "filings", "exchange", "translate"},
    # the bulk site shares the portal's look, language and session, and sends files with
    # the zero-copy extension of tokkyo's server
    "bulk": {"model", "store", "accounts", "portal", "errors", "config", "server", "web",
             "monitoring"},
    # the HTTP server (uvicorn + the zero-copy send extension) knows nothing of tokkyo
    "server": set(),
    "cli": {"model", "store", "search", "ingest", "documents", "accounts", "api", "portal",
            "bulk", "app", "config", "errors", "server", "web", "efiling", "operations",
            "monitoring", "filings", "translate", "exchange"},
    "app": {"api", "portal", "bulk", "documents", "accounts", "search", "store", "config",
            "errors", "web", "monitoring", "translate"},
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
        bad.write_text("from tokkyo.search.outbox import drain\n", "utf-8")
        assert "search" in tokkyo_imports(bad) - ALLOWED["store"]
    finally:
        bad.unlink()


# -- module-level rules (tests/layer_rules.py) -----------------------------------------

#: Modules that break a rule by design, with the reason.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # the ingest batch runner is a unit of work (design.md: a batch commits whole or not
    # at all): it opens its write connection, commits each batch and refreshes the
    # planner's statistics after a load
    ("ingest/service.py", "a"): "the batch runner opens its own write connection",
    ("ingest/service.py", "d"): "the batch runner commits each batch",
}

#: PENDING: (module, rule) pairs that break a rule today and are being fixed elsewhere;
#: the list may only shrink (a pair that no longer breaks its rule fails the test below:
#: take it off). The integrator empties it as the slices of issue 14 land.
PENDING: frozenset[tuple[str, str]] = frozenset()


@pytest.fixture(scope="module")
def violations() -> list[Violation]:
    return layer_rules.check(PACKAGE)


def test_module_rules_hold(violations):
    allowed = PENDING | EXCEPTIONS.keys()
    wrong = [f"{v.module}:{v.line} breaks rule {v.rule} ({RULES[v.rule]}): {v.what}"
             for v in violations if v.pair not in allowed]
    assert not wrong, "\n".join(wrong)


def test_pending_pairs_still_break_their_rule(violations):
    """The PENDING list only shrinks: a pair fixed is taken off it."""
    breaking = {v.pair for v in violations}
    assert not PENDING - breaking, f"fixed, take off PENDING: {sorted(PENDING - breaking)}"


def test_exceptions_are_still_needed(violations):
    breaking = {v.pair for v in violations}
    assert EXCEPTIONS.keys() <= breaking, sorted(EXCEPTIONS.keys() - breaking)


#: A package with one planted violation per rule (and two for c), and clean modules.
FIXTURE = {
    "errors.py": "class TokkyoError(Exception): ...\n"
                 "class TerminalError(TokkyoError): ...\n",
    "accounts/errors.py": "from tokkyo.errors import TerminalError\n"
                          "class AccountError(TerminalError): ...\n"
                          "class InvalidToken(AccountError): ...\n",
    # a: a service module reading a table itself
    "api/answers.py": "from tokkyo.store import tables\n",
    # b: a route module reading a repository
    "portal/routes.py": "from ..store.repositories import cases\n",
    # c: a route module opening a connection, another catching a domain error
    "api/opd_routes.py": "def route(request):\n"
                         "    with request.app.state.engine.connect() as conn:\n"
                         "        return conn\n",
    "portal/pages.py": "from tokkyo.accounts import errors\n"
                       "def page():\n"
                       "    try:\n"
                       "        pass\n"
                       "    except (KeyError, errors.InvalidToken):\n"
                       "        pass\n",
    # d: a service committing
    "documents/service.py": "def save(engine):\n"
                            "    with engine.begin() as conn:\n"
                            "        return conn\n",
    # e: a repository opening a transaction
    "store/repositories/things.py": "def write(conn):\n"
                                    "    with conn.begin():\n"
                                    "        pass\n",
    # clean: a repository reading tables, a non-route portal module reading a
    # repository, a route module calling a service and catching a non-domain error, a
    # service working in its caller's transaction
    "store/repositories/cases.py": "from tokkyo.store.tables import applications\n"
                                   "def count(conn):\n"
                                   "    return conn.execute(applications.select())\n",
    "portal/document_page.py": "from tokkyo.store.repositories import cases\n",
    "api/routes.py": "from tokkyo.documents import service\n"
                     "def route(conn):\n"
                     "    try:\n"
                     "        return service.save(conn)\n"
                     "    except KeyError:\n"
                     "        return None\n",
    "accounts/service.py": "from tokkyo.store.repositories import users\n"
                           "def add(conn, name):\n"
                           "    with conn.begin_nested():\n"
                           "        users.add(conn, name)\n",
}


def test_the_module_rules_see_one_planted_violation_per_rule(tmp_path):
    package = tmp_path / "tokkyo"
    for name, text in FIXTURE.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, "utf-8")
    found = layer_rules.check(package)
    assert [(v.module, v.rule, v.line, v.what) for v in found] == [
        ("api/answers.py", "a", 1, "imports tokkyo.store.tables"),
        ("api/opd_routes.py", "c", 2, "calls connect()"),
        ("documents/service.py", "d", 2, "calls engine.begin()"),
        ("portal/pages.py", "c", 5, "catches InvalidToken"),
        ("portal/routes.py", "b", 1, "imports tokkyo.store.repositories"),
        ("store/repositories/things.py", "e", 2, "calls begin()"),
    ]
    assert {v.rule for v in found} == set(RULES)


def test_domain_errors_are_resolved_through_their_bases():
    errors = layer_rules.domain_errors(PACKAGE)
    assert {"BulkError", "TermsNotAccepted", "AccountError", "InvalidToken",
            "InvalidCredentials", "BlobMissing", "QueryError", "FormulaError",
            "NotFound"} <= errors
    assert not {"ValueError", "KeyError", "HTTPException", "NumberError"} & errors
