"""Search results as the portal (and any other client) uses them: simple search, form search and
logical expressions, all turned into one expression, parsed once, run by the engine and
shown back fully bracketed (portal.md §1, §3)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.documents.summaries import CaseSummary, summaries
from tokkyo.model.foreign_numbers import is_foreign
from tokkyo.model.jst import japan_day
from tokkyo.model.numbers import JPNumber, NumberError, parse_number
from tokkyo.search import service as search_service
from tokkyo.search.query import Parsed, QueryError, parse, show
from tokkyo.search.query.ast import Node
from tokkyo.search.variants import Folds

LAWS = ("all", "patent", "design", "trademark")
#: The fields one part of a simple search looks in, per screen: every text and name field
#: of the screen's laws (portal.md §1). TX holds the design article names (AR) too; the
#: mark text (TM) is matched as a part of the mark (`?part?`, J-PlatPat's partial match).
SIMPLE_FIELDS = {"all": ("TX", "AP", "IN", "AG", "TM", "CN", "GS"),
                 "patent": ("TX", "AP", "IN", "AG"),
                 "design": ("AR", "AP", "IN", "AG"),
                 "trademark": ("TM", "CN", "GS", "AP", "AG")}
_PARTS = re.compile(r'"((?:[^"]|"")*)"|(\S+)')
_NUMBERISH = re.compile(r"[0-9０-９]")


@dataclass
class Results:
    expression: str               # what the user asked, canonical (fully bracketed)
    law: str
    folds: Folds
    sort: str
    total: int
    offset: int
    limit: int
    rows: list[CaseSummary]
    warnings: list[str] = field(default_factory=list)
    numbers: list[JPNumber] = field(default_factory=list)
    data_as_of: dt.datetime | None = None
    #: cases of this page a text atom matched in a stored machine translation
    translated: set[int] = field(default_factory=set)

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1 if self.limit else 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def simple_parts(text: str) -> list[str]:
    """The box split on whitespace; a double-quoted part keeps its spaces."""
    return [(m[1].replace('""', '"') if m[1] is not None else m[2])
            for m in _PARTS.finditer(text.replace("\u3000", " "))]


def numbers_in(parts: list[str], law: str) -> list[JPNumber]:
    """Readings of every part that parses as a number (shown above the hits)."""
    found: list[JPNumber] = []
    for part in parts:
        if not _NUMBERISH.search(part):
            continue
        try:
            found += parse_number(part)
        except NumberError:
            continue
    return [n for n in found if law == "all" or n.law is None or
            n.law.value in ({"patent", "utility"} if law == "patent" else {law})]


def simple_expression(text: str, law: str) -> str:
    """The logical expression a simple search stands for: parts ORed, each in the
    screen's text and name fields; a part that is a number also looks it up by number."""
    if law not in LAWS:
        raise ValueError(f"unknown law {law!r}")
    terms = []
    for part in simple_parts(text):
        fields = [f"?{quote(part)}?/TM" if f == "TM" else f"{quote(part)}/{f}"
                  for f in SIMPLE_FIELDS[law]]
        if _NUMBERISH.search(part):
            try:
                parse_number(part)
                fields += [f"{quote(part)}/AN", f"{quote(part)}/PN", f"{quote(part)}/RN"]
            except NumberError:
                if is_foreign(part):
                    fields.append(f"{quote(part)}/PN")
        terms.append("[" + "+".join(fields) + "]" if len(fields) > 1 else fields[0])
    return "+".join(terms)


def with_countries(expression: str, countries: Sequence[str]) -> str:
    """An expression limited to the cases of some offices (the country selector of every
    search screen: FOPISER's "pick countries"): `[expression]*[EP/CC+US/CC]`. No
    country, or a malformed one, limits nothing."""
    codes = [c.upper() for c in dict.fromkeys(countries) if _COUNTRY.match(c.upper())]
    if not codes or not expression:
        return expression
    limit = "+".join(f"{c}/CC" for c in codes)
    return f"[{expression}]*" + (f"[{limit}]" if len(codes) > 1 else limit)


_COUNTRY = re.compile(r"^[A-Z]{2}$")


def form_expression(rows: list[tuple[str, str, str]]) -> str:
    """Form search: each row is (field, keywords, AND|OR within the row); rows are ANDed."""
    atoms = []
    for field_code, keywords, joiner in rows:
        words = simple_parts(keywords)
        if not words or not field_code:
            continue
        op = "*" if joiner.upper() == "AND" else "+"
        atoms.append("[" + op.join(f"{quote(w)}/{field_code}" for w in words) + "]"
                     if len(words) > 1 else f"{quote(words[0])}/{field_code}")
    return "*".join(atoms)


def parse_for(expression: str, law: str) -> Parsed:
    return parse(expression, screen=law)


def run(conn: sa.Connection, expression: str, *, law: str = "all", folds: Folds | None = None,
        sort: str = "relevance", offset: int = 0, limit: int = 50,
        on: dt.date | None = None, lang: str = "en",
        rewrite: Callable[[Node], Node] | None = None) -> Results:
    """Parse and run an expression; QueryError when it does not parse. `rewrite` turns
    the parsed tree into the one searched (cross-language expansion); the expression
    shown stays the one typed."""
    folds = folds or Folds()
    parsed = parse_for(expression, law)
    on = on or japan_day()
    tree = rewrite(parsed.tree) if rewrite is not None else parsed.tree

    found = search_service.search(conn, tree, law=law, folds=folds, sort=sort, offset=offset,
                          limit=limit, on=on)
    return Results(expression=show(parsed.tree), law=law, folds=folds, sort=sort,
                   total=found.total, offset=offset, limit=limit,
                   rows=summaries(conn, found.ids, on),
                   warnings=[w.message(lang) for w in parsed.warnings],
                   translated=set(found.translated))


def all_ids(conn: sa.Connection, expression: str, *, law: str, folds: Folds, sort: str,
            limit: int, on: dt.date | None = None,
            rewrite: Callable[[Node], Node] | None = None) -> tuple[int, list[int]]:
    """Hit count and up to `limit` ids in order (CSV export); statuses read for `on`
    (today in Japan by default); `rewrite` as in `run`."""
    parsed = parse_for(expression, law)
    tree = rewrite(parsed.tree) if rewrite is not None else parsed.tree
    found = search_service.search(conn, tree, law=law, folds=folds, sort=sort, limit=limit,
                          on=on or japan_day())
    return found.total, found.ids


__all__ = ["LAWS", "QueryError", "Results", "all_ids", "form_expression", "numbers_in",
           "run", "simple_expression", "simple_parts"]
