"""Module-level layering rules (design.md: repositories own every query, services never
commit, the request or the ingest batch is the unit of work), checked on each module's
syntax tree, so that a rule is broken by a line of code and the report names it.

The rules, by letter:

- a: only `store/` and the search backends (`search/`) import `tokkyo.store.tables` or
  `tokkyo.store.engine`;
- b: the web route modules and the CLI do not import `tokkyo.store.repositories` (they go
  through services);
- c: a route module opens no connection or transaction (`.connect()`, `.begin()`,
  `.commit()`, `write_connection(`) and catches no domain error (the error handlers do);
- d: services never commit (`.commit()`, `engine.begin()`);
- e: repositories never open transactions (`.begin()`, `.commit()`, `.connect()`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

RULES = {
    "a": "only store/ and search/ import tokkyo.store.tables or tokkyo.store.engine",
    "b": "route modules and the CLI do not import tokkyo.store.repositories",
    "c": "route modules open no connection or transaction and catch no domain error",
    "d": "services never commit",
    "e": "repositories never open transactions",
}
LOW_LEVEL_STORE = ("tokkyo.store.tables", "tokkyo.store.engine")
REPOSITORIES = "tokkyo.store.repositories"
#: Modules that serve pages or answers besides `routes.py` and `*_routes.py`.
OTHER_ROUTE_MODULES = frozenset({"portal/pages.py", "portal/exports.py"})
WEB_PACKAGES = ("api", "portal", "bulk", "monitoring")
SERVICE_PACKAGES = ("documents", "accounts", "search", "efiling", "operations", "filings",
                    "exchange")
#: Domain errors that do not (yet) derive from TokkyoError: the query language's and the
#: saved formulas' errors, and the documents service's NotFound.
UNROOTED_DOMAIN_ERRORS = frozenset({"QueryError", "FormulaError", "NotFound"})
DOMAIN_ROOT = "TokkyoError"


@dataclass(frozen=True, order=True)
class Violation:
    module: str        # path inside the package, "api/routes.py"
    rule: str          # a letter of RULES
    line: int
    what: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.module, self.rule)


def is_route_module(module: str) -> bool:
    path = PurePosixPath(module)
    if path.parts[0] not in WEB_PACKAGES:
        return False
    return (path.name == "routes.py" or path.name.endswith("_routes.py")
            or module in OTHER_ROUTE_MODULES)


#: Search engine backends commit their own index (a tantivy writer), never the store's
#: unit of work: not services in rule d's sense.
ENGINE_BACKENDS = "search/backends/"


def is_service_module(module: str) -> bool:
    path = PurePosixPath(module)
    if module.startswith(ENGINE_BACKENDS):
        return False
    return path.name == "service.py" or path.parts[0] in SERVICE_PACKAGES


def domain_errors(package: Path) -> frozenset[str]:
    """Names of the classes defined in the package that derive from TokkyoError (by the
    last part of their bases' names), plus the unrooted domain errors."""
    bases: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    n for n in (_last_name(b) for b in node.bases) if n)
    found = {DOMAIN_ROOT}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                grew = True
    return frozenset(found | UNROOTED_DOMAIN_ERRORS)


def check(package: Path, modules: Iterable[Path] | None = None) -> list[Violation]:
    """Every violation of every rule in the package's modules (all by default)."""
    errors = domain_errors(package)
    found: list[Violation] = []
    for path in sorted(modules if modules is not None else package.rglob("*.py")):
        found += check_module(package, path, errors)
    return sorted(found)


def check_module(package: Path, path: Path, errors: frozenset[str]) -> list[Violation]:
    module = path.relative_to(package).as_posix()
    part = PurePosixPath(module).parts[0]
    tree = ast.parse(path.read_text("utf-8"))
    route = is_route_module(module)
    found: list[Violation] = []

    def report(rule: str, node: ast.AST, what: str) -> None:
        found.append(Violation(module, rule, getattr(node, "lineno", 0), what))

    seen: set[tuple[int, str]] = set()          # one report per import statement
    for node, name in _imports(tree, _package_of(package, path)):
        for rule, applies, targets in (
                ("a", part not in ("store", "search"), LOW_LEVEL_STORE),
                ("b", route or part == "cli", (REPOSITORIES,))):
            if applies and _within(name, targets) and (id(node), rule) not in seen:
                seen.add((id(node), rule))
                report(rule, node, f"imports {name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            call = _call_name(node)
            receiver = _receiver(node)
            if route and call in ("connect", "begin", "commit", "write_connection"):
                report("c", node, f"calls {call}()")
            if is_service_module(module) and (
                    call == "commit" or (call == "begin" and receiver.endswith("engine"))):
                report("d", node, f"calls {receiver}.{call}()")
            if module.startswith("store/repositories/") and call in ("connect", "begin",
                                                                      "commit"):
                report("e", node, f"calls {call}()")
        elif isinstance(node, ast.ExceptHandler) and route and node.type is not None:
            caught = [_last_name(t) for t in (node.type.elts if isinstance(
                node.type, ast.Tuple) else [node.type])]
            for name in caught:
                if name in errors:
                    report("c", node, f"catches {name}")
    return found


def _package_of(package: Path, path: Path) -> str:
    """The dotted package a module is in (`tokkyo.store.repositories`)."""
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join((package.name, *parts[:-1]))


def _imports(tree: ast.Module, here: str) -> Iterator[tuple[ast.AST, str]]:
    """(node, dotted name) of everything imported: `from x import y` gives x and x.y, so
    that `from tokkyo.store import tables` is seen; relative imports are resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node, module
            for alias in node.names:
                yield node, f"{module}.{alias.name}"


def _within(name: str, targets: Iterable[str]) -> bool:
    return any(name == t or name.startswith(t + ".") for t in targets)


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else ""


def _receiver(node: ast.Call) -> str:
    """The source of what a method is called on (`self.engine`), "" for a plain call."""
    return ast.unparse(node.func.value) if isinstance(node.func, ast.Attribute) else ""


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
