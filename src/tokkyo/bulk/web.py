"""What every bulk page shares with the portal (look, language, session) and its own
templates, messages and error answers (JSON or HTML by `Accept`)."""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.accounts.errors import AccountError
from tokkyo.bulk import catalog as catalog_texts
from tokkyo.bulk.access import BulkContext
from tokkyo.bulk.errors import BulkError, NotEntitled, NotFound, TermsNotAccepted
from tokkyo.errors import TransientError
from tokkyo.model import urls
from tokkyo.portal import web as portal_web
from tokkyo.portal.i18n import Translator, language_of
from tokkyo.store.blobs import BlobMissing
from tokkyo.store.repositories import bulk_activity
from tokkyo.web.context import context_of as app_context_of
from tokkyo.web.errors import CsrfRefused, Forbidden, SignInRequired

HERE = Path(__file__).parent
log = logging.getLogger("tokkyo.bulk")
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(HERE / "templates")),
                                jinja2.FileSystemLoader(str(HERE.parent / "portal"
                                                            / "templates"))]),
    autoescape=True))


@cache
def catalog(lang: str) -> dict[str, str]:
    return json.loads(resources.files("tokkyo.bulk").joinpath(f"messages/{lang}.json")
                      .read_text("utf-8"))


class BulkTranslator(Translator):
    """The bulk site's messages first, then the portal's (navigation, sign-in)."""

    def __call__(self, key: str, **args: Any) -> str:
        template = catalog(self.lang).get(key)
        if template is None:
            return super().__call__(key, **args)
        return template.format(**args) if args else template


def context_of(request: Request) -> BulkContext:
    context: BulkContext = request.app.state.bulk
    return context


BulkCtx = Annotated[BulkContext, Depends(context_of)]


def render(request: Request, template: str, status_code: int = 200, **context: Any
           ) -> Response:
    ctx = context_of(request)
    with ctx.database.read() as conn:
        windows = bulk_activity.maintenance_windows(conn, ctx.now())
    return portal_web.render(request, template, status_code, env=templates,
                             translator=BulkTranslator, maintenance=windows,
                             product_text=catalog_texts.text, unit_name=catalog_texts.unit_name,
                             **context)


def origin(request: Request) -> str:
    """The site's public origin (`AppContext.origin`)."""
    return app_context_of(request).origin(request)


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "text/html" not in accept


def refusal(request: Request, status: int, reason: str, message: str,
            headers: dict[str, str] | None = None) -> Response:
    """A clear refusal: JSON for programs, a page for browsers."""
    if wants_json(request):
        return JSONResponse({"error": reason, "message": message, "status": status},
                            status_code=status, headers=headers)
    t = BulkTranslator(language_of(request))
    # the page says what happened and what to do in its language; the refusal's own
    # detail (in English) only on an English page, and only when it says more
    said = t(f"error.{reason}.message")
    response = render(request, "bulk_error.html", status, title=t(f"error.{reason}"),
                      message=said, detail=message if t.lang == "en"
                      and message.lower().rstrip(".") not in said.lower() else "")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def reason_of(exc: BulkError) -> str:
    """The machine-readable reason a refusal names (`error` in JSON)."""
    reason = getattr(exc, "reason", "")
    if reason:
        return str(reason)
    if isinstance(exc, NotFound):
        return "not-found"
    if isinstance(exc, NotEntitled | TermsNotAccepted):
        return "not-entitled"
    return "order"


async def answer(request: Request, exc: Exception) -> Response | None:
    """How the bulk site answers errors: visitors are sent to sign in, users whose terms
    changed to the terms (when they asked for a page), refusals in JSON or as a page."""
    if isinstance(exc, SignInRequired):
        return RedirectResponse(urls.sign_in(request.url.path), status_code=303)
    if isinstance(exc, TermsNotAccepted) and request.method == "GET":
        return RedirectResponse(urls.bulk_terms(request.url.path), status_code=303)
    if isinstance(exc, CsrfRefused):
        return refusal(request, 403, "csrf", "the form has expired; open the page again")
    if isinstance(exc, Forbidden):
        return refusal(request, 403, "not-entitled", str(exc))
    if isinstance(exc, BulkError):
        return refusal(request, exc.status, reason_of(exc), str(exc))
    if isinstance(exc, BlobMissing):
        log.error("a bulk file is missing from the file store: %s", exc)
        return refusal(request, 503, "unavailable", "this file cannot be read from storage "
                       "right now; the operator has been told", {"Retry-After": "3600"})
    if isinstance(exc, AccountError) and request.url.path == "/bulk/register":
        form = await request.form()
        return render(request, "bulk_register.html", 422,
                      form={k: str(v) for k, v in form.items()}, error=str(exc),
                      version=context_of(request).terms_version, canonical="/bulk/register")
    if isinstance(exc, TransientError):
        return refusal(request, 503, "unavailable", "the store is busy; try again shortly",
                       {"Retry-After": "5"})
    return None
