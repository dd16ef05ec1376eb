"""The catalogue API (bulk.md §3.3) with the API's Bearer tokens, and the public
manifests, checksum lists and feeds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from tokkyo.accounts.service import UserRow
from tokkyo.bulk import feeds, manifests, site
from tokkyo.bulk.access import link_path
from tokkyo.bulk.web import BulkCtx, origin
from tokkyo.portal.i18n import language_of
from tokkyo.web.deps import PrimaryReader, Reader

router = APIRouter(prefix="/bulk", tags=["bulk"])


def token_user(request: Request, ctx: BulkCtx, conn: PrimaryReader) -> UserRow:
    """The bulk user of the call's Bearer token (401/403 refusals otherwise)."""
    return site.token_user(conn, ctx, request.headers.get("authorization", ""))


TokenUser = Annotated[UserRow, Depends(token_user)]


def _product_view(row: object) -> dict[str, object]:
    fields = ("id", "title_ja", "title_en", "description_ja", "description_en", "laws",
              "format", "schema", "frequency", "schedule", "archive_unit")
    return {f: getattr(row, f) for f in fields}


@router.get("/api/v1/products", summary="Products of the list of provided data")
def products(_: TokenUser, conn: Reader) -> Response:
    return JSONResponse({"products": [_product_view(p) for p in site.product_listing(conn)]})


@router.get("/api/v1/products/{product_id}/releases", summary="Releases of a product")
def releases(_: TokenUser, conn: Reader, product_id: str, since: str = ""
             ) -> Response:
    return JSONResponse({"product": product_id,
                         "releases": site.releases_since(conn, product_id, since)})


@router.post("/api/v1/files/{file_id}/link", summary="A signed download link (24 h)")
def link(request: Request, ctx: BulkCtx, user: TokenUser, conn: Reader, file_id: int
         ) -> Response:
    path = link_path(conn, ctx, user, file_id)
    expires = ctx.now() + ctx.link_lifetime
    return JSONResponse({"url": origin(request) + path, "expires_at": expires.isoformat()},
                        headers={"Cache-Control": "no-store"})


@router.get("/releases/{release_id}/manifest.json", summary="A release's manifest")
def manifest(conn: Reader, release_id: str) -> Response:
    return JSONResponse(manifests.manifest(conn, release_id))


@router.get("/api/v1/releases/{release_id}/manifest.json", include_in_schema=False)
def manifest_api(conn: Reader, release_id: str) -> Response:
    return manifest(conn, release_id)


@router.get("/releases/{release_id}/SHA256SUMS", summary="Checksums for sha256sum -c")
def sums(conn: Reader, release_id: str) -> Response:
    return PlainTextResponse(manifests.sha256sums(conn, release_id))


@router.get("/announcements.atom", summary="Announcements (Atom)")
def atom(request: Request, ctx: BulkCtx, conn: Reader) -> Response:
    body = feeds.atom(site.announcements(conn, ctx.now()), origin(request),
                      language_of(request))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/announcements.json", summary="Announcements (JSON Feed)")
def json_feed(request: Request, ctx: BulkCtx, conn: Reader) -> Response:
    return JSONResponse(feeds.json_feed(site.announcements(conn, ctx.now()), origin(request),
                                        language_of(request)),
                        media_type="application/feed+json")
