"""Answers of the document operations: a ZIP, a signed link for a large ZIP, or 107/108."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Request, Response

from tokkyo.api import bundles, envelope, signed_links
from tokkyo.api.caching import NO_STORE
from tokkyo.api.found import Found
from tokkyo.api.operations import Operation
from tokkyo.model.jst import JST
from tokkyo.model.laws import Law
from tokkyo.store.repositories import case_reader
from tokkyo.web.context import AppContext


def zip_bytes(ctx: AppContext, conn: sa.Connection, law: Law, op: Operation, number: str
              ) -> bytes | str:
    """The ZIP of one operation for one case, or the statusCode when there is none."""
    record = case_reader.load_case(conn, law, number)
    if record is None:
        return "107"
    chosen = bundles.entries(op.name, record.bodies)
    if not chosen:
        return "108"
    files = [(e.name, ctx.database.blobs.get(e.sha256)) for e in chosen]
    return bundles.build(files, ctx.policy.clock.now().astimezone(JST))


def zip_response(op: Operation, number: str, data: bytes, headers: dict[str, str]) -> Response:
    disposition = {"Content-Disposition": f"attachment;filename={op.zip_prefix}_{number}.zip"}
    return Response(data, media_type="application/zip", headers={**headers, **disposition})


def document_lookup(ctx: AppContext, request: Request, conn: sa.Connection, law: Law,
                    op: Operation, number: str) -> Found:
    """A ZIP, a signed link when it is larger than the threshold, or 107/108."""
    data = zip_bytes(ctx, conn, law, op, number)
    if isinstance(data, str):
        code = data
        return Found(code, lambda remain, headers: envelope.response(code, None, remain,
                                                                     headers))
    if len(data) <= ctx.settings.bundle_link_threshold:
        return Found("100", lambda remain, headers: zip_response(op, number, data, headers))
    expires = int(ctx.policy.clock.now().timestamp()) + ctx.settings.signed_link_seconds
    path = f"/api-files/{law.value}/{op.zip_prefix}_{number}.zip"
    url = ctx.origin(request) + signed_links.sign(ctx.policy.secret, path, expires)
    # the link expires within minutes: not to be kept until the day's end as data are
    return Found("100", lambda remain, headers: envelope.response(
        "100", {"URL": url}, remain, {**headers, "Cache-Control": NO_STORE}))
