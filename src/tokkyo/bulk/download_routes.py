"""`GET|HEAD /bulk/dl/{token}/{name}`: the signed, resumable download (bulk.md §4, §5)."""

from __future__ import annotations

import logging
import math

from fastapi import APIRouter, Request
from starlette.responses import Response

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidToken
from tokkyo.bulk import downloads
from tokkyo.bulk.access import Grant, check_link
from tokkyo.bulk.errors import LinkRefused
from tokkyo.bulk.slots import DownloadSlots
from tokkyo.bulk.web import context_of, refusal
from tokkyo.portal.web import current_user
from tokkyo.store.blobs import BlobMissing
from tokkyo.store.engine import write_connection
from tokkyo.store.repositories import bulk_activity

log = logging.getLogger("tokkyo.bulk")
router = APIRouter(include_in_schema=False)


def _caller(request: Request) -> int | None:
    """The user a request also carries credentials of (a session or a Bearer token), if
    any: a link presented with another user's credentials is refused."""
    principal = current_user(request)
    if principal is not None:
        return principal.user_pk
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        ctx = context_of(request)
        with ctx.database.engine.connect() as conn:
            try:
                return accounts.authenticate(conn, ctx.policy, header[7:].strip(),
                                             "bulk").user_pk
            except InvalidToken:
                return None
    return None


@router.api_route("/bulk/dl/{token}/{name}", methods=["GET", "HEAD"])
def download(request: Request, token: str, name: str) -> Response:
    ctx = context_of(request)
    now = ctx.now()
    with ctx.database.engine.connect() as conn:
        for window in bulk_activity.maintenance_windows(conn, now):
            if window.starts_at is not None and window.starts_at <= now:
                wait = max(1, math.ceil((window.ends_at - now).total_seconds()))
                return refusal(request, 503, "maintenance",
                               f"downloads are paused for maintenance until "
                               f"{window.ends_at.isoformat()}; resume afterwards",
                               {"Retry-After": str(wait)})
        try:
            grant = check_link(conn, ctx, token)
        except LinkRefused as exc:
            return refusal(request, exc.status, exc.reason, str(exc))
    if name != grant.file.name:
        return refusal(request, 404, "not-found", "the file name does not match the link")
    caller = _caller(request)
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
        _log(request, grant, served, 0)
        return response
    streaming = request.method == "GET" and served.status in (200, 206)
    handle = None
    slot = None
    if streaming:
        try:
            handle = ctx.blobs.open(file.sha256)
        except BlobMissing:
            log.error("bulk file %s (%s) is missing from the file store", file.id, file.sha256)
            return refusal(request, 503, "unavailable",
                           "this file cannot be read from storage right now; the operator "
                           "has been told", {"Retry-After": "3600"})
        slot = DownloadSlots(ctx.settings.data_path / "run" / "downloads").take(
            grant.user.id, ctx.settings.bulk_max_downloads)
        if slot is None:
            handle.close()
            return refusal(request, 429, "busy",
                           f"at most {ctx.settings.bulk_max_downloads} downloads at a time; "
                           "try again when one has finished", {"Retry-After": "10"})

    def done(sent: int) -> None:
        if slot is not None:
            slot.release()
        _log(request, grant, served, sent)

    return downloads.respond(request, served, handle, done)


def _log(request: Request, grant: Grant, served: downloads.Served, sent: int) -> None:
    ctx = context_of(request)
    with write_connection(ctx.database.engine) as conn, conn.begin():
        bulk_activity.log_download(
            conn, at=ctx.now(), user_id=grant.user.id, login_id=grant.user.login_id,
            file_id=grant.file.id, link_id=grant.link.link_id,
            ip=request.client.host if request.client else "",
            byte_range=served.byte_range if served.status == 206 else "",
            http_status=served.status, bytes=sent)
