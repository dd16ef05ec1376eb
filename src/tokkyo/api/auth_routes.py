"""`POST /auth/token`: OAuth2 password and refresh_token grants, answered as Keycloak
answers them (jpo-api.md §2); the path is a setting."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidCredentials, InvalidToken
from tokkyo.api.context import context_of, log_entry

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description},
                        status_code=status, headers=NO_STORE)


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded body (the only form OAuth2 token requests use)."""
    pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return dict(pairs)


async def token(request: Request) -> Response:
    ctx = context_of(request)
    form = await _form(request)
    grant = form.get("grant_type", "")
    login_id = form.get("username", "")
    refused: InvalidCredentials | InvalidToken | None = None
    with ctx.write() as conn, conn.begin():
        # A refused login still commits: the failure counts towards the lockout.
        try:
            if grant == "password":
                answer = accounts.login(conn, ctx.policy, login_id, form.get("password", ""))
            elif grant == "refresh_token":
                answer = accounts.refresh(conn, ctx.policy, form.get("refresh_token", ""))
            else:
                return _error(400, "unsupported_grant_type",
                              f"Unsupported grant_type {grant!r}: use password or "
                              "refresh_token")
        except (InvalidCredentials, InvalidToken) as exc:
            refused = exc
    if isinstance(refused, InvalidCredentials):
        _log(request, login_id, "212", 401)
        return _error(401, "invalid_grant", "Invalid user credentials")
    if isinstance(refused, InvalidToken):
        _log(request, login_id, "210", 400)
        return _error(400, "invalid_grant", "Token is not active")
    _log(request, login_id, "200", 200)
    return JSONResponse({
        "access_token": answer.access_token, "expires_in": answer.expires_in,
        "refresh_expires_in": answer.refresh_expires_in, "refresh_token": answer.refresh_token,
        "token_type": "Bearer", "id_token": answer.id_token, "not-before-policy": 0,
        "session_state": answer.session, "scope": "openid profile"}, headers=NO_STORE)


def _log(request: Request, login_id: str, status: str, http: int) -> None:
    api = context_of(request)
    with api.write() as conn, conn.begin():
        log_entry(api, conn, request, login_id=login_id, service="auth", law="",
                  operation="token", status_code=status, http_status=http, size=0)


def router_for(path: str) -> APIRouter:
    router = APIRouter()
    router.add_api_route(path, token, methods=["POST"], include_in_schema=False)
    return router
