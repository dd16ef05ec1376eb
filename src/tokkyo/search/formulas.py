"""Saved search formulas (portal.md §8): at most five per user; export to a file and
import from one (JSON of the tokkyo-formulas format, or plain text, one expression a line).

Every formula is validated with the query grammar before it is kept; errors carry a code
and arguments so the portal can say them in the user's language.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from tokkyo.errors import TerminalError
from tokkyo.search.query import QueryError, parse
from tokkyo.store.repositories import formulas as repo

MAX_FORMULAS = 5
MAX_FILE_BYTES = 64 * 1024
FORMAT = "tokkyo-formulas"
LAWS = ("all", "patent", "design", "trademark")


class FormulaError(TerminalError, ValueError):
    """A formula, a formula file or a choice that cannot be taken; `code` is the message
    key, `args_` its values. `choices`: the formulas of a file that would pass the limit,
    for the user to choose from ("formula-choose")."""

    def __init__(self, code: str, *, choices: list[Formula] | None = None, **args: Any
                 ) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args
        self.choices = choices or []


@dataclass(frozen=True, slots=True)
class Formula:
    name: str
    law: str
    expression: str
    options: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "law": self.law, "expression": self.expression,
                "options": self.options}


def validate(formula: Formula, lang: str = "en") -> Formula:
    name = formula.name.strip()
    if not 1 <= len(name) <= 100:
        raise FormulaError("formula-name")
    if formula.law not in LAWS:
        raise FormulaError("formula-law", law=formula.law)
    try:
        parse(formula.expression, screen=formula.law)
    except QueryError as exc:
        raise FormulaError("formula-invalid", name=name, reason=exc.message(lang)) from None
    return Formula(name, formula.law, formula.expression, dict(formula.options), formula.id)


def _row(row: sa.Row) -> Formula:
    return Formula(row.name, row.law, row.expression, json.loads(row.options or "{}"), row.id)


def list_formulas(conn: sa.Connection, user_pk: int) -> list[Formula]:
    return [_row(r) for r in repo.list_for(conn, user_pk)]


def save(conn: sa.Connection, user_pk: int, formula: Formula, lang: str = "en") -> int:
    """Keep a formula; one of the same name is replaced; a sixth is refused."""
    formula = validate(formula, lang)
    repo.lock_user(conn, user_pk)
    options = json.dumps(formula.options, ensure_ascii=False, sort_keys=True)
    existing = repo.by_name(conn, user_pk, formula.name)
    if existing is not None:
        repo.update(conn, existing.id, formula.law, formula.expression, options)
        return existing.id
    if repo.count_for(conn, user_pk) >= MAX_FORMULAS:
        raise FormulaError("formula-limit", limit=MAX_FORMULAS)
    return repo.insert(conn, user_pk, formula.name, formula.law, formula.expression, options)


def delete(conn: sa.Connection, user_pk: int, formula_id: int) -> None:
    if not repo.delete(conn, user_pk, formula_id):
        raise FormulaError("formula-missing")


def export(formulas: list[Formula]) -> dict[str, Any]:
    return {"format": FORMAT, "version": 1, "formulas": [f.as_json() for f in formulas]}


def read_file(data: bytes, lang: str = "en") -> list[Formula]:
    """Formulas from an exported file or a plain-text file; every one validated."""
    if len(data) > MAX_FILE_BYTES:
        raise FormulaError("formula-file-size", limit=MAX_FILE_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormulaError("formula-file-encoding") from None
    stripped = text.strip()
    if not stripped:
        raise FormulaError("formula-file-empty")
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise FormulaError("formula-file-json", line=exc.lineno) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise FormulaError("formula-file-format")
        if document.get("version") != 1:
            raise FormulaError("formula-file-version", version=document.get("version"))
        items = document.get("formulas")
        if not isinstance(items, list):
            raise FormulaError("formula-file-format")
        found = []
        for i, item in enumerate(items, 1):
            if not isinstance(item, dict) or not isinstance(item.get("expression"), str):
                raise FormulaError("formula-file-item", number=i)
            options = item.get("options")
            found.append(validate(Formula(str(item.get("name") or f"#{i}"),
                                          str(item.get("law") or "all"), item["expression"],
                                          options if isinstance(options, dict) else {}), lang))
        return found
    lines = [line.strip() for line in stripped.splitlines() if line.strip()]
    return [validate(Formula(f"#{i}", "all", line), lang) for i, line in enumerate(lines, 1)]


def pending_file(pending: str) -> bytes:
    """The formula file as the choice form carried it back (base64)."""
    try:
        return base64.b64decode(pending, validate=True)
    except ValueError:
        raise FormulaError("formula-pending") from None


def import_into(conn: sa.Connection, user_pk: int, incoming: list[Formula],
                keep: list[int] | None = None, lang: str = "en") -> list[int]:
    """Save the formulas `keep` (indexes into `incoming`; all when None). When the total
    would pass five, FormulaError("formula-choose") asks which to keep."""
    if keep is not None and any(not 0 <= i < len(incoming) for i in keep):
        # the choice comes back from a form: an index the file lacks is a bad request, and
        # a negative one would silently pick from the end
        raise FormulaError("formula-keep", count=len(incoming))
    chosen = [incoming[i] for i in dict.fromkeys(keep)] if keep is not None else incoming
    repo.lock_user(conn, user_pk)
    names = {f.name for f in list_formulas(conn, user_pk)}
    new = [f for f in chosen if f.name not in names]
    if len(names) + len(new) > MAX_FORMULAS:
        raise FormulaError("formula-choose", choices=incoming, limit=MAX_FORMULAS,
                           free=MAX_FORMULAS - len(names))
    return [save(conn, user_pk, f, lang) for f in chosen]
