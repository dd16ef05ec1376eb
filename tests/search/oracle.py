"""Recorded answers of the SQL engine, the oracle of the search engines since it was
retired (migration 0020).

`generate` makes a seeded set of expressions from what the sample corpus holds (terms of
one to four characters cut from its texts, names, codes and code prefixes, F-term sets,
numbers, date ranges, statuses, countries and kinds, proximity between terms of one unit,
folds, and AND / OR / AND-NOT trees of them) on every screen and in every order. The SQL
engine's answers to them were recorded in ORACLE before it was retired; the tests hold
every engine to that file, and check that its queries are still what `generate` makes
(tests/search/test_recorded_oracle.py). It cannot be recorded again: a change of meaning
is a change of this file, reviewed answer by answer.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from tokkyo.search import query as q
from tokkyo.search.backends.base import SearchBackend
from tokkyo.search.query import QueryError, parse
from tokkyo.search.variants import Folds
from tokkyo.store.database import Database
from tokkyo.store.tables import (
    applications,
    classifications,
    goods_services,
    parties,
    publications,
)

ORACLE = Path(__file__).with_name("oracle_samples.json")
SEED = 18
QUERIES = 400
LIMIT = 1000
DAY = "2026-12-01"                 # the day statuses are read for: fixed, so answers are
_SCREENS = ("all", "patent", "design", "trademark")
_SORTS = ("relevance", "date", "filing", "number")
_FOLDS = ("", "", "", "4", "5", "6", "456")
_STATUSES = ("pending", "in-force", "grace", "lapse-presumed", "expired", "ceased",
             "refused", "withdrawn", "unknown", "in-", "l")
_QUOTED = re.compile(r"[\s*+\-\[\](),/\"?:]")


def load_samples(db: Database) -> None:
    """The sample corpus the oracle was recorded on: JP gazettes, the recorded API answers,
    the foreign samples and the trademark gazettes (tolerant, as the demo loads them)."""
    from tests.conftest import FOREIGN, GAZETTE, REAL, TRADEMARK_GAZETTES
    from tokkyo.ingest.items import walk
    from tokkyo.ingest.service import Ingestor

    for paths, tolerant in (((GAZETTE, REAL), False), ((FOREIGN, TRADEMARK_GAZETTES), True)):
        Ingestor(db.engine, db.blobs, workers=0,
                 tolerant=tolerant).run(walk(list(paths)))


def _quote(term: str) -> str:
    return f'"{term}"' if _QUOTED.search(term) else term


def _pieces(conn: sa.Connection) -> dict[str, list[str]]:
    p, c = publications.c, classifications.c
    texts = [t for row in conn.execute(sa.select(p.title, p.abstract)) for t in row if t]
    names = list(conn.execute(sa.select(parties.c.name)).scalars())
    codes: dict[str, list[str]] = {}
    for scheme, code in conn.execute(sa.select(c.scheme, c.code)):
        codes.setdefault(scheme, []).append(code)
    return {"texts": texts, "names": names,
            "numbers": list(conn.execute(sa.select(applications.c.application_number)
                                         .where(applications.c.country == "JP")).scalars()),
            "nice": list(conn.execute(sa.select(goods_services.c.nice_class)).scalars()),
            **codes}


def _cut(rng: random.Random, texts: list[str], longest: int = 4) -> str:
    text = rng.choice(texts).strip()
    size = rng.randint(1, min(longest, max(len(text), 1)))
    start = rng.randrange(max(len(text) - size, 0) + 1)
    return text[start:start + size].strip() or "電池"


def _atom(rng: random.Random, pieces: dict[str, list[str]]) -> str:
    kind = rng.choice(("text", "text", "text", "field", "name", "code", "prefix", "fterm",
                       "number", "date", "status", "cc", "kd", "near", "nice"))
    if kind == "text":
        return _quote(_cut(rng, pieces["texts"]))
    if kind == "field":
        return f"{_quote(_cut(rng, pieces['texts']))}/{rng.choice(('TI', 'AB', 'CL', 'DE'))}"
    if kind == "name" and pieces["names"]:
        return f"{_quote(_cut(rng, pieces['names'], 3))}/{rng.choice(('AP', 'IN', 'AG'))}"
    if kind in ("code", "prefix") and pieces.get("fi"):
        scheme = rng.choice([s for s in ("fi", "ipc") if pieces.get(s)])
        code = rng.choice(pieces[scheme])
        field = "FI" if scheme == "fi" else "IP"
        if kind == "prefix":
            return f"{code.split('/')[0]}/?/{field}" if "/" in code else f"{code[:4]}?/{field}"
        return f"{code.split(',')[0]}/{field}"
    if kind == "fterm" and pieces.get("f-term"):
        code = rng.choice(pieces["f-term"])
        return f"{code[:7]}?/FT" if rng.random() < 0.5 else f"{code}/FT"
    if kind == "number" and pieces["numbers"]:
        return f"{rng.choice(pieces['numbers'])}/AN"
    if kind == "date":
        year = rng.randint(1995, 2024)
        field = rng.choice(("PD", "AD", "RD"))
        return f"{year}0101:{year + rng.randint(0, 3)}1231/{field}"
    if kind == "status":
        return f"{rng.choice(_STATUSES)}{'?' if rng.random() < 0.2 else ''}/ST"
    if kind == "cc":
        return f"{rng.choice(('JP', 'EP', 'US', 'CN', 'WO', 'DE'))}/CC"
    if kind == "kd":
        return f"{rng.choice(('A', 'B1', 'B2', 'A1', 'U', 'S', 'T', 'TM'))}/KD"
    if kind == "nice" and pieces["nice"]:
        return f"{rng.choice(pieces['nice'])}/NC"
    a, b = _cut(rng, pieces["texts"], 3), _cut(rng, pieces["texts"], 3)
    return f"{_quote(a)},{rng.randint(0, 40)}{rng.choice('CN')},{_quote(b)}"


def _tree(rng: random.Random, pieces: dict[str, list[str]], depth: int = 0) -> str:
    if depth >= 2 or rng.random() < 0.45:
        return _atom(rng, pieces)
    op = rng.choice("*+-")
    return f"[{_tree(rng, pieces, depth + 1)}{op}{_tree(rng, pieces, depth + 1)}]"


def generate(conn: sa.Connection, count: int = QUERIES, seed: int = SEED
             ) -> Iterator[dict[str, str]]:
    """`count` parseable queries: expression, screen, folds and sort."""
    rng = random.Random(seed)
    pieces = _pieces(conn)
    made = 0
    while made < count:
        screen = rng.choice(_SCREENS)
        expression = _tree(rng, pieces)
        try:
            parse(expression, screen=screen)
        except QueryError:
            continue
        made += 1
        yield {"expression": expression, "law": screen, "folds": rng.choice(_FOLDS),
               "sort": rng.choice(_SORTS)}


def answer(conn: sa.Connection, backend: SearchBackend, query: dict[str, str]
           ) -> dict[str, object]:
    """What `backend` finds: the total and the hits as `country:application number`, in
    order for the orders by date and number, as a sorted set by relevance."""
    import datetime as dt

    tree: q.Node = parse(query["expression"], screen=query["law"]).tree
    found = backend.search(conn, tree, law=query["law"], folds=Folds.from_flags(query["folds"]),
                           sort=query["sort"], limit=LIMIT, on=dt.date.fromisoformat(DAY))
    labels = dict(conn.execute(
        sa.select(applications.c.id, applications.c.country + ":"
                  + applications.c.application_number)
        .where(applications.c.id.in_(found.ids))).all())
    hits = [labels[i] for i in found.ids]
    return {"total": found.total,
            "hits": sorted(hits) if query["sort"] == "relevance" else hits}

