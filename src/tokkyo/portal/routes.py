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


@router.get("/d/{country}/{law}/{stage}/{number}/{section}",
            summary="One section of a document: claims, description, history or status",
            response_model=None)
def document_section(request: Request, ctx: Ctx, conn: Reader, t: T, country: str, law: str,
                     stage: str, number: str, section: str) -> dict[str, Any] | Response:
    """A section address (portal.md §7): the page with only that section, or its JSON."""
    return _document(request, ctx, conn, t, country, law, stage, number, section)


def _document(request: Request, ctx: Ctx, conn: Reader, t: T, country: str, law: str,
              stage: str, number: str, section: str) -> dict[str, Any] | Response:
    if (law not in {x.value for x in Law} or stage not in service.STAGES
            or (section and section not in document_page.ADDRESSABLE)):
        what = f"{law}/{stage}" + (f"/{section}" if section else "")
        raise service.NotFound(f"no such document address: {what}")
    view = service.document(conn, service.DocumentRef(country.upper(), law, stage, number))
    html = wants_html(request)
    if not html and not section:
        return view
    d = document_page.page(conn, view, law=law, stage=stage, number=number, t=t,
                           origin=ctx.origin(request), on=today(request), only=section,
                           base=urls.document(law, stage, number, country.upper()),
                           secret=ctx.secret)
    if not html:
        return document_page.section_json(d, section)
    return render(request, "document.html", d=d)


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
