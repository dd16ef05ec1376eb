"""The application factory: `create_app(settings)` builds one tokkyo web application."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from tokkyo import __version__
from tokkyo.accounts import retention
from tokkyo.accounts.policy import Policy
from tokkyo.api import envelope
from tokkyo.api import libretranslate as api_libretranslate
from tokkyo.api import refusals as api_refusals
from tokkyo.api.answer_cache import AnswerCache
from tokkyo.api.caching import NO_STORE
from tokkyo.bulk import web as bulk_web
from tokkyo.bulk.access import BulkContext
from tokkyo.config import Settings, load_settings
from tokkyo.documents.views import ViewCounter
from tokkyo.errors import TokkyoError
from tokkyo.monitoring import exposition, logs, pool, probes
from tokkyo.monitoring.maintenance import Answer, MaintenanceGate, Windows
from tokkyo.monitoring.metrics import surface_of
from tokkyo.monitoring.requests import RequestLog
from tokkyo.portal import refusals as portal_refusals
from tokkyo.portal.web import error_page
from tokkyo.search import service as search_service
from tokkyo.search.outbox import Worker
from tokkyo.store.database import Database
from tokkyo.translate import setup as translate_setup
from tokkyo.translate.crosslingual import Expander
from tokkyo.translate.realtime import Realtime
from tokkyo.web.answers import Surface, answer_error
from tokkyo.web.context import AppContext
from tokkyo.web.headers import SecurityHeaders
from tokkyo.web.problems import problem
from tokkyo.web.proxies import TrustedProxies
from tokkyo.web.slashes import MergeSlashes

log = logging.getLogger("tokkyo")
JPO_PREFIXES = ("/api/", "/opdapi/")
#: Portal paths that stay open during maintenance: signing in and out.
OPEN_IN_MAINTENANCE = frozenset({"/login", "/logout"})
ALLOW = "GET, HEAD, OPTIONS"
STATIC = Path(__file__).parent / "portal" / "static"


def freeze_heap() -> int:
    """Move every object the process holds now into the garbage collector's permanent
    generation, after a collection; returns how many.

    Python's full collections walk every long-lived object. A started server holds about
    140,000 (FastAPI, SQLAlchemy, Jinja2, lxml and their caches), and a full collection
    then took 80–90 ms, landing in whichever request happened to trigger it: the searches'
    slowest calls were such collections. Frozen objects are never walked again. Only the
    serving process does this (`served_app`, `tokkyo serve` / `demo`): a process that
    builds many apps, as the tests do, would keep each one's garbage."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _search_probe(backend: search_service.SearchBackend) -> Callable[[], str]:
    """The search engine answers (its index can be opened and counted)."""
    def probe() -> str:
        backend.check()
        return f"{backend.name}: {backend.count():,} case documents"
    return probe


def served_app() -> FastAPI:
    """The factory each process of `tokkyo serve --workers N` builds its app with (and
    its log: each worker is a process of its own)."""
    settings = load_settings()
    logs.configure(settings.log_format)
    return create_app(settings, serving=True)


def create_app(settings: Settings | None = None, database: Database | None = None, *,
               serving: bool = False) -> FastAPI:
    """One tokkyo web application. `serving`: the app a server process runs for good,
    whose start-up heap is frozen once started (`freeze_heap`)."""
    settings = settings or load_settings()
    db = database or Database.open(settings)
    policy = Policy.from_settings(settings)

    backend = search_service.open_for(db.engine, settings)
    for replica in db.replica_engines:     # a read on a replica searches the same engine
        search_service.attach(replica, backend)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # due index work (a crash's leftovers, ingest by another process) goes to the
        # search engine from here unless a `tokkyo search index-worker` does it
        worker = Worker(db.engine, backend) if settings.search_worker else None
        if worker is not None:
            worker.start()
        with db.engine.begin() as conn:
            pruned = retention.prune(conn, policy)
        if any(pruned):
            log.info("retention: removed %d access log entries, %d expired tokens and %d "
                     "old quota counters", *pruned)
        if serving:
            log.info("start-up heap frozen: %d objects", freeze_heap())
        yield
        exposition.process_ended()
        if worker is not None:
            worker.stop()
        app.state.translate_pages.close()
        app.state.document_views.close()
        app.state.translate.table.close()
        if database is None:
            db.close()

    app = FastAPI(title="tokkyo", version=__version__, lifespan=lifespan, docs_url=None,
                  description="An open, self-hostable patent information platform: the JPO "
                              "Patent Information Retrieval API, search and documents.")
    app.state.context = AppContext(settings, db, policy)
    app.state.answers = AnswerCache()
    app.state.bulk = BulkContext.build(settings, db, policy)
    app.state.probes = probes.standard(db)
    app.state.probes.add("search", _search_probe(backend))
    pool.watch(db.engine)
    app.state.translate = translate_setup.platform(settings, db)
    app.state.translate_pages = Realtime(app.state.translate)
    app.state.document_views = ViewCounter(db)
    app.state.query_expansion = Expander(app.state.translate.glossary)
    app.state.translate_limit = translate_setup.rate_limit(settings, db)
    db.limit_waits(settings.api_timeout_ms)

    from tokkyo.api.admin_routes import router as admin_router
    from tokkyo.api.auth_routes import router_for
    from tokkyo.api.libretranslate_routes import router as libretranslate_router
    from tokkyo.api.opd_routes import router as opd_router
    from tokkyo.api.openapi import install as install_openapi
    from tokkyo.api.routes import router as api_router
    from tokkyo.bulk.catalogue_routes import router as bulk_catalogue_router
    from tokkyo.bulk.download_routes import router as bulk_download_router
    from tokkyo.bulk.routes import router as bulk_router
    from tokkyo.monitoring.routes import router as monitoring_router
    from tokkyo.portal.efiling_routes import router as efiling_router
    from tokkyo.portal.exchange_report_routes import router as exchange_reports_router
    from tokkyo.portal.exchange_routes import router as exchange_router
    from tokkyo.portal.exports import router as exports_router
    from tokkyo.portal.filings_routes import router as filings_router
    from tokkyo.portal.pages import router as pages_router
    from tokkyo.portal.routes import router as portal_router

    app.include_router(monitoring_router)
    app.include_router(router_for(settings.token_path))
    app.include_router(api_router)
    app.include_router(opd_router)
    app.include_router(admin_router)
    app.include_router(libretranslate_router)
    app.include_router(pages_router)
    app.include_router(exports_router)
    app.include_router(efiling_router)
    app.include_router(filings_router)
    app.include_router(exchange_router)
    app.include_router(exchange_reports_router)
    app.include_router(portal_router)
    app.include_router(bulk_catalogue_router)
    app.include_router(bulk_download_router)
    app.include_router(bulk_router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    install_openapi(app)
    # innermost first: the gate and the request log see the scope the router writes the
    # matched route into (the two below copy it) and the client a trusted proxy named
    app.add_middleware(MaintenanceGate, windows=Windows(db, policy.clock.now),
                       gated=partial(_gated, settings.token_path), answers=_maintenance_answer,
                       token_path=settings.token_path)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog, token_path=settings.token_path)
    app.add_middleware(TrustedProxies, trusts=settings.trusts)
    app.add_middleware(MergeSlashes)
    _install_error_handlers(app, (
        Surface("jpo", (*JPO_PREFIXES, "/api-files/"), api_refusals.jpo_answer),
        Surface("programs", ("/admin/", "/accounts/", settings.token_path),
                api_refusals.program_answer),
        Surface("bulk", ("/bulk",), bulk_web.answer),
        Surface("libretranslate", api_libretranslate.PREFIXES, api_libretranslate.answer),
        Surface("portal", ("",), portal_refusals.answer)))
    return app


def _gated(token_path: str, path: str) -> bool:
    """The paths announced maintenance closes: the JPO API and the portal's pages."""
    return path.startswith((*JPO_PREFIXES, "/api-files/")) or (
        surface_of(path, token_path) == "portal" and path not in OPEN_IN_MAINTENANCE)


def _maintenance_answer(path: str) -> Answer:
    if path.startswith((*JPO_PREFIXES, "/api-files/")):
        return api_refusals.maintenance_answer
    return portal_refusals.maintenance_answer


def _jpo_path(request: Request) -> bool:
    return request.url.path.startswith(JPO_PREFIXES)


def _not_kept(request: Request, answer: Response) -> Response:
    """An error answer of the JPO API is not to be cached (`api.caching`)."""
    if _jpo_path(request) and "cache-control" not in answer.headers:
        answer.headers["Cache-Control"] = NO_STORE
    return answer


def _install_error_handlers(app: FastAPI, surfaces: tuple[Surface, ...]) -> None:
    """Domain errors are answered by the surface of the request's path, in its form (the
    JPO envelope, a problem body, a page in the user's language); anything else on the
    JPO paths is the envelope, elsewhere a JSON problem body or the portal's page."""

    @app.exception_handler(TokkyoError)
    async def domain_error(request: Request, exc: TokkyoError) -> Response:
        answer = await answer_error(surfaces, request, exc)
        if answer is not None:
            return _not_kept(request, answer)
        return await unexpected(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _jpo_path(request):
            if request.method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": ALLOW})
            answer = envelope.response("301")
            if exc.status_code == 405:
                answer.status_code = 405
                answer.headers["Allow"] = ALLOW
            return _not_kept(request, answer)
        return (error_page(request, exc.status_code)
                or problem(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _jpo_path(request):
            return _not_kept(request, envelope.response("204"))
        fields = ", ".join(str(e.get("loc", ("",))[-1]) for e in exc.errors())
        return error_page(request, 422, fields) or problem(
            422, "the request does not have the required form",
                       errors=[{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")}
                               for e in exc.errors()])

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if _jpo_path(request):
            return _not_kept(request, envelope.response("999"))
        try:
            page = error_page(request, 500)
        except Exception:            # the page itself could not be made: the plain body
            log.exception("the error page failed too")
            page = None
        return page or problem(500, "an unexpected error; it has been logged")
