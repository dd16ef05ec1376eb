"""The operators' pages of data exchange reports (exchange.md §7–§8): the status table
(one row per partner in the columns of seed 002, late partners announced, the operators'
state text), a partner's history, and a delivery's quality report with its document-level
CSV. Every route needs the operator role; each page answers JSON to programs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.accounts.service import Principal
from tokkyo.exchange import quality, reports
from tokkyo.portal.i18n import catalog, language_of
from tokkyo.portal.web import render, wants_html
from tokkyo.web.deps import Csrf, Posted, Reader, Writer, signed_in_for
from tokkyo.web.errors import Forbidden

router = APIRouter(include_in_schema=False)


def operator(user: Annotated[Principal, Depends(signed_in_for("exreport.signin"))]
             ) -> Principal:
    """The signed-in user, who must be an operator (the admin role)."""
    if user.role != "admin":
        raise Forbidden("only operators may see the data exchange reports")
    return user


Operator = Annotated[Principal, Depends(operator)]


def page_helpers(request: Request) -> dict[str, Any]:
    """What the pages print computed values with: `label(prefix, value)`, the catalog's
    word for a computed value (`abstract only` → 要約のみ) or the value itself where the
    catalog has none (a date-bearing `none since 2015`); `pct`, a score in percent."""
    words = catalog(language_of(request))

    def label(prefix: str, value: str) -> str:
        return words.get(f"{prefix}.{value}", value)

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.0f}%"

    return {"label": label, "pct": pct}


@router.get("/exchange/status", response_model=None)
def status_page(request: Request, _: Operator, conn: Reader) -> Response | dict[str, Any]:
    """The status table, computed now, with the partners late against their frequency."""
    rows = reports.status_table(conn)
    if not wants_html(request):
        return {"partners": [r.as_json() for r in rows],
                "alerts": [r.alert.as_json() for r in rows if r.alert]}
    return render(request, "exchange_status.html", rows=rows,
                  alerts=[r.alert for r in rows if r.alert], **page_helpers(request))


@router.post("/exchange/status/{partner}/state", response_model=None)
def status_state(request: Request, user: Operator, _csrf: Csrf, conn: Writer, form: Posted,
                 partner: str) -> Response:
    """Set the operators' text for the partner's current state."""
    reports.set_state(conn, partner, str(form.get("state", "")), user.login_id)
    if not wants_html(request):
        return JSONResponse({"partner": partner, "current_state": str(form.get("state", ""))})
    return RedirectResponse("/exchange/status", status_code=303)


@router.get("/exchange/partners/{partner}/history", response_model=None)
def partner_history(_: Operator, conn: Reader, partner: str) -> dict[str, Any]:
    """The partner's recorded status rows, the latest first."""
    return {"partner": partner, "history": reports.history(conn, partner)}


@router.get("/exchange/deliveries/{delivery_id}/report", response_model=None)
def delivery_report(request: Request, _: Operator, conn: Reader, delivery_id: str
                    ) -> Response | dict[str, Any]:
    """A delivery's quality report: completeness, accuracy, timeliness (the JSON is the
    report stored with the delivery when it was processed)."""
    if not wants_html(request):
        return reports.delivery_report_json(conn, delivery_id)
    report = reports.delivery_report(conn, delivery_id)
    return render(request, "exchange_report.html", report=report, **page_helpers(request))


@router.get("/exchange/deliveries/{delivery_id}/report.csv", response_model=None)
def delivery_report_csv(_: Operator, conn: Reader, delivery_id: str) -> Response:
    """The report's document-level CSV (UTF-8), one line per delivered document."""
    report = reports.delivery_report(conn, delivery_id)
    return Response(quality.document_csv(report), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="quality-{delivery_id}.csv"',
                             "Cache-Control": "private, no-store"})
