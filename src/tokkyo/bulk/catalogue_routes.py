"""The catalogue API (bulk.md §3.3) with the API's Bearer tokens, and the public
manifests, checksum lists and feeds."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidToken
from tokkyo.bulk import feeds, manifests
from tokkyo.bulk.access import bulk_user, link_path
from tokkyo.bulk.errors import BulkError
from tokkyo.bulk.web import context_of, origin, refusal
from tokkyo.portal.i18n import language_of
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows
from tokkyo.store.repositories.users import UserRow

router = APIRouter(prefix="/bulk", tags=["bulk"])


def _token_user(request: Request) -> UserRow | Response:
    ctx = context_of(request)
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return refusal(request, 401, "unauthenticated",
                       "a Bearer access token is needed (POST /auth/token)")
    with ctx.database.engine.connect() as conn:
        try:
            principal = accounts.authenticate(conn, ctx.policy, header[7:].strip(), "bulk")
            return bulk_user(conn, ctx, principal.user_pk)
        except InvalidToken as exc:
            return refusal(request, 401, "unauthenticated", f"the token is not valid ({exc})")
        except BulkError as exc:
            return refusal(request, exc.status, "not-entitled", str(exc))


def _product_view(row: object) -> dict[str, object]:
    fields = ("id", "title_ja", "title_en", "description_ja", "description_en", "laws",
              "format", "schema", "frequency", "schedule", "archive_unit")
    return {f: getattr(row, f) for f in fields}


@router.get("/api/v1/products", summary="Products of the list of provided data")
def products(request: Request) -> Response:
    user = _token_user(request)
    if isinstance(user, Response):
        return user
    with context_of(request).database.engine.connect() as conn:
        return JSONResponse({"products": [_product_view(p) for p in rows.product_listing(conn)]})


@router.get("/api/v1/products/{product_id}/releases", summary="Releases of a product")
def releases(request: Request, product_id: str, since: str = "") -> Response:
    user = _token_user(request)
    if isinstance(user, Response):
        return user
    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError:
        return refusal(request, 422, "bad-request", f"since={since!r} is not YYYY-MM-DD")
    with context_of(request).database.engine.connect() as conn:
        if rows.product(conn, product_id) is None:
            return refusal(request, 404, "not-found", f"no product {product_id!r}")
        return JSONResponse({"product": product_id, "releases": [
            manifests.manifest(conn, r.id) for r in rows.releases_of(conn, product_id, day)]})


@router.post("/api/v1/files/{file_id}/link", summary="A signed download link (24 h)")
def link(request: Request, file_id: int) -> Response:
    user = _token_user(request)
    if isinstance(user, Response):
        return user
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        try:
            path = link_path(conn, ctx, user, file_id)
        except BulkError as exc:
            return refusal(request, exc.status, getattr(exc, "reason", "not-found"), str(exc))
    expires = ctx.now() + ctx.link_lifetime
    return JSONResponse({"url": origin(request) + path, "expires_at": expires.isoformat()},
                        headers={"Cache-Control": "no-store"})


@router.get("/releases/{release_id}/manifest.json", summary="A release's manifest")
def manifest(request: Request, release_id: str) -> Response:
    with context_of(request).database.engine.connect() as conn:
        try:
            return JSONResponse(manifests.manifest(conn, release_id))
        except BulkError as exc:
            return refusal(request, exc.status, "not-found", str(exc))


@router.get("/api/v1/releases/{release_id}/manifest.json", include_in_schema=False)
def manifest_api(request: Request, release_id: str) -> Response:
    return manifest(request, release_id)


@router.get("/releases/{release_id}/SHA256SUMS", summary="Checksums for sha256sum -c")
def sums(request: Request, release_id: str) -> Response:
    with context_of(request).database.engine.connect() as conn:
        try:
            return PlainTextResponse(manifests.sha256sums(conn, release_id))
        except BulkError as exc:
            return refusal(request, exc.status, "not-found", str(exc))


def _announcements(request: Request) -> list[object]:
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        return bulk_activity.announcements_until(conn, ctx.now())  # type: ignore[return-value]


@router.get("/announcements.atom", summary="Announcements (Atom)")
def atom(request: Request) -> Response:
    body = feeds.atom(_announcements(request), origin(request), language_of(request))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/announcements.json", summary="Announcements (JSON Feed)")
def json_feed(request: Request) -> Response:
    return JSONResponse(feeds.json_feed(_announcements(request), origin(request),
                                        language_of(request)),
                        media_type="application/feed+json")
