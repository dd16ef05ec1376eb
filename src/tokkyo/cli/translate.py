"""`tokkyo translate`: the routing table, a text through it, glossaries, and the fixture
model. Exit status: 0 done, 1 the translation failed (no route, an engine error), 2 a
file or option cannot be used (a bad routing file or glossary; nothing is written)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import typer

from tokkyo.accounts import service as accounts
from tokkyo.cli import context
from tokkyo.config import Settings
from tokkyo.translate import accumulate, glossary, routing, setup
from tokkyo.translate.errors import GlossaryError, RoutingError, TranslationError
from tokkyo.translate.glossary import Glossary
from tokkyo.translate.kinds import ContentKind, kind_of, language

app = typer.Typer(help="Machine translation: the routing table, translating a text, "
                       "glossaries.", no_args_is_help=True)
glossary_app = typer.Typer(help="The operator's and users' glossaries (TSV "
                                "ja⇥en⇥context⇥source).", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")
USER = typer.Option("", "--user", help="A user's own glossary (its login ID) instead of "
                                       "the operator's.")


def _language(text: str, option: str) -> str:
    try:
        return language(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _kind(text: str) -> ContentKind:
    try:
        return kind_of(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--kind") from None


@app.command()
def routes(as_json: bool = typer.Option(False, "--json", help="Print the table as JSON.")
           ) -> None:
    """The routing table in force: each route's pair, content kinds, engine and mode, in
    the order they are tried."""
    config = context.settings()
    try:
        table = routing.load(config.translate_routes)
    except RoutingError as exc:
        context.fail(str(exc), code=2)
    rows: list[tuple[str, ...]] = [(r.source, r.target, r.kinds_text, r.engine,
             str(table.engine_specs[r.engine].get("type")), r.mode) for r in table]
    if as_json:
        context.print_json({"origin": table.origin, "routes": [
            dict(zip(("source", "target", "kinds", "engine", "type", "mode"), row,
                     strict=True)) for row in rows]})
        return
    context.console.print(context.table(f"routing table ({table.origin})",
                                        ("source", "target", "kinds", "engine", "type",
                                         "mode"), rows))


@app.command()
def text(text: str = typer.Argument(..., help="The text, or - to read it from stdin."),
         source: str = typer.Option("ja", "--from", help="Its language."),
         target: str = typer.Option("en", "--to", help="The language wanted."),
         kind: str = typer.Option("description", "--kind",
                                  help="Content kind: title, abstract, claims, description, "
                                       "exam_document, bibliographic, document_name, "
                                       "code_label, non_patent, query."),
         user: str = USER,
         as_json: bool = typer.Option(False, "--json",
                                      help="Print the aligned units as JSON.")) -> None:
    """Translate a text through the routing table (claims and paragraphs stay aligned
    with their labels); the engine and version are named on stderr."""
    source, target = _language(source, "--from"), _language(target, "--to")
    content = _kind(kind)
    body = sys.stdin.read() if text == "-" else text
    config = context.settings()
    try:
        platform = setup.platform(config)
        personal = _user_glossary(config, user) if user else None
    except (RoutingError, GlossaryError) as exc:
        context.fail(str(exc), code=2)
    try:
        result = platform.translate(body, source=source, target=target, kind=content,
                                    glossary=personal)
    except TranslationError as exc:
        context.fail(str(exc))
    finally:
        platform.table.close()
    if as_json:
        context.print_json({"engine": result.engine, "version": result.version,
                            "source": source, "target": target, "kind": content.value,
                            "units": result.units})
        return
    print(result.text)
    context.errors.print(f"machine translation: {result.engine} {result.version}, "
                         f"{result.segments} segments", highlight=False)


@app.command(name="run")
def run_(limit: int = typer.Option(0, "--limit", min=0,
                                   help="Translate at most this many publications (0: "
                                        "every queued one)."),
         as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")
         ) -> None:
    """Accumulated translation: queue again what an older engine version translated, then
    translate the queued foreign publications (most viewed, then newest first) through the
    routing table, store them per section and make them searchable. Exit 1 when some stay queued
    because their translation failed (each is named)."""
    from tokkyo.cli.ingest import index_due

    config = context.settings()
    with context.opened(config, upgrade=True) as db:
        try:
            platform = setup.platform(config, db)
        except (RoutingError, GlossaryError) as exc:
            context.fail(str(exc), code=2)
        try:
            report = accumulate.run(db, platform, limit=limit or None)
        finally:
            platform.table.close()
        index_due(db.engine, quiet=as_json)
    if as_json:
        context.print_json({"requeued": report.requeued, "publications": report.publications,
                            "sections": report.sections, "unchanged": report.unchanged,
                            "segments": report.segments, "cached": report.cached,
                            "queued": report.left, "failures": report.failures})
    else:
        for failure in report.failures:
            context.errors.print(f"[red]not translated[/red] {failure}", soft_wrap=True,
                                 highlight=False)
        context.console.print(
            f"{report.publications} publication(s) translated ({report.sections} "
            f"section(s) stored, {report.unchanged} unchanged, {report.segments} "
            f"segment(s), {report.cached} from the cache); {report.requeued} queued again "
            f"for a new engine version; {report.left} still queued", highlight=False)
    if report.failures:
        raise typer.Exit(1)


def _user_glossary(config: Settings, login_id: str) -> Glossary:
    return glossary.load(_user_path(config, login_id))


def _user_path(config: Settings, login_id: str) -> Path:
    """A user's glossary file; the user must exist in the store."""
    with context.opened(config, existing=True) as db, db.engine.connect() as conn:
        if accounts.find_user(conn, login_id) is None:
            context.fail(f"no user {login_id}", code=2)
    return setup.user_glossary_path(config, login_id)


def _path(user: str) -> Path:
    config = context.settings()
    return _user_path(config, user) if user else config.glossary_path


@glossary_app.command(name="import")
def import_(file: Path = typer.Argument(..., help="A TSV file (ja, en, context, source)."),
            user: str = USER,
            replace: bool = typer.Option(False, "--replace",
                                         help="Replace the glossary instead of adding to "
                                              "it (imported terms win).")) -> None:
    """Add the terms of a TSV file to the glossary (a term already pinned takes the
    imported translation); the file is checked whole first, and nothing is written when
    a line is wrong (exit 2)."""
    target = _path(user)
    try:
        incoming = glossary.parse(file.read_text("utf-8"), str(file))
        current = Glossary() if replace else glossary.load(target)
    except OSError as exc:
        context.fail(f"{file}: {exc.strerror or exc}", code=2)
    except UnicodeDecodeError as exc:
        context.fail(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})", code=2)
    except GlossaryError as exc:
        context.fail(str(exc), code=2)
    merged = current.merged(incoming)
    glossary.save(target, merged)
    context.console.print(f"{len(incoming)} terms imported; {len(merged)} in {target}",
                          highlight=False, soft_wrap=True)


@glossary_app.command()
def export(user: str = USER,
           to: Path = typer.Option(None, "--to", help="Write to this file (else stdout).")
           ) -> None:
    """The glossary as TSV with its header line."""
    try:
        tsv = glossary.dump(glossary.load(_path(user)).entries)
    except GlossaryError as exc:
        context.fail(str(exc), code=2)
    if to is None:
        sys.stdout.write(tsv)
    else:
        to.write_text(tsv, "utf-8")


@app.command(name="fixture-model")
def fixture_model_cmd(folder: Path = typer.Argument(..., help="A new or empty folder."),
                      seed: int = typer.Option(17, help="Seed of the random weights.")
                      ) -> None:
    """Write the tiny CTranslate2 model the tests use (random weights, a SentencePiece
    model trained on the sample gazettes): a test fixture, NOT a translator (its output
    is meaningless), to see the whole path run in a demo or a benchmark."""
    from tokkyo.translate import fixture_model

    if folder.exists() and any(folder.iterdir()):
        context.fail(f"{folder} is not empty", code=2)
    lines = fixture_model.sample_lines(context.samples_dir() / "jp-gazette")
    fixture_model.build(folder, lines, seed=seed)
    context.console.print(f"fixture model written to {folder} (not a translator)",
                          highlight=False, soft_wrap=True)


@app.command(name="export-jmdict")
def export_jmdict(folder: Path = typer.Option(None, "--to", help="Folder to write the two "
                                                                 "tables to (else tokkyo's "
                                                                 "own data folder).")
                  ) -> None:
    """Write the cross-language search tables (JMdict Japanese→English and back) from
    the jamdict-data package's database (the `jmdict` extra; run once per JMdict
    release, not at run time)."""
    from tokkyo.translate import jmdict

    try:    # by name: the optional package is absent where the tests and mypy run
        jamdict_data = importlib.import_module("jamdict_data")
    except ImportError:
        context.fail("jamdict-data is not installed (pip install -e '.[jmdict]')", code=2)
    database = Path(str(jamdict_data.__file__)).parent / "jamdict.db"
    count = jmdict.export(database, folder or jmdict.DATA.parent)
    context.console.print(f"{count} headwords written ({jmdict.ATTRIBUTION})",
                          highlight=False, soft_wrap=True)
