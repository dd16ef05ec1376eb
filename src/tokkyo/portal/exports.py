"""CSV of result lists and saved search formulas (portal.md §6, §8)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.documents import csv_export
from tokkyo.documents import results as searching
from tokkyo.documents.hits import app_label, document_label, registration_label
from tokkyo.documents.summaries import summaries
from tokkyo.model import urls
from tokkyo.model.jst import JST
from tokkyo.portal.web import T, refuse, render, today, wants_html
from tokkyo.search import formulas
from tokkyo.search.backends import SORTS
from tokkyo.search.formulas import Formula
from tokkyo.search.variants import Folds
from tokkyo.translate import crosslingual
from tokkyo.web.context import context_of
from tokkyo.web.deps import Csrf, Ctx, PrimaryReader, Reader, SignedIn, User, Writer, current_user
from tokkyo.web.errors import SignInRequired

router = APIRouter(include_in_schema=False)
NO_FILE = File(None)
NO_KEEP = Form(default=[])


@router.get("/q/{law}/csv")
def csv_download(request: Request, ctx: Ctx, user: SignedIn, conn: Reader, t: T, law: str,
                 e: str = Query(""), n: str = Query(""), sort: str = Query("relevance"),
                 abstract: int = Query(0), encoding: str = Query("utf-8"),
                 x: str = Query(""), xd: str = Query("")) -> Response:
    """The result list as CSV; `x=1` and `xd` as on the result page (cross-language)."""
    settings = ctx.settings
    if law not in searching.LAWS or sort not in SORTS or encoding not in ("utf-8", "cp932"):
        return refuse(request, 400, t("error.csv", law=law, sort=sort, encoding=encoding))
    limit = settings.csv_max_rows_with_abstract if abstract else settings.csv_max_rows
    rewrite = (crosslingual.Rewrite(request.app.state.query_expansion,
                                    crosslingual.dropped_of(xd)) if x == "1" else None)
    total, ids = searching.all_ids(conn, e, law=law, folds=Folds.from_flags(n), sort=sort,
                                   limit=limit + 1, on=today(request), rewrite=rewrite)
    if total > limit:
        key = "csv.limit" if abstract else "csv.limit.plain"
        return refuse(request, 413, t(key, total=total, limit=limit,
                                      plain=settings.csv_max_rows))
    rows = summaries(conn, ids, today(request), abstracts=bool(abstract), appeals=True)
    cols = csv_export.columns(bool(abstract), ctx.origin(request), document_label, app_label,
                              law=law, registration_label=registration_label)
    body, lost = csv_export.encode(rows, cols, t, encoding)
    stamp = ctx.now().astimezone(JST).strftime("%Y%m%d%H%M%S")
    headers = {"Content-Disposition": f'attachment; filename="tokkyo_{law}_{stamp}.csv"',
               "X-Rows": str(len(rows))}
    if lost:
        headers["X-Unmappable-Characters"] = str(lost)
    charset = "utf-8" if encoding == "utf-8" else "windows-31j"
    return Response(body, media_type=f"text/csv; charset={charset}", headers=headers)


def formulas_page(request: Request, status: int = 200, conn: sa.Connection | None = None,
                  **context: Any) -> Response:
    """The saved-formulas page: the user's formulas (visitors' are kept by their browser),
    with a notice or an error. Read on `conn` when given (the request's own transaction,
    which sees what it has just written), else on a connection of its own."""
    user = current_user(request)
    found: list[Formula] = []
    if user is not None:
        if conn is None:
            with context_of(request).database.read_primary() as own:
                found = formulas.list_formulas(own, user.user_pk)
        else:
            found = formulas.list_formulas(conn, user.user_pk)
    return render(request, "formulas.html", status_code=status, user=user, formulas=found,
                  limit=formulas.MAX_FORMULAS, canonical="/me/formulas", **context)


@router.get("/me/formulas")
def formulas_list(request: Request, user: User, conn: PrimaryReader) -> Response:
    if wants_html(request):
        return formulas_page(request, conn=conn)
    if user is None:
        raise SignInRequired()
    found = formulas.list_formulas(conn, user.user_pk)
    return JSONResponse({"limit": formulas.MAX_FORMULAS, "formulas": [
        {"id": f.id, "permalink": urls.formula(f.id), **f.as_json()} for f in found]})


@router.post("/me/formulas")
def formulas_save(request: Request, user: SignedIn, _csrf: Csrf, conn: Writer, t: T,
                  name: str = Form(""), law: str = Form("all"), expression: str = Form(""),
                  n: str = Form("")) -> Response:
    formulas.save(conn, user.user_pk, Formula(name, law, expression, {"n": n}), t.lang)
    return formulas_page(request, conn=conn, notice=t("formulas.saved", name=name.strip()))


@router.post("/me/formulas/{formula_id}/delete")
def formulas_delete(user: SignedIn, _csrf: Csrf, conn: Writer, formula_id: int) -> Response:
    formulas.delete(conn, user.user_pk, formula_id)
    return RedirectResponse("/me/formulas", status_code=303)


@router.get("/me/formulas/export")
def formulas_export(user: SignedIn, conn: PrimaryReader) -> Response:
    document = formulas.export(formulas.list_formulas(conn, user.user_pk))
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    media_type="application/json",
                    headers={"Content-Disposition":
                             'attachment; filename="tokkyo-formulas.json"'})


@router.post("/me/formulas/import")
def formulas_import(request: Request, _csrf: Csrf, user: User, conn: Writer, t: T,
                    file: UploadFile | None = NO_FILE, pending: str = Form(""),
                    keep: list[int] = NO_KEEP) -> Response:
    """A formula file: visitors get the formulas back for their browser to keep; a user's
    are saved, and when they would pass the limit the user chooses which to keep (the
    file then comes back with the choice, as `pending`)."""
    data = (file.file.read(formulas.MAX_FILE_BYTES + 1) if file is not None
            else formulas.pending_file(pending))
    incoming = formulas.read_file(data, t.lang)
    if user is None:           # visitors: the browser keeps them (portal.js)
        return formulas_page(request, notice=t("formulas.imported", count=len(incoming)),
                             imported=json.dumps([f.as_json() for f in incoming],
                                                 ensure_ascii=False).replace("</", "<\\/"))
    saved = formulas.import_into(conn, user.user_pk, incoming, keep if pending else None,
                                 t.lang)
    return formulas_page(request, conn=conn, notice=t("formulas.imported", count=len(saved)))
