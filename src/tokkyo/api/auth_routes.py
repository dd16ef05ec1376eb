"""`POST /auth/token`: OAuth2 password and refresh_token grants, answered as Keycloak
answers them (jpo-api.md §2); the path is a setting."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from tokkyo.accounts import service as accounts
from tokkyo.api.context import log_entry
from tokkyo.web.context import AppContext
from tokkyo.web.deps import Ctx, Writer

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description},
                        status_code=status, headers=NO_STORE)


async def token_form(request: Request) -> dict[str, str]:
    """The urlencoded body (the only form OAuth2 token requests use), whatever the
    Content-Type header says."""
    pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return dict(pairs)


def token(request: Request, ctx: Ctx, conn: Writer,
          form: Annotated[dict[str, str], Depends(token_form)]) -> Response:
    grant = form.get("grant_type", "")
    login_id = form.get("username", "")
    outcome = accounts.grant_token(conn, ctx.policy, grant, form,
                                   request.client.host if request.client else "")
    if outcome.refused == "grant":
        return _error(400, "unsupported_grant_type",
                      f"Unsupported grant_type {grant!r}: use password or refresh_token")
    if outcome.refused == "credentials":
        _log(ctx, conn, request, login_id, "212", 401)
        return _error(401, "invalid_grant", "Invalid user credentials")
    if outcome.answer is None:
        _log(ctx, conn, request, login_id, "210", 400)
        return _error(400, "invalid_grant", "Token is not active")
    answer = outcome.answer
    _log(ctx, conn, request, login_id, "200", 200)
    return JSONResponse({
        "access_token": answer.access_token, "expires_in": answer.expires_in,
        "refresh_expires_in": answer.refresh_expires_in, "refresh_token": answer.refresh_token,
        "token_type": "Bearer", "id_token": answer.id_token, "not-before-policy": 0,
        "session_state": answer.session, "scope": "openid profile"}, headers=NO_STORE)


def _log(ctx: AppContext, conn: sa.Connection, request: Request, login_id: str, status: str,
         http: int) -> None:
    log_entry(ctx, conn, request, login_id=login_id, service="auth", law="",
              operation="token", status_code=status, http_status=http, size=0)


def router_for(path: str) -> APIRouter:
    router = APIRouter()
    router.add_api_route(path, token, methods=["POST"], include_in_schema=False)
    return router
