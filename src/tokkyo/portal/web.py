"""What every portal page shares: templates, language, the signed-in user, CSRF tokens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import JSONResponse, Response

from tokkyo.documents.csv_export import slash_date
from tokkyo.documents.hits import app_label, document_label, registration_label
from tokkyo.documents.summaries import CaseSummary
from tokkyo.model import urls
from tokkyo.model.jst import JST, japan_day
from tokkyo.portal.document_page import fixed_addresses
from tokkyo.portal.i18n import COOKIE, LANGS, Translator, language_of
from tokkyo.web.context import context_of
from tokkyo.web.deps import csrf_token, current_user


def today(request: Request) -> dt.date:
    """The day in Japan by the app's clock (`TOKKYO_NOW` when set): what statuses are
    read for."""
    return japan_day(context_of(request).now())


def translator(request: Request) -> Translator:
    """The portal's messages in the request's language."""
    return Translator(language_of(request))


T = Annotated[Translator, Depends(translator)]
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def fixed_address(row: CaseSummary, lang: str) -> str:
    """The J-PlatPat-shaped fixed address of the document a result row shows (portal.md
    §4, actions: URL; §7): its publication, or the case when it has none."""
    if row.document_kind:
        return fixed_addresses("", row.law, row.stage, row.document_number, lang)[1]
    return fixed_addresses("", row.law, "app", row.application_number, lang)[1]


def jst_stamp(moment: dt.datetime | None) -> str:
    """A moment as the portal shows it: Japan time, `YYYY/MM/DD HH:MM JST`."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(JST).strftime("%Y/%m/%d %H:%M JST")


def render(request: Request, template: str, status_code: int = 200, *,
           env: Jinja2Templates | None = None, translator: type[Translator] = Translator,
           **context: Any) -> Response:
    """The page in the chosen language; an error page answers JSON to a client that does
    not ask for HTML. `env`/`translator` let other sites of the same look (the bulk site)
    render their own templates and messages."""
    if template == "error.html" and not wants_html(request):
        return JSONResponse({"error": {
            "status": status_code, "heading": context.get("heading", ""),
            "message": context.get("message", ""),
            **({"code": context["code"]} if context.get("code") else {}),
            **({"position": context["position"], "source": context.get("source", "")}
               if context.get("position") is not None else {})}}, status_code=status_code)
    lang = language_of(request)
    other = next(x for x in LANGS if x != lang)
    query = dict(request.query_params) if request.method == "GET" else {}
    query["lang"] = other
    # after a POST the switch goes to the page's GET address, not to the form's target
    path = request.url.path if request.method == "GET" else context.pop("canonical", "/")
    context.setdefault("user", current_user(request))
    response = (env or templates).TemplateResponse(request, template, {
        "lang": lang, "t": translator(lang), "date": slash_date, "stamp": jst_stamp,
        "app_label": app_label, "document_label": document_label,
        "registration_label": registration_label, "fixed_address": fixed_address, "urls": urls,
        "csrf": csrf_token(request),
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        "switch_lang": f"{path}?{urlencode(query)}", **context},
        status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def refuse(request: Request, status: int, message: str, heading: str = "error.title",
           back: str = "", headers: dict[str, str] | None = None, signin: str = ""
           ) -> Response:
    """The error page (or its JSON twin) of a request the portal cannot answer as asked;
    `signin`, the sign-in address that comes back to the request (a visitor's 401)."""
    t = Translator(language_of(request))
    response = render(request, "error.html", status_code=status, heading=t(heading),
                      message=message, back=back or request.headers.get("referer", "/"),
                      signin=signin)
    response.headers.update(headers or {})
    return response


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def error_page(request: Request, status: int, fields: str = "") -> Response | None:
    """The portal's page for an error met outside its own routes (an unknown address, a
    parameter of the wrong form, an unexpected failure) when a browser asked: every
    surface answers errors in its own way (design.md), and a person gets a page in their
    language, not a JSON body. None for programs, which get the problem body."""
    if not wants_html(request):
        return None
    t = Translator(language_of(request))
    if status == 404:
        heading, message = t("error.notfound"), t("error.address", path=request.url.path)
    elif status == 422:
        heading, message = t("error.title"), t("error.form", fields=fields)
    elif status >= 500:
        heading, message = t("error.title"), t("error.unexpected")
    else:
        heading, message = t("error.title"), t("error.status", status=status)
    return render(request, "error.html", status_code=status, heading=heading,
                  message=message, back="/")
