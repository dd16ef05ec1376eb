"""`tokkyo serve` and `tokkyo demo`."""

from __future__ import annotations

import os
import shutil
from typing import Any

import typer
import uvicorn
from fastapi import FastAPI

from tokkyo.accounts import service as accounts
from tokkyo.accounts.passwords import generate_password
from tokkyo.accounts.policy import Policy
from tokkyo.app import create_app
from tokkyo.cli import context
from tokkyo.cli.bulk import publish_samples
from tokkyo.cli.ingest import print_report, run_ingest
from tokkyo.config import Settings
from tokkyo.errors import ConfigError
from tokkyo.exchange import demo as exchange_demo
from tokkyo.exchange.schedule import Places
from tokkyo.monitoring import logs
from tokkyo.monitoring.exposition import MULTIPROCESS_DIR
from tokkyo.server.zerocopy import ZeroCopyH11Protocol
from tokkyo.store.database import Database
from tokkyo.translate import setup as translate_setup


def serve(
    host: str = typer.Option(None, help="Address to listen on (default: the setting)."),
    port: int = typer.Option(None, help="Port to listen on (default: the setting)."),
    workers: int = typer.Option(1, help="Server processes sharing the port."),
) -> None:
    """Serve tokkyo over HTTP."""
    config = context.settings(host=host, port=port)
    # a store that does not exist is refused as the read-only commands refuse it: one
    # line, and nothing created (no empty SQLite file left behind)
    with context.opened(config, existing=True, missing_code=2, missing_hint=(
            "the database has no schema yet: run `tokkyo db upgrade` (or `tokkyo demo`) to "
            "create it, or run tokkyo where the store is (its ./tokkyo-data) or set "
            "TOKKYO_DATA_DIR or TOKKYO_DATABASE_URL to it")) as db:
        banner = f"tokkyo serving on {config.bound_origin}/"
        _warn_of_wildcard(config)
        _warn_of_own_key(config, db)
        _check_translation(config)
        logs.configure(config.log_format)
        if workers > 1:
            # Each process builds its own app (and store connections) from the settings:
            # the address given here is theirs too (links default to it)
            os.environ.update(TOKKYO_HOST=config.host, TOKKYO_PORT=str(config.port))
            _share_metrics(config)
            context.console.print(f"{banner} ({workers} processes)")
            uvicorn.run("tokkyo.app:served_app", factory=True, workers=workers,
                        **_uvicorn_options(config))
            return
        _run(create_app(config, db, serving=True), config, banner)


def _check_translation(config: Settings) -> None:
    """A routing file or operator glossary that cannot be used ends the command with one
    line (exit 2) before any server process starts."""
    try:
        translate_setup.platform(config).table.close()
    except ConfigError as exc:
        context.fail(str(exc), code=2)


def demo(
    host: str = typer.Option(None, help="Address to listen on."),
    port: int = typer.Option(None, help="Port to listen on."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Load the samples, do not serve."),
) -> None:
    """Set up the embedded store, load the sample corpus, and serve it."""
    config = context.settings(host=host, port=port)
    samples = context.samples_dir()
    with context.opened(config, upgrade=True) as db:
        report = run_ingest(db, [samples / "jp-gazette", samples / "jpo-api" / "real"],
                            config.ingest_batch_size, config.ingest_workers)
        print_report(report)
        if not report.ok:
            raise typer.Exit(1)
        # Other offices' samples and JP trademark gazettes, in tolerant mode: four EP and
        # two DOCDB samples are not well-formed; they load repaired, every repair logged.
        foreign = run_ingest(db, [samples / "foreign", samples / "jp-trademark-gazette"],
                             config.ingest_batch_size, config.ingest_workers, tolerant=True)
        print_report(foreign)
        if not foreign.ok:
            raise typer.Exit(1)
        # partner offices delivering the same samples through their inboxes (exchange)
        for received in exchange_demo.seed(db, Places.under(config.data_path),
                                           samples / "foreign"):
            context.console.print(f"exchange: {received.partner} {received.delivery} "
                                  f"{received.state}", highlight=False)
        # the status table and the quality reports of the partners, from the store
        for line in exchange_demo.summary(db):
            context.console.print(f"exchange: {line}", highlight=False)
        _demo_account(db, config)
        publish_samples(db, config)
        if no_serve:
            return
        _check_translation(config)
        logs.configure(config.log_format)
        _run(create_app(config, db, serving=True), config,
             demo_banner(f"http://{config.host}:{config.port}"))


#: The portal pages the demo suggests, as the README lists them: pages for a browser, not
#: the JSON the API answers (the banner pointed at /documents and /search?q=電池).
DEMO_PAGES = (("the search portal", "/"),
              ("a result list", "/q/all?e=電池"),
              ("a document", "/d/JP/patent/pub/2021044377"),
              ("the same in English, beside its machine translation",
               "/d/JP/patent/pub/2021044377?lang=en"),
              ("cross-language search: an English query over Japanese documents",
               "/q/patent?e=semiconductor%2FTX&x=1"),
              ("a case, its true legal status and history", "/d/JP/patent/app/2020123456"),
              ("other offices' documents (EP, US, CN, WO, DOCDB)", "/q/all?e=EP%2FCC%2BUS%2FCC"),
              ("an EP grant, its claims in three languages", "/d/EP/patent/pub/1442058B1"),
              ("a trademark gazette with its mark", "/d/JP/trademark/reg/5721010"),
              ("bulk downloads", "/bulk"),
              ("e-filing: check an application, e.g. samples/efiling/", "/efile"))


def demo_banner(base: str) -> str:
    """What `tokkyo demo` prints when it starts serving on `base` (http://host:port)."""
    lines = [f"tokkyo demo on {base}/  try:"]
    lines += [f"  {base}{path}  ({what})" for what, path in DEMO_PAGES]
    return "\n".join(lines)


DEMO_ID = "demo-user1"


def _demo_account(db: Database, config: Settings) -> None:
    """A user to try the API with, made once with a random password kept in the data
    folder (`demo-account.txt`), so a new demo needs no operator."""
    note = config.data_path / "demo-account.txt"
    with db.engine.begin() as conn:
        if accounts.find_user(conn, DEMO_ID) is None:
            password = generate_password()
            accounts.add_user(conn, Policy.from_settings(config), DEMO_ID, password,
                              name="tokkyo demo")
            note.write_text(f"ID {DEMO_ID}\npassword {password}\n", "utf-8")
            note.chmod(0o600)
    if note.exists():
        context.console.print(f"demo account ({note}): " + " ".join(note.read_text().split()))


def _warn_of_wildcard(config: Settings) -> None:
    """Links default to the address listened on, which names no host when it is 0.0.0.0."""
    if not config.public_origin and config.host in ("0.0.0.0", "::", ""):
        context.errors.print(f"[yellow]links in answers will name {config.bound_origin}: set "
                             "TOKKYO_PUBLIC_ORIGIN to the address clients reach this "
                             "server at")


def _warn_of_own_key(config: Settings, db: Database) -> None:
    """A PostgreSQL store is there to be shared by servers on several machines, and every
    one of them must hash tokens and sign links with the same key: without
    TOKKYO_SECRET_KEY each data folder makes its own, and a token issued on one machine
    is refused on the next."""
    if not config.secret_key and db.engine.dialect.name == "postgresql":
        context.errors.print(f"[yellow]tokens and links are signed with the key in "
                             f"{config.data_path / 'secret.key'}: every server on this "
                             "PostgreSQL store must use the same key, so set "
                             "TOKKYO_SECRET_KEY to one value on all of them")


def _share_metrics(config: Settings) -> None:
    """The workers of one `tokkyo serve` write their metrics to one fresh folder, which
    whichever answers /metrics sums (prometheus-client's multiprocess mode). Set before
    the workers start: the client reads it when it is imported."""
    folder = config.data_path / "run" / f"metrics-{config.port}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROCESS_DIR] = str(folder)


def _uvicorn_options(config: Settings) -> dict[str, Any]:
    """No uvicorn proxy handling (it believes any caller on 127.0.0.1): forwarded headers
    are believed from TOKKYO_TRUSTED_PROXIES only (tokkyo.web.proxies); no uvicorn access
    log (tokkyo's request log replaces it) nor logging set-up (`logs.configure`); on
    SIGTERM, requests in flight get TOKKYO_SHUTDOWN_GRACE_SECONDS to finish."""
    return {"host": config.host, "port": config.port, "log_config": None,
            "access_log": False, "http": ZeroCopyH11Protocol, "proxy_headers": False,
            "timeout_graceful_shutdown": config.shutdown_grace_seconds}


def _run(app: FastAPI, config: Settings, banner: str) -> None:
    context.console.print(banner)
    uvicorn.run(app, **_uvicorn_options(config))
