"""tokkyo's own addresses, built in one place (Datasette's `Urls`): documents and cases,
queries and saved formulas, bulk downloads, sign-in. Every template, JSON answer and
redirect builds its links here, so an address changes in one line. Paths only; a full URL
is `absolute(origin, path)` with the configured public origin."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def document(law: str, stage: str, number: str, country: str = "JP", section: str = "",
             **query: str) -> str:
    """A document or case by permalink: `/d/JP/patent/pub/2021044377`, with a section
    (`/claims`, `/description`, `/history`, `/status`) when given."""
    path = f"/d/{country}/{law}/{stage}/{number}" + (f"/{section}" if section else "")
    return path + (f"?{urlencode(query)}" if query else "")


def case(law: str, application_number: str, country: str = "JP", **query: str) -> str:
    """A case by its application number."""
    return document(law, "app", application_number, country, **query)


def query(law: str, expression: str, flags: str = "", **extra: str | int) -> str:
    """A result list's permalink: the expression as it was understood, and its options."""
    return f"/q/{law}?{urlencode({'e': expression, 'n': flags, 'v': '1', **extra})}"


def search(law: str, expression: str) -> str:
    """A quick search link (a classification or a term on a page): just the expression."""
    return f"/q/{law}?{urlencode({'e': expression})}"


def csv(law: str, expression: str, flags: str, sort: str, **extra: str | int) -> str:
    """A result list as CSV (`extra`: the list's other options, e.g. cross-language)."""
    return f"/q/{law}/csv?{urlencode({'e': expression, 'n': flags, 'sort': sort, **extra})}"


def formula(formula_id: int | None, **params: str | int) -> str:
    """A saved formula's permalink (only its owner can open it)."""
    return f"/q/s/{formula_id}" + (f"?{urlencode(params)}" if params else "")


def bulk_download(token: str, name: str) -> str:
    """A signed bulk download link."""
    return f"/bulk/dl/{token}/{name}"


def sign_in(next_path: str) -> str:
    """The sign-in page, coming back to `next_path` afterwards (quoted whole, as a query
    value: `/login?next=%2Fq%2Fs%2F1`)."""
    return f"/login?next={quote(next_path, safe='')}"


def bulk_terms(next_path: str) -> str:
    """The bulk site's terms of use, coming back to `next_path` once accepted."""
    return f"/bulk/terms?next={quote(next_path, safe='')}"


def absolute(origin: str, path: str) -> str:
    """A path on the public origin (`AppContext.origin`)."""
    return origin.rstrip("/") + path
