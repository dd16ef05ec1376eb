"""`tokkyo search reindex | check | index-worker`: the search engine's upkeep. The store is
the source of truth; these write what it holds to the engine and say where they differ."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tokkyo.cli import context
from tokkyo.search import outbox
from tokkyo.search import service as search_service
from tokkyo.store.database import Database


def register(app: typer.Typer) -> None:
    app.command()(reindex)
    app.command()(check)
    app.command(name="index-worker")(index_worker)


def _backend(db: Database) -> search_service.SearchBackend:
    backend = search_service.bound(db.engine)
    if backend is None:
        context.fail("the store has no search engine attached (TOKKYO_SEARCH_ENGINE: "
                     "tantivy or sphinx)", code=2)
    return backend


def reindex(shard: int = typer.Option(None, "--shard", help="Only this shard of a "
                                      "sharded engine (not tantivy: it has none).")) -> None:
    """Write every stored case's document to the search engine again and remove the
    documents of cases the store no longer holds; searches keep answering meanwhile."""
    with context.opened(upgrade=True, existing=True) as db:
        backend = _backend(db)
        if shard is not None:
            context.fail(f"--shard {shard}: the {backend.name} engine has no shards", code=2)
        with Progress(TextColumn("[bold]reindex"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=context.console) as progress:
            task = progress.add_task("", total=None)
            written = outbox.reindex(db.engine, backend, progress=lambda done, total:
                                     progress.update(task, completed=done, total=total))
        outbox.drain(db.engine, backend)
        context.console.print(f"{written} cases written to the {backend.name} index")


def check(sample: int = typer.Option(500, "--sample", min=1,
                                     help="Cases compared document by document.")) -> None:
    """Compare the store and the search engine: counts, and a sample of cases document by
    document. Exit status 0 when they agree, 1 when they differ (with what differs)."""
    with context.opened(existing=True) as db:
        backend = _backend(db)
        found = outbox.check(db.engine, backend, sample=sample)
    rows: list[tuple[str, ...]] = [("cases in the store", str(found.store)),
            (f"documents in the {backend.name} index", str(found.engine)),
            ("cases due to be written (outbox)", str(found.due)),
            ("cases compared", str(found.sampled)),
            ("missing from the index", _ids(found.missing)),
            ("stale in the index", _ids(found.stale)),
            ("in the index, not in the store", _ids(found.extra))]
    context.console.print(context.table("search check", ("what", "found"), rows))
    if found.agrees:
        context.console.print("store and search index agree")
        return
    hint = (" (work is still due: run `tokkyo search index-worker --once`)" if found.due
            else " (run `tokkyo search reindex`)")
    context.fail("store and search index differ" + hint, code=1)


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:10])
    return f"{len(ids)}" + (f": case ids {shown}" + (" …" if len(ids) > 10 else "")
                            if ids else "")


def index_worker(once: bool = typer.Option(False, "--once", help="Write what is due, then "
                                           "exit (for cron or a systemd timer)."),
                 interval: float = typer.Option(1.0, "--interval", min=0.1,
                                                help="Seconds between looks at the outbox.")
                 ) -> None:
    """Write due index work (recorded by ingest in the store's outbox) to the search
    engine, until stopped (SIGTERM or Ctrl-C end it after the current chunk)."""
    with context.opened(upgrade=True, existing=True) as db:
        backend = _backend(db)
        if once:
            written = outbox.drain(db.engine, backend)
            context.console.print(f"{written} cases written to the {backend.name} index")
            return
        stop = threading.Event()

        def stopping(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        context.console.print(f"index worker: writing due work to the {backend.name} index "
                              f"every {interval:g} s (Ctrl-C to stop)")
        try:
            while not stop.is_set():
                outbox.drain(db.engine, backend)
                stop.wait(interval)
        except KeyboardInterrupt:
            pass
        context.console.print("index worker stopped")
