"""Read-only JSON views: documents by permalink, cases, substring search (portal.md §7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from tokkyo.documents import service
from tokkyo.model import urls
from tokkyo.model.laws import Law
from tokkyo.portal import document_page
from tokkyo.portal.web import T, render, today, wants_html
from tokkyo.web.deps import Ctx, Reader

router = APIRouter()


@router.get("/documents", summary="Published documents, newest first")
def documents(conn: Reader, limit: int = Query(50, ge=1, le=500),
              offset: int = Query(0, ge=0)) -> dict[str, Any]:
    return service.list_documents(conn, limit, offset)


@router.get("/d/{country}/{law}/{stage}/{number}", summary="A document by permalink",
            response_model=None)
def document(request: Request, ctx: Ctx, conn: Reader, t: T, country: str, law: str,
             stage: str, number: str) -> dict[str, Any] | Response:
    """JSON for programs; the document page for browsers (Accept: text/html)."""
    return _document(request, ctx, conn, t, country, law, stage, number, "")


@router.get("/d/{country}/{law}/{stage}/{number}/translation",
            summary="The machine translation shown beside a document (real-time mode)")
def document_translation(request: Request, ctx: Ctx, conn: Reader, t: T, country: str,
                         law: str, stage: str, number: str,
                         only: str = Query("")) -> dict[str, Any]:
    """Per part of the page in `lang`: done (the units), pending, failed or unrouted (a
    notice). The page's script asks again while something is pending."""
    section = only if only in document_page.ADDRESSABLE else ""
    _known(law, stage, section)
    d = _page(request, ctx, conn, t, country, law, stage, number, section)
    return document_page.translation_json(document_page.page_translation(
        conn, d, t, request.app.state.translate, request.app.state.translate_pages))


@router.get("/d/{country}/{law}/{stage}/{number}/{section}",
            summary="One section of a document: claims, description, history or status",
            response_model=None)
def document_section(request: Request, ctx: Ctx, conn: Reader, t: T, country: str, law: str,
                     stage: str, number: str, section: str) -> dict[str, Any] | Response:
    """A section address (portal.md §7): the page with only that section, or its JSON."""
    return _document(request, ctx, conn, t, country, law, stage, number, section)


def _document(request: Request, ctx: Ctx, conn: Reader, t: T, country: str, law: str,
              stage: str, number: str, section: str) -> dict[str, Any] | Response:
    _known(law, stage, section)
    html = wants_html(request)
    platform = request.app.state.translate
    if not html and not section:
        view = service.document(conn, service.DocumentRef(country.upper(), law, stage,
                                                          number))
        return document_page.document_json(conn, view, t, platform,
                                           urls.document(law, stage, number, country.upper()))
    d = _page(request, ctx, conn, t, country, law, stage, number, section)
    if not html:
        return document_page.section_json(
            d, section, document_page.stored_translation_json(conn, d, t, platform))
    d["mt"] = document_page.page_translation(conn, d, t, platform,
                                             request.app.state.translate_pages)
    if d["publication_id"]:            # counted in memory, written in batches (never fails)
        request.app.state.document_views.record(d["publication_id"])
    return render(request, "document.html", d=d)


def _known(law: str, stage: str, section: str) -> None:
    if (law not in {x.value for x in Law} or stage not in service.STAGES
            or (section and section not in document_page.ADDRESSABLE)):
        what = f"{law}/{stage}" + (f"/{section}" if section else "")
        raise service.NotFound(f"no such document address: {what}")


def _page(request: Request, ctx: Ctx, conn: Reader, t: T, country: str, law: str,
          stage: str, number: str, section: str) -> dict[str, Any]:
    view = service.document(conn, service.DocumentRef(country.upper(), law, stage, number))
    return document_page.page(conn, view, law=law, stage=stage, number=number, t=t,
                              origin=ctx.origin(request), on=today(request), only=section,
                              base=urls.document(law, stage, number, country.upper()),
                              secret=ctx.secret)


@router.get("/d/{country}/{law}/{stage}/{number}/file/{position}",
            summary="A file that came with a document (a trademark's mark image, as PNG)",
            response_class=Response)
def document_file(ctx: Ctx, conn: Reader, country: str, law: str, stage: str, number: str,
                  position: int) -> Response:
    data, media_type = service.publication_file(
        conn, ctx.blobs, service.DocumentRef(country.upper(), law, stage, number), position)
    return Response(data, media_type=media_type,
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/search", summary="Substring search over the full text")
def search(conn: Reader, q: str = Query(..., min_length=1, max_length=200),
           limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    return service.text_search(conn, q, limit)


@router.get("/translation", include_in_schema=False)
def translation_help(request: Request, t: T) -> Response:
    """How machine translation is configured, and the routes in force (the pages' "no
    engine configured" notice links here)."""
    table = request.app.state.translate.table
    return render(request, "translation.html", routes=list(table), origin=table.origin)
