"""The operators' pages of data exchange (exchange.md §1–§6): the partners with the latest
deliveries, one partner with its record and agreement rows (forms to add and change them),
and one delivery with its files and documents. Every route needs the operator role; each
page answers JSON to programs. Credentials typed into a form are stored sealed with the
server secret and never shown back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.accounts.service import Principal
from tokkyo.exchange import deliveries, partners, reports
from tokkyo.model.exchange import (
    CONTENTS,
    DIRECTIONS,
    FREQUENCIES,
    PARTNER_STATUSES,
    RIGHTS,
    TRANSPORTS,
)
from tokkyo.portal.exchange_report_routes import page_helpers
from tokkyo.portal.web import render, wants_html
from tokkyo.web.deps import Csrf, Ctx, Posted, Reader, Writer, signed_in_for
from tokkyo.web.errors import Forbidden

router = APIRouter(include_in_schema=False)
CHOICES = {"status": PARTNER_STATUSES, "direction": DIRECTIONS, "right": RIGHTS,
           "content": CONTENTS, "frequency": FREQUENCIES, "transport": TRANSPORTS}
FLAGS = ("allow_plain_ftp", "legal_status", "all_or_nothing", "tolerant", "active")


def operator(user: Annotated[Principal, Depends(signed_in_for("exchange.signin"))]
             ) -> Principal:
    """The signed-in user, who must be an operator: partner records hold contacts and
    credentials, deliveries hold partners' unpublished data."""
    if user.role != "admin":
        raise Forbidden("only operators may see the exchange with partner offices")
    return user


Operator = Annotated[Principal, Depends(operator)]


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return None if value is None else str(value)


def _partner_fields(form: FormData) -> dict[str, Any]:
    fields = {name: _text(form, name) for name in partners.PARTNER_FIELDS if name != "name"}
    fields["public_provision"] = "yes" if form.get("public_provision") else "no"
    name = _text(form, "name")
    if name:
        fields["name"] = name
    return fields


def _agreement_fields(form: FormData) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in partners.AGREEMENT_FIELDS:
        if name in FLAGS:
            fields[name] = "yes" if form.get(name) else "no"
        elif name in ("password", "private_key"):
            value = _text(form, name)
            if value:                       # an empty box keeps the stored credential
                fields[name] = value
        else:
            fields[name] = _text(form, name)
    return fields


@router.get("/exchange", response_model=None)
def exchange_home(request: Request, _: Operator, conn: Reader) -> Response | dict[str, Any]:
    """The partners, the partners late against their frequency (announced, as in the
    status table) and the latest deliveries."""
    rows = partners.list_partners(conn)
    latest = deliveries.list_deliveries(conn, limit=50)
    alerts = reports.alerts(conn)
    if not wants_html(request):
        return {"partners": [partners.partner_json(r) for r in rows], "deliveries": latest,
                "alerts": [a.as_json() for a in alerts]}
    return render(request, "exchange.html", partners=rows, deliveries=latest,
                  choices=CHOICES, alerts=alerts, **page_helpers(request))


@router.post("/exchange/partners", response_model=None)
def partner_add(request: Request, _: Operator, _csrf: Csrf, conn: Writer, form: Posted
                ) -> Response:
    """Add a partner office (its ST.3 code checked)."""
    row = partners.add_partner(conn, str(form.get("code", "")), **_partner_fields(form))
    if not wants_html(request):
        return JSONResponse({"partner": partners.partner_json(row)}, status_code=201)
    return RedirectResponse(f"/exchange/partners/{row.code}", status_code=303)


@router.get("/exchange/partners/{code}", response_model=None)
def partner_page(request: Request, _: Operator, conn: Reader, code: str
                 ) -> Response | dict[str, Any]:
    """One partner: its record, agreement rows and deliveries."""
    row = partners.get_partner(conn, code)
    rows = partners.list_agreements(conn, row.code)
    agreements = [partners.agreement_json(a, row.code) for a in rows]
    latest = deliveries.list_deliveries(conn, row.code, limit=100)
    if not wants_html(request):
        return {"partner": partners.partner_json(row), "agreements": agreements,
                "deliveries": latest}
    return render(request, "exchange_partner.html", partner=row, agreements=agreements,
                  deliveries=latest, choices=CHOICES)


@router.post("/exchange/partners/{code}", response_model=None)
def partner_edit(request: Request, _: Operator, _csrf: Csrf, conn: Writer, form: Posted,
                 code: str) -> Response:
    """Change a partner's record."""
    row = partners.edit_partner(conn, code, **_partner_fields(form))
    if not wants_html(request):
        return JSONResponse({"partner": partners.partner_json(row)})
    return RedirectResponse(f"/exchange/partners/{row.code}", status_code=303)


@router.post("/exchange/partners/{code}/agreements", response_model=None)
def agreement_add(request: Request, _: Operator, _csrf: Csrf, ctx: Ctx, conn: Writer,
                  form: Posted, code: str) -> Response:
    """Add an agreement row for the partner."""
    row = partners.add_agreement(conn, code, _agreement_fields(form), ctx.secret)
    if not wants_html(request):
        return JSONResponse({"agreement": partners.agreement_json(row, code.upper())},
                            status_code=201)
    return RedirectResponse(f"/exchange/partners/{code.upper()}", status_code=303)


@router.post("/exchange/agreements/{agreement_id:int}", response_model=None)
def agreement_edit(request: Request, _: Operator, _csrf: Csrf, ctx: Ctx, conn: Writer,
                   form: Posted, agreement_id: int) -> Response:
    """Change an agreement row (a credential box left empty keeps the stored one)."""
    row = partners.edit_agreement(conn, agreement_id, _agreement_fields(form), ctx.secret)
    partner = partners.partner_of(conn, row)
    if not wants_html(request):
        return JSONResponse({"agreement": partners.agreement_json(row, partner.code)})
    return RedirectResponse(f"/exchange/partners/{partner.code}", status_code=303)


@router.get("/exchange/deliveries/{delivery_id:int}", response_model=None)
def delivery_page(request: Request, _: Operator, conn: Reader, delivery_id: int
                  ) -> Response | dict[str, Any]:
    """One delivery: its state and report, each file's state and error, its documents."""
    shown = deliveries.show_delivery(conn, delivery_id)
    if not wants_html(request):
        return shown
    return render(request, "exchange_delivery.html", delivery=shown)
