"""The admin HTTP API (users, registrations, quota grants, statistics, filings) and the
public registration form. Admin routes need a Bearer token of a user with the admin role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tokkyo.accounts import service as accounts
from tokkyo.accounts import statistics
from tokkyo.accounts.service import ContactRow, RegistrationForm, UserRow
from tokkyo.filings import service as filings
from tokkyo.web.deps import ApiAdmin, ApiCaller, Ctx, PrimaryReader, Reader, Writer

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


@router.post("/accounts/registrations", status_code=201, tags=["accounts"],
             summary="Ask for an account (waits for an operator's approval)")
def register(ctx: Ctx, conn: Writer, form: Registration) -> Response:
    pk = accounts.register(conn, ctx.policy, RegistrationForm(
        kind=form.kind, name=form.name, address=form.address,
        contacts=[ContactRow(i, c.department, c.title, c.name, c.email, c.phone)
                  for i, c in enumerate(form.contacts)],
        purpose=form.purpose, consent_version=form.consent_version,
        desired_id=form.desired_id, services=form.services))
    return JSONResponse({"registration": pk, "status": "submitted"}, status_code=201)


@router.get("/accounts/me/access-log", tags=["accounts"], summary="Your own recent calls")
def my_log(caller: ApiCaller, conn: PrimaryReader) -> dict[str, Any]:
    entries = statistics.access_log_of(conn, caller.login_id)
    return {"login_id": caller.login_id, "entries": [
        {"at": e.at.isoformat(), "ip": e.ip, "service": e.service, "law": e.law,
         "operation": e.operation, "statusCode": e.status_code, "http": e.http_status,
         "requestId": e.request_id}
        for e in entries]}


@router.get("/admin/users", tags=["admin"], summary="Users, optionally by status")
def list_users(_: ApiAdmin, conn: Writer, status: str = "") -> dict[str, Any]:
    return {"users": [user_view(u) for u in accounts.listing(conn, status or None)]}


@router.post("/admin/users", tags=["admin"], summary="Create an approved user")
def add_user(_: ApiAdmin, ctx: Ctx, conn: Writer, body: NewUser) -> dict[str, Any]:
    pk = accounts.add_user(conn, ctx.policy, body.login_id, body.password, body.role,
                           body.name)
    return user_view(accounts.user_by_pk(conn, pk))


@router.post("/admin/registrations/{pk}/approve", tags=["admin"],
             summary="Approve a registration: issue the ID and a password (shown once)")
def approve(_: ApiAdmin, ctx: Ctx, conn: Writer, pk: int, body: Approval) -> dict[str, str]:
    login_id, password = accounts.approve(conn, ctx.policy, pk, body.login_id, body.password)
    return {"login_id": login_id, "password": password}


@router.post("/admin/registrations/{pk}/reject", tags=["admin"], summary="Reject")
def reject(_: ApiAdmin, ctx: Ctx, conn: Writer, pk: int, body: Decision) -> dict[str, Any]:
    accounts.reject(conn, ctx.policy, pk, body.reason)
    return {"registration": pk, "status": "rejected"}


@router.post("/admin/users/{login_id}/disable", tags=["admin"],
             summary="Suspend a user; every token is revoked")
def disable(_: ApiAdmin, ctx: Ctx, conn: Writer, login_id: str) -> dict[str, str]:
    accounts.set_status(conn, ctx.policy, login_id, "suspended")
    return {"login_id": login_id, "status": "suspended"}


@router.post("/admin/users/{login_id}/enable", tags=["admin"], summary="Reactivate a user")
def enable(_: ApiAdmin, ctx: Ctx, conn: Writer, login_id: str) -> dict[str, str]:
    accounts.set_status(conn, ctx.policy, login_id, "active")
    return {"login_id": login_id, "status": "active"}


@router.post("/admin/users/{login_id}/reissue", tags=["admin"],
             summary="A new password (shown once); every token is revoked")
def reissue(_: ApiAdmin, ctx: Ctx, conn: Writer, login_id: str) -> dict[str, str]:
    return {"login_id": login_id,
            "password": accounts.reissue_password(conn, ctx.policy, login_id)}


@router.post("/admin/users/{login_id}/change-id", tags=["admin"],
             summary="A new ID; the old one is deleted and its tokens revoked")
def change_id(_: ApiAdmin, ctx: Ctx, conn: Writer, login_id: str, body: IdChange
              ) -> dict[str, str]:
    return {"old_id": login_id,
            "login_id": accounts.change_id(conn, ctx.policy, login_id, body.new_id)}


@router.post("/admin/users/{login_id}/role", tags=["admin"], summary="Change the role")
def role(_: ApiAdmin, ctx: Ctx, conn: Writer, login_id: str, body: RoleChange
         ) -> dict[str, str]:
    accounts.set_role(conn, ctx.policy, login_id, body.role)
    return {"login_id": login_id, "role": body.role}


@router.post("/admin/users/{login_id}/quota", tags=["admin"],
             summary="A larger daily cap for one operation (2x, 5x, or an explicit cap)")
def grant(_: ApiAdmin, ctx: Ctx, conn: Writer, login_id: str, body: Grant) -> dict[str, Any]:
    accounts.grant_quota(conn, ctx.policy, login_id, body.law, body.operation,
                         factor=body.factor, cap=body.cap, reason=body.reason)
    return {"login_id": login_id, **body.model_dump()}


@router.get("/admin/statistics", tags=["admin"],
            summary="Calls per day and operation, with no personal data")
def stats(_: ApiAdmin, ctx: Ctx, conn: Writer, since: dt.date | None = None,
          until: dt.date | None = None) -> dict[str, Any]:
    return statistics.aggregate(conn, ctx.policy, since, until)


@router.get("/admin/filings", tags=["admin"],
            summary="Filings received: applications not yet published, newest first")
def list_filings(_: ApiAdmin, conn: Reader, page: int = 1) -> dict[str, Any]:
    page = max(page, 1)
    rows, total = filings.listing(conn, limit=100, offset=(page - 1) * 100)
    return {"total": total, "page": page, "filings": [filings.as_json(r) for r in rows]}


@router.get("/admin/filings/{filing_id}", tags=["admin"],
            summary="One filing: its request, formality findings and documents as printed")
def one_filing(_: ApiAdmin, ctx: Ctx, conn: Reader, filing_id: int) -> dict[str, Any]:
    return filings.opened_json(filings.open_filing(conn, ctx.blobs, filing_id))
