"""`tokkyo search`: the portal's search for scripts and shells, with the same engine,
parser, errors, JSON and CSV; and the search engine's own commands (`reindex`, `check`,
`index-worker`: cli/search_index.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer
from rich.cells import cell_len
from rich.markup import escape
from typer.core import TyperGroup

from tokkyo.accounts.clock import Clock, parse_instant
from tokkyo.cli import context
from tokkyo.documents import csv_export, service
from tokkyo.documents import results as searching
from tokkyo.documents.csv_export import slash_date
from tokkyo.documents.hits import app_label, document_label, registration_label, results_json
from tokkyo.documents.summaries import CaseSummary, summaries
from tokkyo.model import urls
from tokkyo.model.jst import japan_day
from tokkyo.portal.i18n import Translator
from tokkyo.search.backends import SORTS
from tokkyo.search.query import QueryError
from tokkyo.search.variants import SCOPES, Folds

#: Exit status of an expression that does not parse (a usage error, as typer's own).
MALFORMED = 2
COLUMNS = ("application", "document", "kind", "title", "applicants", "dates", "status")



def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """An option's check: one of `choices`, else a usage error (exit 2) naming them."""
    def check(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return check


class ExpressionFirst(TyperGroup):
    """`tokkyo search EXPRESSION` searches; `tokkyo search reindex|check|index-worker` are
    the index's commands. An expression that is a command's name is searched after `--`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:   # a click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [EXPRESSION_COMMAND, *args]
        return super().parse_args(ctx, args)


EXPRESSION_COMMAND = "expression"
app = typer.Typer(cls=ExpressionFirst, no_args_is_help=True, add_completion=False,
                  help="Search the store with a logical expression (`tokkyo search "
                       "EXPRESSION`), or look after the search index.")


@app.command(name=EXPRESSION_COMMAND, hidden=True)
def search(expression: str = typer.Argument(
               ..., metavar="EXPRESSION",
               help="A logical expression, as in the portal's logical search "
                    "(電池/TX*H01M/FI)."),
           law: str = typer.Option("all", "--law", callback=_one_of(searching.LAWS),
                                   help="The screen: which laws to search."),
           sort: str = typer.Option("relevance", "--sort", callback=_one_of(SORTS),
                                    help="Order of the hits."),
           limit: int = typer.Option(50, "--limit", min=1, help="At most this many hits."),
           as_json: bool = typer.Option(False, "--json",
                                        help="Print the portal's JSON of the result list."),
           as_csv: bool = typer.Option(False, "--csv",
                                       help="Write the portal's CSV (UTF-8 with BOM) to stdout."),
           lang: str = typer.Option("en", "--lang", callback=_one_of(("en", "ja")),
                                     help="Language of messages and of the CSV's header."),
           country: list[str] = typer.Option(
               [], "--country", "-c",
               help="Only the cases of this office (ST.3 code: JP, EP, US, CN, WO ...); "
                    "repeat for several. The same as adding [EP/CC+US/CC]."),
           texts: str = typer.Option("both", "--texts", callback=_one_of(tuple(SCOPES)),
                                     help="Foreign documents: search the originals and "
                                          "their stored machine translations (both), the "
                                          "originals only, or the translations only.")
           ) -> None:
    """Search the store with a logical expression: a table of the hits (application,
    document, kind, title, applicants, dates, status), or --json / --csv for programs.
    A malformed expression exits 2 with the parser's message and where it is."""
    if as_json and as_csv:
        context.fail("--json and --csv: choose one", code=MALFORMED)
    bad = [c for c in country if not (len(c) == 2 and c.isascii() and c.isalpha())]
    if bad:
        context.fail(f"--country {bad[0]!r}: a two-letter office code (JP, EP, US, CN, WO ...)",
                     code=MALFORMED)
    expression = searching.with_countries(expression, country)
    config = context.settings()
    # statuses are read for the day in Japan by the app's clock, as the portal's are
    on = japan_day(Clock(parse_instant(config.now) if config.now else None).now())
    try:
        with context.opened(config, upgrade=True, existing=True) as db, \
                db.engine.connect() as conn:
            if as_csv:
                _, ids = searching.all_ids(conn, expression, law=law,
                                           folds=Folds(scope=texts),
                                           sort=sort, limit=limit, on=on)
                rows = summaries(conn, ids, on, appeals=True)
                origin = config.public_origin or config.bound_origin
                cols = csv_export.columns(False, origin, document_label, app_label,
                                          law=law, registration_label=registration_label)
                body, _ = csv_export.encode(rows, cols, Translator(lang))
                sys.stdout.buffer.write(body)
                sys.stdout.flush()
                return
            found = searching.run(conn, expression, law=law, folds=Folds(scope=texts),
                                  sort=sort, limit=limit, on=on, lang=lang)
            as_of = service.data_as_of(conn) if as_json else []
    except QueryError as exc:
        _malformed(exc, expression, lang)
    if as_json:
        context.print_json(results_json(
            found, as_of=as_of,
            permalink=urls.query(law, found.expression, found.folds.flags)))
        return
    for warning in found.warnings:
        context.errors.print(f"[yellow]{escape(warning)}", soft_wrap=True, highlight=False)
    shown = f"{len(found.rows)} of {found.total}" if found.total > len(found.rows) \
        else str(found.total)
    context.console.print(context.table(
        f"{shown} {'hit' if found.total == 1 else 'hits'}: {found.expression} ({law})",
        COLUMNS,
        [_row(r, r.id in found.translated) for r in found.rows],
        ids=("application", "document")))


def _row(row: CaseSummary, translated: bool = False) -> tuple[str, ...]:
    """A hit as a table row; `translated`: it matched in a stored machine translation,
    said under its title."""
    dates = [f"filed {slash_date(row.filing_date)}" if row.filing_date else "",
             f"published {slash_date(row.publication_date)}" if row.publication_date else "",
             f"registered {slash_date(row.registration_date)}"
             if row.registration_date else ""]
    document = document_label(row) if row.document_kind else registration_label(row)
    title = f"{row.title}\n(matched in machine translation)" if translated else row.title
    return (app_label(row), document, row.document_kind, title,
            "\n".join(row.applicants), "\n".join(d for d in dates if d),
            row.status.status.value if row.status else "")


def _malformed(exc: QueryError, expression: str, lang: str) -> None:
    """The parser's message on stderr, with the expression and a caret under the place."""
    context.errors.print(escape(exc.message(lang)), soft_wrap=True, highlight=False)
    context.errors.print(f"  {escape(expression)}", soft_wrap=True, highlight=False)
    caret = "  " + " " * cell_len(expression[:exc.position]) + "^"
    context.errors.print(caret, soft_wrap=True, highlight=False)
    raise typer.Exit(MALFORMED)
