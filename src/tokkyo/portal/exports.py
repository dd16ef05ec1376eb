"""CSV of result lists and saved search formulas (portal.md §6, §8)."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.documents import csv_export
from tokkyo.documents import results as searching
from tokkyo.documents.summaries import summaries
from tokkyo.model.jst import JST
from tokkyo.portal.i18n import Translator, language_of
from tokkyo.portal.web import (
    app_label,
    csrf_ok,
    current_user,
    document_label,
    registration_label,
    render,
    today,
    wants_html,
)
from tokkyo.search import formulas
from tokkyo.search.engine import SORTS
from tokkyo.search.formulas import Formula, FormulaError
from tokkyo.search.query import QueryError
from tokkyo.search.variants import Folds

router = APIRouter(include_in_schema=False)
NO_FILE = File(None)
NO_KEEP = Form(default=[])


def _refuse(request: Request, status: int, message: str) -> Response:
    t = Translator(language_of(request))
    return render(request, "error.html", status_code=status, heading=t("error.title"),
                  message=message, back=request.headers.get("referer", "/"))


@router.get("/q/{law}/csv")
def csv_download(request: Request, law: str, e: str = Query(""), n: str = Query(""),
                 sort: str = Query("relevance"), abstract: int = Query(0),
                 encoding: str = Query("utf-8")) -> Response:
    lang = language_of(request)
    t = Translator(lang)
    settings = request.app.state.settings
    if current_user(request) is None:
        return _refuse(request, 401, t("signin.needed"))
    if law not in searching.LAWS or sort not in SORTS or encoding not in ("utf-8", "cp932"):
        return _refuse(request, 400, t("error.csv", law=law, sort=sort, encoding=encoding))
    limit = settings.csv_max_rows_with_abstract if abstract else settings.csv_max_rows
    try:
        with request.app.state.database.engine.connect() as conn, conn.begin():
            total, ids = searching.all_ids(conn, e, law=law, folds=Folds.from_flags(n),
                                           sort=sort, limit=limit + 1, on=today(request))
            if total > limit:
                key = "csv.limit" if abstract else "csv.limit.plain"
                return _refuse(request, 413, t(key, total=total, limit=limit,
                                               plain=settings.csv_max_rows))
            rows = summaries(conn, ids, today(request), abstracts=bool(abstract),
                             appeals=True)
    except QueryError as exc:
        return _refuse(request, 400, exc.message(lang))
    origin = settings.public_origin or str(request.base_url).rstrip("/")
    cols = csv_export.columns(bool(abstract), origin, document_label, app_label, law=law,
                              registration_label=registration_label)
    body, lost = csv_export.encode(rows, cols, t, encoding)
    stamp = request.app.state.api.policy.clock.now().astimezone(JST).strftime("%Y%m%d%H%M%S")
    headers = {"Content-Disposition": f'attachment; filename="tokkyo_{law}_{stamp}.csv"',
               "X-Rows": str(len(rows))}
    if lost:
        headers["X-Unmappable-Characters"] = str(lost)
    charset = "utf-8" if encoding == "utf-8" else "windows-31j"
    return Response(body, media_type=f"text/csv; charset={charset}", headers=headers)


def _formulas_page(request: Request, status: int = 200, **context: Any) -> Response:
    user = current_user(request)
    found: list[Formula] = []
    if user is not None:
        with request.app.state.database.engine.connect() as conn:
            found = formulas.list_formulas(conn, user.user_pk)
    return render(request, "formulas.html", status_code=status, user=user, formulas=found,
                  limit=formulas.MAX_FORMULAS, canonical="/me/formulas", **context)


def _formula_error(request: Request, exc: FormulaError, status: int = 400, **context: Any
                   ) -> Response:
    t = Translator(language_of(request))
    return _formulas_page(request, status, error=t(exc.code, **exc.args_), **context)


@router.get("/me/formulas")
def formulas_page(request: Request) -> Response:
    if not wants_html(request):
        user = current_user(request)
        if user is None:
            return _refuse(request, 401, Translator(language_of(request))("signin.needed"))
        with request.app.state.database.engine.connect() as conn:
            found = formulas.list_formulas(conn, user.user_pk)
        return JSONResponse({"limit": formulas.MAX_FORMULAS, "formulas": [
            {"id": f.id, "permalink": f"/q/s/{f.id}", **f.as_json()} for f in found]})
    return _formulas_page(request)


@router.post("/me/formulas")
def formulas_save(request: Request, name: str = Form(""), law: str = Form("all"),
                  expression: str = Form(""), n: str = Form(""), csrf: str = Form("")
                  ) -> Response:
    user = current_user(request)
    t = Translator(language_of(request))
    if user is None:
        return _refuse(request, 401, t("signin.needed"))
    if not csrf_ok(request, csrf):
        return _refuse(request, 403, t("error.csrf"))
    try:
        with request.app.state.api.write() as conn, conn.begin():
            formulas.save(conn, user.user_pk, Formula(name, law, expression, {"n": n}),
                          language_of(request))
    except FormulaError as exc:
        return _formula_error(request, exc)
    return _formulas_page(request, notice=t("formulas.saved", name=name.strip()))


@router.post("/me/formulas/{formula_id}/delete")
def formulas_delete(request: Request, formula_id: int, csrf: str = Form("")) -> Response:
    user = current_user(request)
    t = Translator(language_of(request))
    if user is None:
        return _refuse(request, 401, t("signin.needed"))
    if not csrf_ok(request, csrf):
        return _refuse(request, 403, t("error.csrf"))
    try:
        with request.app.state.api.write() as conn, conn.begin():
            formulas.delete(conn, user.user_pk, formula_id)
    except FormulaError as exc:
        return _formula_error(request, exc, 404)
    return RedirectResponse("/me/formulas", status_code=303)


@router.get("/me/formulas/export")
def formulas_export(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return _refuse(request, 401, Translator(language_of(request))("signin.needed"))
    with request.app.state.database.engine.connect() as conn:
        document = formulas.export(formulas.list_formulas(conn, user.user_pk))
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    media_type="application/json",
                    headers={"Content-Disposition":
                             'attachment; filename="tokkyo-formulas.json"'})


@router.post("/me/formulas/import")
async def formulas_import(request: Request, file: UploadFile | None = NO_FILE,
                          pending: str = Form(""), keep: list[int] = NO_KEEP,
                          csrf: str = Form("")) -> Response:
    lang = language_of(request)
    t = Translator(lang)
    if not csrf_ok(request, csrf):
        return _refuse(request, 403, t("error.csrf"))
    try:
        if file is not None:
            data = await file.read(formulas.MAX_FILE_BYTES + 1)
        else:           # the file as the choice form carried it back
            try:
                data = base64.b64decode(pending, validate=True)
            except ValueError:
                raise FormulaError("formula-pending") from None
        incoming = formulas.read_file(data, lang)
    except FormulaError as exc:
        return _formula_error(request, exc)
    user = current_user(request)
    if user is None:           # visitors: the browser keeps them (portal.js)
        return _formulas_page(request, notice=t("formulas.imported", count=len(incoming)),
                              imported=json.dumps([f.as_json() for f in incoming],
                                                  ensure_ascii=False).replace("</", "<\\/"))
    try:
        with request.app.state.api.write() as conn, conn.begin():
            saved = formulas.import_into(conn, user.user_pk, incoming,
                                         keep if pending else None, lang)
    except FormulaError as exc:
        if exc.code == "formula-choose":
            return _formula_error(request, exc, 409, choose=incoming,
                                  pending=base64.b64encode(data).decode())
        return _formula_error(request, exc)
    return _formulas_page(request, notice=t("formulas.imported", count=len(saved)))
