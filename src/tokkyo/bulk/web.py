"""What every bulk page shares with the portal (look, language, session) and its own
templates, messages and error answers (JSON or HTML by `Accept`)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import JSONResponse, Response

from tokkyo.bulk.access import BulkContext
from tokkyo.portal import web as portal_web
from tokkyo.portal.i18n import Translator, language_of
from tokkyo.store.repositories import bulk_activity

HERE = Path(__file__).parent
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
    return request.app.state.bulk


def render(request: Request, template: str, status_code: int = 200, **context: Any
           ) -> Response:
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        windows = bulk_activity.maintenance_windows(conn, ctx.now())
    return portal_web.render(request, template, status_code, env=templates,
                             translator=BulkTranslator, maintenance=windows, **context)


def origin(request: Request) -> str:
    """The site's public origin (TOKKYO_PUBLIC_ORIGIN, else the request's)."""
    return context_of(request).settings.public_origin or str(request.base_url).rstrip("/")


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "text/html" not in accept


def refusal(request: Request, status: int, reason: str, message: str,
            headers: dict[str, str] | None = None) -> Response:
    """A clear refusal: JSON for programs, a page for browsers."""
    if wants_json(request):
        return JSONResponse({"error": reason, "message": message, "status": status},
                            status_code=status, headers=headers)
    lang = language_of(request)
    response = render(request, "bulk_error.html", status,
                      title=BulkTranslator(lang)(f"error.{reason}"), message=message)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
