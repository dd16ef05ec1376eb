"""How the portal answers errors (design.md: a friendly page in the user's language, or
its JSON twin for programs): the portal's surface in `tokkyo.web.answers`."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tokkyo.accounts.errors import InvalidCredentials
from tokkyo.documents import service as documents
from tokkyo.efiling.errors import EfilingError
from tokkyo.errors import TransientError
from tokkyo.exchange.errors import ExchangeError
from tokkyo.exchange.reports import ReportError
from tokkyo.exchange.st37 import AuthorityFileError
from tokkyo.filings.errors import FilingError, FilingNotFound
from tokkyo.model import urls
from tokkyo.monitoring.maintenance import Window
from tokkyo.portal.exports import formulas_page
from tokkyo.portal.i18n import Translator, language_of
from tokkyo.portal.web import refuse, render, wants_html
from tokkyo.search.formulas import FormulaError
from tokkyo.search.query import QueryError
from tokkyo.web.errors import CsrfRefused, Forbidden, SignInRequired
from tokkyo.web.problems import problem

#: Formula errors that are not the request's form: the formula is not there (404), the
#: file would pass the limit and the user chooses what to keep (409).
FORMULA_STATUS = {"formula-missing": 404, "formula-choose": 409}


def query_error(request: Request, exc: QueryError, expression: str, status: int = 400
                ) -> Response:
    """A malformed expression: where and what, with the expression shown back."""
    lang = language_of(request)
    return render(request, "error.html", status_code=status,
                  heading=Translator(lang)("error.query"), message=exc.message(lang),
                  source=expression, position=exc.position, code=exc.code,
                  back=request.headers.get("referer", "/"))


async def answer(request: Request, exc: Exception) -> Response | None:
    t = Translator(language_of(request))
    if isinstance(exc, SignInRequired):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return refuse(request, 401, t(exc.why), "error.signin", signin=urls.sign_in(here))
    if isinstance(exc, CsrfRefused):
        return refuse(request, 403, t("error.csrf"))
    if isinstance(exc, Forbidden):
        return refuse(request, 403, str(exc))
    if isinstance(exc, documents.NotFound):
        if wants_html(request):      # in the page's language; programs get the detail
            return refuse(request, 404, t("error.address", path=request.url.path),
                          "error.notfound", back="/")
        return problem(404, str(exc))
    if isinstance(exc, FilingError):
        if not wants_html(request):
            return problem(exc.status, str(exc))
        if isinstance(exc, FilingNotFound):
            return refuse(request, 404, t("error.address", path=request.url.path),
                          "error.notfound", back="/filings")
        return refuse(request, exc.status, str(exc), back=request.url.path.rsplit("/", 1)[0])
    if isinstance(exc, ReportError | AuthorityFileError):
        if not wants_html(request):
            return problem(exc.status, str(exc))
        return refuse(request, exc.status, str(exc), back="/exchange/status")
    if isinstance(exc, ExchangeError):
        if not wants_html(request):
            return problem(exc.status, str(exc))
        return refuse(request, exc.status, str(exc), back="/exchange")
    if isinstance(exc, QueryError):
        expression = request.query_params.get("e", "")
        return query_error(request, exc, expression)
    if isinstance(exc, FormulaError):
        return await _formula_refused(request, exc, t)
    if isinstance(exc, InvalidCredentials) and request.url.path == "/login":
        form = await request.form()
        target = str(form.get("next", "/"))
        return render(request, "login.html", status_code=401, user=None,
                      next=target if target.startswith("/") and not target.startswith("//")
                      else "/", error=t("signin.failed"))
    if isinstance(exc, EfilingError) and request.url.path == "/efile":
        if not wants_html(request):
            return problem(400, str(exc))
        return render(request, "efile.html", status_code=400, page=None,
                      error=t("efile.refused"), error_detail=str(exc), canonical="/efile")
    if isinstance(exc, TransientError):
        return refuse(request, 503, t("error.status", status=503),
                    headers={"Retry-After": "5"})
    return None


async def _formula_refused(request: Request, exc: FormulaError, t: Translator) -> Response:
    """The formulas page again, saying what was wrong; for "formula-choose", with the
    file's formulas to choose from and the file carried in the form."""
    status = FORMULA_STATUS.get(exc.code, 400)
    extra: dict[str, Any] = {}
    if exc.code == "formula-choose":
        form = await request.form()
        pending = str(form.get("pending", "") or "")
        upload = form.get("file")
        if not pending and isinstance(upload, UploadFile):
            await upload.seek(0)
            pending = base64.b64encode(await upload.read()).decode()
        extra = {"choose": exc.choices, "pending": pending}
    return formulas_page(request, status, error=t(exc.code, **exc.args_), **extra)



def maintenance_answer(request: Request, window: Window, now: dt.datetime) -> Response:
    """A portal request during announced maintenance: a page saying until when and why
    (the announcement), or for programs a problem body carrying the announcement; 503
    with `Retry-After` either way."""
    headers = window.headers(now)
    if not wants_html(request):
        return problem(503, f"tokkyo is under maintenance until {window.ends_at.isoformat()}",
                       headers=headers, maintenance=window.as_json())
    t = Translator(language_of(request))
    lang = t.lang
    title = window.title_ja if lang == "ja" else window.title_en
    body = window.body_ja if lang == "ja" else window.body_en
    answer = render(request, "error.html", status_code=503, heading=t("maintenance.title"),
                    message=t("maintenance.message", end=window.ends_at.isoformat(),
                              title=title) + (f" {body}" if body else ""),
                    back=f"/bulk/announcements#a{window.id}")
    answer.headers.update(headers)
    return answer
