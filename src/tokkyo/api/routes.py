"""The domestic operations: `GET /api/{law}/v1/{operation}/{params}` (jpo-api.md §1–§9).

Checks run in the order of §4: token (210), per-minute limit (303), daily cap (203),
forbidden characters (208), parameter form (204, or 107 where the operation has no 204),
era (111), lookup (100/107/108). A unit of the daily cap is reserved atomically before the
lookup and given back when the answer does not count.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response

from tokkyo.api import answers, envelope, fixed_addresses, operations, signed_links
from tokkyo.api.context import answers_of
from tokkyo.api.documents import document_lookup, zip_bytes, zip_response
from tokkyo.api.found import Found
from tokkyo.api.metering import Reply, answered, logged, metered
from tokkyo.model.laws import Law
from tokkyo.web.context import AppContext, context_of
from tokkyo.web.problems import problem

router = APIRouter()


@router.api_route("/api/{law}/v1/{operation}/{params:path}", methods=["GET", "HEAD"],
                  include_in_schema=False)
def domestic(request: Request, law: str, operation: str, params: str) -> Response:
    ctx = context_of(request)
    values = tuple(params.split("/"))
    located = operations.find(law, operation, values)
    if located is None:
        return answered(request, logged(ctx, request, Reply(envelope.response("301"), "301"),
                                         "api", law, operation))
    which, op = located

    def lookup(conn: sa.Connection) -> Found:
        if op.is_document:
            return document_lookup(ctx, request, conn, which, op, values[0])
        # a fixed address made here (no recorded URL) is on the origin the call came to
        origin = ctx.origin(request) if op.name == "jpp_fixed_address" else ""
        answer = answers_of(request).get(conn, (which, op.name, values, origin),
                                 lambda: _encoded(ctx, request, conn, which, op.name, values))
        return Found(answer.code, answer.response)

    reply = metered(ctx, request, service="api", law=which.value, operation=op.name,
                    precheck=operations.check(which, op, values), lookup=lookup,
                    render=envelope.response)
    return answered(request, reply)


def _encoded(ctx: AppContext, request: Request, conn: sa.Connection, law: Law,
             operation: str, values: tuple[str, ...]) -> envelope.Encoded:
    """The answer of one operation, its data serialised once for the answer cache."""
    answer = answers.answer(conn, law, operation, values)
    if answer.status == "107" and operation == "jpp_fixed_address":
        answer = fixed_addresses.answer(conn, ctx.policy.secret, ctx.origin(request), law,
                                        values[0])
    return envelope.Encoded.of(answer.status, answer.data)


@router.get("/api-files/{law}/{name}", include_in_schema=False)
def api_file(request: Request, law: str, name: str) -> Response:
    """A large document ZIP behind a signed link (no Bearer token; the link is the key)."""
    ctx = context_of(request)
    query = request.query_params
    path = f"/api-files/{law}/{name}"
    now = int(ctx.policy.clock.now().timestamp())
    why = signed_links.verify(ctx.policy.secret, path, query.get("Expires", ""),
                              query.get("KeyId", ""), query.get("Signature", ""), now)
    prefix, _, rest = name.partition("_")
    op = next((o for o in operations.OPERATIONS.values() if o.zip_prefix == prefix), None)
    number = rest.removesuffix(".zip")
    if why is not None:
        return problem(403, why)
    if op is None or not operations.APPLICATION.match(number) or law not in (
            x.value for x in op.laws):
        return problem(404, f"no document bundle {name}")
    with ctx.database.read() as conn:
        data = zip_bytes(ctx, conn, Law(law), op, number)
    if isinstance(data, str):
        return problem(404, f"no documents for {name}")
    return zip_response(op, number, data, {})
