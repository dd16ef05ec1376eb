"""Which search engine a store is searched with, and searching with it.

A store's engine (sqlalchemy.Engine) is bound to one search backend when the app or the
CLI opens it (`attach`); every search on a connection of that store goes to that backend
(`search`), so the portal, CSV, the CLI and the API's lookups share one code path. A store
nothing was bound to has no engine to search with: `NoSearchEngine`.
"""

from __future__ import annotations

import datetime as dt
import threading
from weakref import WeakKeyDictionary

import sqlalchemy as sa

from tokkyo.config import Settings
from tokkyo.errors import TerminalError
from tokkyo.search import query as q
from tokkyo.search.backends.base import Found, SearchBackend
from tokkyo.search.variants import Folds

_BOUND: WeakKeyDictionary[sa.Engine, SearchBackend] = WeakKeyDictionary()
_LOCK = threading.Lock()


class NoSearchEngine(TerminalError):
    """A search on a store no search engine was attached to (`open_for`, `attach`)."""


def open_backend(settings: Settings) -> SearchBackend:
    """The backend the settings name (`TOKKYO_SEARCH_ENGINE`)."""
    if settings.search_engine == "sphinx":
        from tokkyo.search.backends.sphinx import SphinxBackend

        return SphinxBackend.from_settings(settings)
    from tokkyo.search.backends.tantivy import TantivyBackend

    return TantivyBackend(settings.search_path)


def attach(engine: sa.Engine, backend: SearchBackend) -> None:
    """Search the store `engine` with `backend` from now on."""
    with _LOCK:
        _BOUND[engine] = backend


def bound(engine: sa.Engine) -> SearchBackend | None:
    """The backend `engine` was attached to, if any."""
    return _BOUND.get(engine)


def backend_of(conn: sa.Connection) -> SearchBackend:
    """The backend the connection's store was attached to; `NoSearchEngine` if none."""
    backend = _BOUND.get(conn.engine)
    if backend is None:
        raise NoSearchEngine("this store has no search engine attached: open it with "
                             "tokkyo.search.service.open_for (tantivy or sphinx)")
    return backend


def open_for(engine: sa.Engine, settings: Settings) -> SearchBackend:
    """The store's backend: the one attached already, else the settings' one, attached
    now and, when it holds nothing yet, given every stored case as due work."""
    backend = bound(engine)
    if backend is None:
        from tokkyo.search.outbox import fill_if_empty

        backend = open_backend(settings)
        attach(engine, backend)
        fill_if_empty(engine, backend)
    return backend


def search(conn: sa.Connection, tree: q.Node, *, law: str = "all", folds: Folds | None = None,
           sort: str = "relevance", offset: int = 0, limit: int = 50,
           on: dt.date | None = None) -> Found:
    """The hit count and one page of case ids, from the store's search backend."""
    return backend_of(conn).search(conn, tree, law=law, folds=folds, sort=sort,
                                   offset=offset, limit=limit, on=on)

