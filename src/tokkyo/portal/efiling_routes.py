"""The e-filing page: upload an application (its HTML and images, or a ZIP), see the
findings beside the text, the application as the gazette would print it, and download
the XML package. Stateless: the answer is made from the upload, which is then forgotten."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from starlette.responses import JSONResponse, Response

from tokkyo.efiling import service
from tokkyo.portal import efiling_page
from tokkyo.portal.web import T, render, wants_html

router = APIRouter(include_in_schema=False)


@router.get("/efile", response_model=None)
def efile_form(request: Request) -> Response | dict[str, Any]:
    """The upload form; for programs, how to post and the finding codes."""
    if not wants_html(request):
        return {"post": "/efile", "field": "files",
                "accepts": "one .htm/.html file and its images, or one .zip of them",
                "codes": efiling_page.codes()}
    return render(request, "efile.html", page=None, status=efiling_page.severity_status)


@router.post("/efile", response_model=None)
def efile_check(request: Request, t: T,
                files: Annotated[list[UploadFile], File()]) -> Response:
    """The findings, the preview and (without errors) the package; JSON for programs."""
    result = service.check(efiling_page.upload_of(files))
    page = efiling_page.view(result, t.lang)
    if not wants_html(request):
        return JSONResponse(page.as_json(), status_code=200)
    return render(request, "efile.html", page=page, canonical="/efile",
                  status=efiling_page.severity_status,
                  package_name=efiling_page.PACKAGE_NAME)
