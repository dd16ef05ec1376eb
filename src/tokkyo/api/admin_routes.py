"""The admin HTTP API (users, registrations, quota grants, statistics) and the public
registration form. Admin routes need a Bearer token of a user with the admin role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tokkyo.accounts import service as accounts
from tokkyo.accounts import statistics
from tokkyo.accounts.errors import AccountError, InvalidToken, NotFound
from tokkyo.accounts.service import Principal, RegistrationForm
from tokkyo.api.context import ApiContext, bearer, context_of
from tokkyo.api.problems import problem
from tokkyo.store.repositories import access_log, users
from tokkyo.store.repositories.users import ContactRow, UserRow

router = APIRouter()


class Contact(BaseModel):
    name: str
    email: str
    phone: str
    department: str = ""
    title: str = ""


class Registration(BaseModel):
    kind: str = Field("corporate", description="corporate or individual")
    name: str
    address: str = ""
    contacts: list[Contact] = Field(..., min_length=1, max_length=3)
    purpose: str
    consent_version: str = Field(..., description="version of the terms agreed to")
    desired_id: str = ""
    services: list[str] = ["api"]


class NewUser(BaseModel):
    login_id: str
    password: str
    role: str = "user"
    name: str = ""


class Approval(BaseModel):
    login_id: str = ""
    password: str = ""


class Decision(BaseModel):
    reason: str = ""


class IdChange(BaseModel):
    new_id: str = ""


class RoleChange(BaseModel):
    role: str


class Grant(BaseModel):
    law: str
    operation: str
    factor: int | None = None
    cap: int | None = None
    reason: str = ""


def user_view(user: UserRow) -> dict[str, Any]:
    return {"id": user.id, "login_id": user.login_id, "status": user.status, "role": user.role,
            "kind": user.kind, "name": user.name, "purpose": user.purpose,
            "desired_id": user.desired_id,
            "services": [s for s in ("api", "opd", "bulk", "archive") if getattr(user, s)],
            "created_at": user.created_at.isoformat()}


def _admin(ctx: ApiContext, request: Request) -> Principal | Response:
    token = bearer(request)
    with ctx.read() as conn:
        try:
            if token is None:
                raise InvalidToken("no Bearer token")
            principal = accounts.authenticate(conn, ctx.policy, token, "api")
        except InvalidToken as exc:
            return problem(401, f"a valid Bearer token is needed ({exc})")
    if principal.role != "admin":
        return problem(403, "this needs an admin account")
    return principal


def _run(request: Request, work: Any) -> Response:
    """Run `work(ctx, conn)` in one write transaction as an admin; errors as problems."""
    ctx = context_of(request)
    who = _admin(ctx, request)
    if isinstance(who, Response):
        return who
    try:
        with ctx.write() as conn, conn.begin():
            result = work(ctx, conn)
    except NotFound as exc:
        return problem(404, str(exc))
    except (AccountError, ValueError) as exc:
        return problem(409, str(exc))
    return JSONResponse(result)


@router.post("/accounts/registrations", status_code=201, tags=["accounts"],
             summary="Ask for an account (waits for an operator's approval)")
def register(request: Request, form: Registration) -> Response:
    ctx = context_of(request)
    try:
        with ctx.write() as conn, conn.begin():
            pk = accounts.register(conn, ctx.policy, RegistrationForm(
                kind=form.kind, name=form.name, address=form.address,
                contacts=[ContactRow(i, c.department, c.title, c.name, c.email, c.phone)
                          for i, c in enumerate(form.contacts)],
                purpose=form.purpose, consent_version=form.consent_version,
                desired_id=form.desired_id, services=form.services))
    except AccountError as exc:
        return problem(422, str(exc))
    return JSONResponse({"registration": pk, "status": "submitted"}, status_code=201)


@router.get("/accounts/me/access-log", tags=["accounts"], summary="Your own recent calls")
def my_log(request: Request) -> Response:
    ctx = context_of(request)
    token = bearer(request)
    with ctx.read() as conn:
        try:
            principal = accounts.authenticate(conn, ctx.policy, token or "", "api")
        except InvalidToken as exc:
            return problem(401, f"a valid Bearer token is needed ({exc})")
        entries = access_log.of_user(conn, principal.login_id)
    return JSONResponse({"login_id": principal.login_id, "entries": [
        {"at": e.at.isoformat(), "ip": e.ip, "service": e.service, "law": e.law,
         "operation": e.operation, "statusCode": e.status_code, "http": e.http_status}
        for e in entries]})


@router.get("/admin/users", tags=["admin"], summary="Users, optionally by status")
def list_users(request: Request, status: str = "") -> Response:
    return _run(request, lambda ctx, conn: {
        "users": [user_view(u) for u in users.listing(conn, status or None)]})


@router.post("/admin/users", tags=["admin"], summary="Create an approved user")
def add_user(request: Request, body: NewUser) -> Response:
    def work(ctx: ApiContext, conn: Any) -> dict[str, Any]:
        pk = accounts.add_user(conn, ctx.policy, body.login_id, body.password, body.role,
                               body.name)
        return user_view(users.by_pk(conn, pk))
    return _run(request, work)


@router.post("/admin/registrations/{pk}/approve", tags=["admin"],
             summary="Approve a registration: issue the ID and a password (shown once)")
def approve(request: Request, pk: int, body: Approval) -> Response:
    def work(ctx: ApiContext, conn: Any) -> dict[str, str]:
        login_id, password = accounts.approve(conn, ctx.policy, pk, body.login_id, body.password)
        return {"login_id": login_id, "password": password}
    return _run(request, work)


@router.post("/admin/registrations/{pk}/reject", tags=["admin"], summary="Reject")
def reject(request: Request, pk: int, body: Decision) -> Response:
    return _run(request, lambda ctx, conn: accounts.reject(conn, ctx.policy, pk, body.reason)
                or {"registration": pk, "status": "rejected"})


@router.post("/admin/users/{login_id}/disable", tags=["admin"],
             summary="Suspend a user; every token is revoked")
def disable(request: Request, login_id: str) -> Response:
    return _run(request, lambda ctx, conn: accounts.set_status(
        conn, ctx.policy, login_id, "suspended") or {"login_id": login_id,
                                                     "status": "suspended"})


@router.post("/admin/users/{login_id}/enable", tags=["admin"], summary="Reactivate a user")
def enable(request: Request, login_id: str) -> Response:
    return _run(request, lambda ctx, conn: accounts.set_status(
        conn, ctx.policy, login_id, "active") or {"login_id": login_id, "status": "active"})


@router.post("/admin/users/{login_id}/reissue", tags=["admin"],
             summary="A new password (shown once); every token is revoked")
def reissue(request: Request, login_id: str) -> Response:
    return _run(request, lambda ctx, conn: {
        "login_id": login_id, "password": accounts.reissue_password(conn, ctx.policy, login_id)})


@router.post("/admin/users/{login_id}/change-id", tags=["admin"],
             summary="A new ID; the old one is deleted and its tokens revoked")
def change_id(request: Request, login_id: str, body: IdChange) -> Response:
    return _run(request, lambda ctx, conn: {
        "old_id": login_id, "login_id": accounts.change_id(conn, ctx.policy, login_id,
                                                           body.new_id)})


@router.post("/admin/users/{login_id}/role", tags=["admin"], summary="Change the role")
def role(request: Request, login_id: str, body: RoleChange) -> Response:
    return _run(request, lambda ctx, conn: accounts.set_role(
        conn, ctx.policy, login_id, body.role) or {"login_id": login_id, "role": body.role})


@router.post("/admin/users/{login_id}/quota", tags=["admin"],
             summary="A larger daily cap for one operation (2x, 5x, or an explicit cap)")
def grant(request: Request, login_id: str, body: Grant) -> Response:
    return _run(request, lambda ctx, conn: accounts.grant_quota(
        conn, ctx.policy, login_id, body.law, body.operation, factor=body.factor,
        cap=body.cap, reason=body.reason) or {"login_id": login_id, **body.model_dump()})


@router.get("/admin/statistics", tags=["admin"],
            summary="Calls per day and operation, with no personal data")
def stats(request: Request, since: dt.date | None = None, until: dt.date | None = None
          ) -> Response:
    return _run(request, lambda ctx, conn: statistics.aggregate(conn, ctx.policy, since, until))
