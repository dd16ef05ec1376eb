"""`GET|HEAD /bulk/dl/{token}/{name}`: the signed, resumable download (bulk.md §4, §5)."""

from __future__ import annotations

import logging
import math

import sqlalchemy as sa
from fastapi import APIRouter, Request
from starlette.responses import Response

from tokkyo.bulk import downloads, site
from tokkyo.bulk.access import Grant, check_link
from tokkyo.bulk.web import BulkCtx, refusal
from tokkyo.monitoring.metrics import BULK_BYTES
from tokkyo.web.deps import PrimaryReader, current_user
from tokkyo.web.request_ids import request_id

log = logging.getLogger("tokkyo.bulk")
router = APIRouter(include_in_schema=False)


def _caller(request: Request, ctx: BulkCtx, conn: sa.Connection) -> int | None:
    """The user a request also carries credentials of (a session or a Bearer token), if
    any: a link presented with another user's credentials is refused."""
    principal = current_user(request)
    if principal is not None:
        return principal.user_pk
    return site.token_caller(conn, ctx, request.headers.get("authorization", ""))


@router.api_route("/bulk/dl/{token}/{name}", methods=["GET", "HEAD"])
def download(request: Request, ctx: BulkCtx, conn: PrimaryReader, token: str, name: str
             ) -> Response:
    now = ctx.now()
    window = site.maintenance_now(conn, now)
    if window is not None:
        wait = max(1, math.ceil((window.ends_at - now).total_seconds()))
        return refusal(request, 503, "maintenance",
                       f"downloads are paused for maintenance until "
                       f"{window.ends_at.isoformat()}; resume afterwards",
                       {"Retry-After": str(wait)})
    grant = check_link(conn, ctx, token)
    if name != grant.file.name:
        return refusal(request, 404, "not-found", "the file name does not match the link")
    caller = _caller(request, ctx, conn)
    if caller is not None and caller != grant.user.id:
        return refusal(request, 403, "foreign",
                       "this download link was issued to another user; ask for your own")
    file = grant.file
    served = downloads.plan(request, name=file.name, size=file.bytes, sha256=file.sha256,
                            media_type=file.media_type, modified=file.created_at)
    if served.status == 416:
        response = refusal(request, 416, "range",
                           f"the range asked for lies outside the file ({file.bytes} bytes)")
        response.headers["Content-Range"] = f"bytes */{file.bytes}"
        _log(request, ctx, grant, served, 0)
        return response
    streaming = request.method == "GET" and served.status in (200, 206)
    handle = None
    slot = None
    if streaming:
        slot = ctx.slots.take(grant.user.id, ctx.settings.bulk_max_downloads)
        if slot is None:
            return refusal(request, 429, "busy",
                           f"at most {ctx.settings.bulk_max_downloads} downloads at a time; "
                           "try again when one has finished", {"Retry-After": "10"})
        try:
            handle = ctx.blobs.open(file.sha256)  # BlobMissing: 503, the operator told
        except BaseException:
            slot.release()
            raise

    def done(sent: int) -> None:
        if slot is not None:
            slot.release()
        BULK_BYTES.inc(sent)
        _log(request, ctx, grant, served, sent)

    return downloads.respond(request, served, handle, done)


def _log(request: Request, ctx: BulkCtx, grant: Grant, served: downloads.Served, sent: int
         ) -> None:
    with ctx.database.transaction() as conn:
        site.log_download(
            conn, at=ctx.now(), user_id=grant.user.id, login_id=grant.user.login_id,
            file_id=grant.file.id, link_id=grant.link.link_id,
            ip=request.client.host if request.client else "",
            byte_range=served.byte_range if served.status == 206 else "",
            http_status=served.status, bytes=sent, request_id=request_id(request))
