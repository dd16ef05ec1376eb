"""The operators' pages of filings (applications received as e-filing packages, not yet
published): the list, one filing (its documents as they will be printed, beside the
formality check's findings), its package, and the application number the office gives
it. Every route needs the operator role; each page answers JSON to programs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.accounts.service import Principal
from tokkyo.filings import service
from tokkyo.portal import efiling_page
from tokkyo.portal.web import T, render, wants_html
from tokkyo.web.deps import Csrf, Ctx, Posted, Reader, Writer, signed_in_for
from tokkyo.web.errors import Forbidden

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def operator(user: Annotated[Principal, Depends(signed_in_for("filings.signin"))]
             ) -> Principal:
    """The signed-in user, who must be an operator (the admin role): filings are
    unpublished applications."""
    if user.role != "admin":
        raise Forbidden("only operators may see filings, which are unpublished applications")
    return user


Operator = Annotated[Principal, Depends(operator)]


@router.get("/filings", response_model=None)
def filings_list(request: Request, _: Operator, conn: Reader, page: int = 1
                 ) -> Response | dict[str, Any]:
    """Filings received, the most recent first."""
    page = max(page, 1)
    rows, total = service.listing(conn, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if not wants_html(request):
        return {"total": total, "page": page, "filings": [service.as_json(r) for r in rows]}
    return render(request, "filings.html", rows=rows, total=total, page=page,
                  pages=(total + PAGE_SIZE - 1) // PAGE_SIZE)


@router.get("/filings/{filing_id:int}", response_model=None)
def filing_page(request: Request, t: T, ctx: Ctx, _: Operator, conn: Reader, filing_id: int
                ) -> Response:
    """One filing: its request's facts, the documents as printed, the findings."""
    opened = service.open_filing(conn, ctx.blobs, filing_id)
    if not wants_html(request):
        return JSONResponse(service.opened_json(opened))
    page = efiling_page.view(opened.result, t.lang, package=False)
    return render(request, "filing.html", filing=opened.filing, page=page,
                  status=efiling_page.severity_status)


@router.get("/filings/{filing_id:int}/package", response_model=None)
def filing_package(_: Operator, ctx: Ctx, conn: Reader, filing_id: int) -> Response:
    """The package as the office received it (a ZIP of its files)."""
    row = service.get(conn, filing_id)
    return Response(ctx.blobs.get(row.blob_sha256), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="filing-{row.id}.zip"',
        "Cache-Control": "private, no-store"})


@router.post("/filings/{filing_id:int}/number", response_model=None)
def filing_number(request: Request, _: Operator, _csrf: Csrf, conn: Writer, form: Posted,
                  filing_id: int) -> Response:
    """Record the application number the office gave the filing."""
    row = service.assign_number(conn, filing_id, str(form.get("number", "")))
    if not wants_html(request):
        return JSONResponse({"filing": service.as_json(row)})
    return RedirectResponse(f"/filings/{filing_id}", status_code=303)
