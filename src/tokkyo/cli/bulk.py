"""`tokkyo bulk`: publish products, replace files, announce, and the download client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)

from tokkyo.accounts.clock import parse_instant
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog, publish, site
from tokkyo.bulk.client import BulkClient
from tokkyo.bulk.errors import BulkError
from tokkyo.cli import context
from tokkyo.store.blobs import BlobStore, open_blob_store

app = typer.Typer(help="Bulk data: publish products, replace files, announce; download them.",
                  no_args_is_help=True)


def _store(work: Callable[..., Any], *, existing: bool = False) -> Any:
    config = context.settings()
    with context.opened(config, upgrade=True, existing=existing) as db:
        # after the store is known to exist: the policy may create the data folder's key
        policy = Policy.from_settings(config)
        try:
            with db.engine.begin() as conn:
                catalog.ensure_products(conn)
                return work(conn, open_blob_store(config), policy.clock.now(),
                            config.data_path / "bulk-work")
        except BulkError as exc:
            context.errors.print(f"[red]{exc}")
            raise typer.Exit(1) from None


def _day(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None


@app.command(name="publish")
def publish_cmd(product: str = typer.Argument(..., help="Product id (see `tokkyo bulk "
                                                        "products`) or `all`."),
                since: str = typer.Option("", help="Delta of what was loaded since this day "
                                                   "(YYYY-MM-DD, from 00:00 JST); default: "
                                                   "since the product's last release."),
                backfile: bool = typer.Option(False, help="Publish everything as a backfile.")
                ) -> None:
    """Build a release of a product from the store (only what changed is published)."""
    wanted = [p.id for p in catalog.PRODUCTS] if product == "all" else [product]

    def work(conn: Any, blobs: BlobStore, now: dt.datetime, workdir: Path) -> list[Any]:
        return [publish.publish(conn, blobs, p, release_type="backfile" if backfile
                                else "delta", since=_day(since), now=now, workdir=workdir)
                for p in wanted]
    for result in _store(work):
        if result.release_id is None:
            context.console.print(f"{result.product_id}: nothing new to publish"
                                  + (f" ({len(result.unchanged)} unchanged)"
                                     if result.unchanged else ""))
            continue
        for release_id in result.release_ids:        # one per country of a product in parts
            context.console.print(f"{result.product_id}: release [bold]{release_id}[/]")
        for name, sha, size in result.files:
            context.console.print(f"  {sha}  {name}  ({size:,} bytes)")


def publish_samples(db: Any, config: Any) -> None:
    """For the demo: every product published from what the store holds (a backfile the
    first time; later runs publish only what changed)."""
    policy = Policy.from_settings(config)
    with db.engine.begin() as conn:
        catalog.ensure_products(conn)
        for spec in catalog.PRODUCTS:
            first = not site.has_release(conn, spec.id)
            result = publish.publish(conn, open_blob_store(config), spec.id,
                                     release_type="backfile" if first else "delta",
                                     now=policy.clock.now(),
                                     workdir=config.data_path / "bulk-work")
            if result.release_id:
                context.console.print(f"bulk: {spec.id} release "
                                      f"{', '.join(result.release_ids)} "
                                      f"({len(result.files)} files)")


@app.command()
def products(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Products and their latest releases (on this server's store)."""
    def work(conn: Any, *_: Any) -> list[tuple[Any, list[Any]]]:
        return site.products_with_releases(conn)
    listing = _store(work, existing=True)
    if as_json:
        context.print_json([{"id": p.id, "title_ja": p.title_ja, "title_en": p.title_en,
                             "frequency": p.frequency,
                             "latest_releases": [r.id for r in releases]}
                            for p, releases in listing])
        return
    context.console.print(context.table(
        "products", ("id", "title", "frequency", "latest releases"),
        [(p.id, p.title_en, p.frequency, "\n".join(r.id for r in releases) or "-")
         for p, releases in listing], ids=("id", "latest releases")))


@app.command()
def replace(release: str = typer.Argument(..., help="Release id."),
            name: str = typer.Argument(..., help="Name of the current file to replace."),
            source: Path = typer.Argument(..., help="The corrected file."),
            reason: str = typer.Option(..., help="Why (shown to users)."),
            records: int = typer.Option(None, help="Record count of the new file "
                                                   "(default: the old one's).")) -> None:
    """Replace a file: the old one stays in the history, marked superseded."""
    new_id = _store(lambda conn, blobs, now, _w: publish.replace(
        conn, blobs, release, name, source, reason=reason, now=now, records=records))
    context.console.print(f"{name} of {release} replaced (file {new_id}); announcement made")


@app.command()
def announce(category: str = typer.Option(..., help="new-data, replacement, outage, "
                                                    "recovery, maintenance, format-change, "
                                                    "end-of-provision."),
             title_ja: str = typer.Option(...), title_en: str = typer.Option(...),
             body_ja: str = typer.Option(""), body_en: str = typer.Option(""),
             starts: str = typer.Option("", help="Maintenance start (ISO 8601 with offset)."),
             ends: str = typer.Option("", help="Maintenance end (ISO 8601 with offset).")
             ) -> None:
    """Post an announcement (a maintenance window pauses downloads with 503)."""
    if category not in site.ANNOUNCEMENT_CATEGORIES:
        raise typer.BadParameter(f"{category!r} is not one of "
                                 f"{', '.join(site.ANNOUNCEMENT_CATEGORIES)}")
    if category == "maintenance" and not (starts and ends):
        raise typer.BadParameter("a maintenance announcement needs --starts and --ends")
    window = {k: parse_instant(v) for k, v in (("starts_at", starts), ("ends_at", ends)) if v}
    pk = _store(lambda conn, _b, now, _w: site.announce(
        conn, now, category, title_ja=title_ja, title_en=title_en, body_ja=body_ja,
        body_en=body_en, **window))
    context.console.print(f"announcement {pk} posted")


@app.command(name="revoke-link")
def revoke_link(link_id: str = typer.Argument(..., help="Link id from the download log.")
                ) -> None:
    """Refuse one download link from now on."""
    _store(lambda conn, _b, now, _w: site.revoke_link(conn, link_id, now))
    context.console.print(f"link {link_id} revoked")


@app.command()
def download(product: str = typer.Argument("", help="Product to keep in step; empty: list "
                                                    "products and releases."),
             to: Path = typer.Option(Path("."), help="Folder to keep in step."),
             server: str = typer.Option("http://127.0.0.1:8000", envvar="TOKKYO_BULK_SERVER",
                                        help="tokkyo server to download from."),
             user: str = typer.Option(..., envvar="TOKKYO_BULK_USER", help="Your ID."),
             password: str = typer.Option(..., envvar="TOKKYO_BULK_PASSWORD",
                                          help="Your password."),
             since: str = typer.Option("", help="Only releases covering this day or later."),
             as_json: bool = typer.Option(False, "--json", help="Without a product: print "
                                                               "the listing as JSON (each "
                                                               "product with its releases' "
                                                               "manifests)."),
             debug: bool = typer.Option(False, "--debug",
                                        help="On a failure, show the traceback too.")
             ) -> None:
    """Sign in, list products, or download a product's new and replaced files (resuming
    interrupted ones, verifying every SHA-256)."""
    with BulkClient(server, user, password) as client:
        try:
            if not product:
                _listing(client, as_json)
                return
            if as_json:
                raise typer.BadParameter("--json is for the listing (no product)")
            with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), console=context.console) as bar:
                tasks: dict[str, Any] = {}

                def progress(name: str, done: int, total: int) -> None:
                    if name not in tasks:
                        tasks[name] = bar.add_task(name, total=total)
                    bar.update(tasks[name], completed=done)
                report = client.sync(product, to, progress, since)
        except BulkError as exc:
            context.fail(str(exc), debug=debug)
        except httpx.HTTPError as exc:
            context.fail(_unreachable(server, exc), debug=debug)
    context.console.print(f"{len(report.downloaded)} downloaded, {len(report.replaced)} "
                          f"replaced, {len(report.unchanged)} unchanged (in {to})")
    for label in report.replaced:
        context.console.print(f"  replaced: {label}")


def _unreachable(server: str, exc: httpx.HTTPError) -> str:
    """One line for a failure of the connection itself: what happened, what to do."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return (f"cannot connect to {server} ({exc}): is the server running and "
                f"--server (TOKKYO_BULK_SERVER) right?")
    if isinstance(exc, httpx.TimeoutException):
        happened = f"{server} stopped answering ({type(exc).__name__})"
    else:
        happened = f"the connection to {server} failed ({exc or type(exc).__name__})"
    return (f"{happened}; what was received is kept in .part files: run the same command "
            f"again to resume")


def _listing(client: BulkClient, as_json: bool) -> None:
    listing = [(p, client.releases(p["id"])) for p in client.products()]
    if as_json:
        context.print_json([dict(p, releases=releases) for p, releases in listing])
        return
    context.console.print(context.table(
        "products", ("id", "title", "frequency", "latest releases"),
        [(p["id"], p["title_en"], p["frequency"],
          "\n".join(r["release"] for r in releases[:3]) or "-") for p, releases in listing],
        ids=("id", "latest releases")))
