"""The request's unit of work as typed FastAPI dependencies (the way Polar's routes read).

A route names what it needs in its signature and gets it ready:

- `Ctx`: the app context (settings, store, clock, secret);
- `Reader`: a read connection, one snapshot for the whole request (its first statement
  begins the transaction), closed when the route returns; on a read replica when one is
  usable (`tokkyo.store.replicas`), so it may miss the last seconds of writes;
- `PrimaryReader`: the same on the primary, for pages that show what their user has just
  written (saved formulas, accepted terms, orders, their own access log): a replica
  could still be behind by up to TOKKYO_REPLICA_MAX_LAG_S;
- `Writer`: a write transaction, committed once when the route returns without an error and
  rolled back when it raises; the commit happens before the answer is sent, so a failed
  commit is answered as an error, never as a success;
- `User` / `SignedIn` / `Admin`: the session's user (optional, required, with the admin
  role); `ApiCaller` / `ApiAdmin`: a program's Bearer token (required, admin);
- `CsrfChecked`: a form POST whose CSRF token is this session's.

Domain errors raised by services pass through untouched: the app's exception handlers
answer them in the surface's form (`tokkyo.web.answers`), so routes have no try/except.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends
from starlette.datastructures import FormData
from starlette.requests import Request

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidToken
from tokkyo.accounts.service import Principal
from tokkyo.web.context import AppContext, context_of
from tokkyo.web.errors import BearerRequired, CsrfRefused, Forbidden, SignInRequired

SESSION_COOKIE = "tokkyo_session"


def app_context(request: Request) -> AppContext:
    return context_of(request)


Ctx = Annotated[AppContext, Depends(app_context)]


def read_connection(ctx: Ctx) -> Iterator[sa.Connection]:
    with ctx.database.read() as conn:
        yield conn


def primary_read_connection(ctx: Ctx) -> Iterator[sa.Connection]:
    with ctx.database.read_primary() as conn:
        yield conn


def write_transaction(ctx: Ctx) -> Iterator[sa.Connection]:
    with ctx.database.write() as conn, conn.begin():
        yield conn


Reader = Annotated[sa.Connection, Depends(read_connection, scope="function")]
PrimaryReader = Annotated[sa.Connection, Depends(primary_read_connection, scope="function")]
Writer = Annotated[sa.Connection, Depends(write_transaction, scope="function")]


def current_user(request: Request) -> Principal | None:
    """The signed-in user of the session cookie, read once per request (kept on
    `request.state`); None for visitors and for sessions that ended."""
    if "session_user" not in request.state._state:
        request.state.session_user = _session_user(request)
    user: Principal | None = request.state.session_user
    return user


def _session_user(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    ctx = context_of(request)
    with ctx.database.read_primary() as conn:      # a session begun a moment ago
        try:
            return accounts.session_user(conn, ctx.policy, token)
        except InvalidToken:
            return None


def required(user: Principal | None) -> Principal:
    """The user, or SignInRequired for a visitor."""
    if user is None:
        raise SignInRequired()
    return user


def signed_in(request: Request) -> Principal:
    return required(current_user(request))


def signed_in_for(why: str) -> Callable[[Request], Principal]:
    """`signed_in`, with the reason a surface shows a visitor (a message key)."""

    def dependency(request: Request) -> Principal:
        user = current_user(request)
        if user is None:
            raise SignInRequired(why)
        return user

    return dependency


def admin(user: Annotated[Principal, Depends(signed_in)]) -> Principal:
    if user.role != "admin":
        raise Forbidden("only operators may do this")
    return user


User = Annotated[Principal | None, Depends(current_user)]
SignedIn = Annotated[Principal, Depends(signed_in)]
Admin = Annotated[Principal, Depends(admin)]


def bearer(request: Request) -> str | None:
    """The Bearer token of the Authorization header, if there is one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def api_caller(request: Request) -> Principal:
    """The user a program's Bearer access token speaks for (entitled to the API)."""
    token = bearer(request)
    if token is None:
        raise BearerRequired("a valid Bearer token is needed (no Bearer token)")
    ctx = context_of(request)
    with ctx.database.read_primary() as conn:      # a token issued a moment ago
        try:
            return accounts.authenticate(conn, ctx.policy, token, "api")
        except InvalidToken as exc:
            raise BearerRequired(f"a valid Bearer token is needed ({exc})") from None


def api_admin(caller: Annotated[Principal, Depends(api_caller)]) -> Principal:
    if caller.role != "admin":
        raise Forbidden("this needs an admin account")
    return caller


ApiCaller = Annotated[Principal, Depends(api_caller)]
ApiAdmin = Annotated[Principal, Depends(api_admin)]


def csrf_token(request: Request) -> str:
    """Bound to the session cookie (or to nothing for visitors); checked on every POST."""
    secret = context_of(request).secret
    session = request.cookies.get(SESSION_COOKIE, "")
    return hmac.new(secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()[:32]


async def csrf_checked(request: Request) -> None:
    """The form's `csrf` field is this session's token; CsrfRefused otherwise."""
    form = await request.form()
    if not hmac.compare_digest(csrf_token(request), str(form.get("csrf", ""))):
        raise CsrfRefused("the form has expired; open the page again")


#: A parameter `_csrf: Csrf`, placed after the user's in the signature: dependencies are
#: resolved in signature order, so a visitor is told to sign in before the form is checked.
Csrf = Annotated[None, Depends(csrf_checked)]


async def posted_form(request: Request) -> FormData:
    """The POSTed form, parsed once (Starlette keeps it on the request)."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]
