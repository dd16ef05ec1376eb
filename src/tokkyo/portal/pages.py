"""Search portal pages (portal.md §1, §4, §5, §7): simple search, per-law forms, results
with their permalinks, number lookup, sign-in. Server-rendered; JavaScript only enhances."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from tokkyo.accounts import service as accounts
from tokkyo.accounts.service import Principal
from tokkyo.documents import fixed_addresses, number_lookup, service
from tokkyo.documents import results as searching
from tokkyo.documents.hits import hit_json, results_json
from tokkyo.model import urls
from tokkyo.model.kinds import GAZETTE_KINDS
from tokkyo.model.laws import Law
from tokkyo.portal.i18n import language_of
from tokkyo.portal.web import T, refuse, render, today, translator, wants_html
from tokkyo.search import formulas
from tokkyo.search.backends import SORTS
from tokkyo.search.formulas import Formula
from tokkyo.search.query import FIELDS
from tokkyo.search.variants import Folds
from tokkyo.translate import crosslingual
from tokkyo.web.context import context_of
from tokkyo.web.deps import SESSION_COOKIE, Ctx, PrimaryReader, Reader, Writer, signed_in_for

router = APIRouter(include_in_schema=False)
FormulaOwner = Annotated[Principal, Depends(signed_in_for("signin.formula"))]
PER_PAGE = 50
#: The gazette kinds a law's form can limit a search to (portal.md §1, document types);
#: none or all ticked is no limit.
DOCUMENT_TYPES = {"patent": ("A", "T", "B", "U", "Y")}
#: "Data as of" and what the store holds per country change only when something is loaded
#: (a new source version: the store's data version). Each process keeps them while the
#: version it reads is the one they were computed at, so every server process shows the
#: same once it has read the same version; while ingest adds versions, at most once per
#: these seconds (counting what is held reads every publication).
AS_OF_SECONDS = 60.0
COVERAGE_SECONDS = 60.0
SCREEN_FIELDS = {
    "patent": ("TX", "TI", "AB", "CL", "DE", "AP", "IN", "AG", "FI", "FT", "TC", "IP", "AN",
               "PN", "RN", "AD", "PD", "RD", "KD", "ST"),
    "design": ("AR", "AP", "IN", "AG", "DC", "DT", "LC", "AN", "RN", "AD", "RD", "ST"),
    "trademark": ("TM", "CN", "GS", "AP", "AG", "NC", "SC", "VC", "AN", "RN", "AD", "RD",
                  "ST"),
}
DEFAULT_ROWS = {"patent": ("TX", "AP", "FI", "FT", "PD"), "design": ("AR", "AP", "DC", "LC", "RD"),
                "trademark": ("TM", "CN", "NC", "SC", "AP")}


def _flags(values: list[str] | str | None) -> str:
    if isinstance(values, str):
        values = list(values)
    return Folds.from_flags("".join(values or [])).flags


def freshness(request: Request, conn: Any) -> list[service.SourceFreshness]:
    """Data as of, per source (portal.md §1), kept per process while the store's data
    version stays (`_kept`)."""
    return _kept(request, conn, "portal_as_of", AS_OF_SECONDS,
                 lambda: service.data_as_of(conn))


def coverage(request: Request, conn: Any, per_law: bool = False
             ) -> list[service.CountryCoverage]:
    """What the store holds per country (cases, documents, years, completeness), or per
    country and law, kept per process while the store's data version stays (`_kept`)."""
    name = "portal_coverage_by_law" if per_law else "portal_coverage"
    return _kept(request, conn, name, COVERAGE_SECONDS,
                 lambda: service.coverage(conn, per_law))


def _kept(request: Request, conn: Any, name: str, seconds: float,
          compute: Callable[[], list[Any]]) -> list[Any]:
    """`compute()`, kept on the app under `name` with the data version (one indexed
    lookup) it was computed at: computed again when the version read on `conn` differs
    and the kept one is older than `seconds`. A pure cache, nothing shared between
    processes: after a load, each process catches up within `seconds`; while nothing is
    loaded, all show the same and none computes again."""
    version = service.data_version(conn)
    cached = getattr(request.app.state, name, None)
    now = time.monotonic()
    if cached is None or (cached[1] != version and now - cached[0] > seconds):
        cached = (now, version, compute())
        setattr(request.app.state, name, cached)
    value: list[Any] = cached[2]
    return value


@router.get("/", response_model=None)
def home(request: Request, conn: Reader) -> Response | dict[str, Any]:
    counts = service.overview(conn)
    held = coverage(request, conn)
    if not wants_html(request):
        return {"service": "tokkyo", "holds": counts,
                "countries": [c.as_json() for c in held],
                "links": {"documents": "/documents", "search": "/search?q=電池",
                          "portal": "/q/all?e=電池", "health": "/health"}}
    # per country and law, the countries in the order the result pages list them
    order = {c.country: i for i, c in enumerate(held)}
    by_law = sorted(coverage(request, conn, per_law=True), key=lambda c: order[c.country])
    return render(request, "home.html", laws=searching.LAWS, law="all", q="", held=by_law,
                  as_of=freshness(request, conn), countries=[c.country for c in held], cc="")


@router.get("/simple")
def simple(request: Request, conn: Reader, t: T, q: str = Query(""),
           law: str = Query("all"), cc: str = Query(""), x: str = Query("")) -> Response:
    lang = t.lang
    if law not in searching.LAWS:
        law = "all"
    if not q.strip():
        return render(request, "home.html", status_code=400, laws=searching.LAWS, law=law,
                      q=q, error=t("error.empty"), cc=cc,
                      countries=[c.country for c in coverage(request, conn)])
    expression = searching.with_countries(searching.simple_expression(q, law),
                                          [cc] if cc else [])
    numbers = "&".join(f"num={p}" for p in searching.simple_parts(q))
    return RedirectResponse(urls.query(law, expression) + ("&" + numbers if numbers else "")
                            + ("&x=1" if x == "1" else "") + f"&lang={lang}",
                            status_code=303)


@router.get("/search/{law}")
def law_form(request: Request, conn: Reader, t: T, law: str, e: str = Query("")) -> Response:
    if law not in SCREEN_FIELDS:
        return not_found(request, law)
    fields = [(code, FIELDS[code].label(t.lang)) for code in SCREEN_FIELDS[law]]
    if not wants_html(request):
        return JSONResponse({"law": law, "fields": [{"code": c, "label": label}
                                                    for c, label in fields],
                             "default_fields": list(DEFAULT_ROWS[law]), "run": f"/search/{law}/run",
                             "expression": e})
    return render(request, "law_search.html", law=law, fields=fields,
                  default_fields=DEFAULT_ROWS[law], expression=e, flags="",
                  document_types=[GAZETTE_KINDS[k] for k in DOCUMENT_TYPES.get(law, ())],
                  countries=[c.country for c in coverage(request, conn)])


@router.get("/search/{law}/run")
def law_run(request: Request, conn: Reader, law: str) -> Response:
    params = request.query_params
    rows = [(params.get(f"f{i}", ""), params.get(f"k{i}", ""), params.get(f"o{i}", "OR"))
            for i in range(10)]
    kinds = [k for k in params.getlist("dt") if k in DOCUMENT_TYPES.get(law, ())]
    types = ("+".join(f"{k}/KD" for k in kinds)
             if kinds and len(set(kinds)) < len(DOCUMENT_TYPES[law]) else "")
    parts = [p for p in (searching.form_expression(rows), params.get("e", "").strip(), types)
             if p]
    expression = searching.with_countries(
        "*".join(f"[{p}]" if len(parts) > 1 else p for p in parts), params.getlist("cc"))
    if not expression:
        return law_form(request, conn, translator(request), law, "")
    flags = _flags(params.getlist("n"))
    return RedirectResponse(urls.query(law, expression, flags), status_code=303)


@router.get("/q/{law}", response_model=None)
def results(request: Request, conn: Reader, law: str, e: str = Query(""),
            n: str = Query(""), sort: str = Query("relevance"),
            page: int = Query(1, ge=1, le=100000), num: list[str] = Query(default=[]),
            x: str = Query(""), xd: str = Query("")) -> Response | dict[str, Any]:
    """`x=1`: cross-language search (the query's words and their translations), less
    the terms in `xd` (joined by `|`) the user dropped."""
    if law not in searching.LAWS:
        return not_found(request, law)
    rewrite = (crosslingual.Rewrite(request.app.state.query_expansion,
                                    crosslingual.dropped_of(xd)) if x == "1" else None)
    return show_results(request, conn, law, e, Folds.from_flags(n), sort, page, num,
                        rewrite=rewrite)


@router.get("/q/s/{formula_id:int}", response_model=None)
def saved_query(request: Request, user: FormulaOwner, conn: PrimaryReader, t: T, formula_id: int,
                sort: str = Query(""), page: int = Query(1, ge=1, le=100000)
                ) -> Response | dict[str, Any]:
    """A saved formula's permalink (portal.md §7): only its owner can open it."""
    formula = next((f for f in formulas.list_formulas(conn, user.user_pk)
                    if f.id == formula_id), None)
    if formula is None:
        return refuse(request, 404, t("formulas.notyours", id=formula_id), "error.notfound",
                      back="/me/formulas")
    options = formula.options
    return show_results(request, conn, formula.law, formula.expression,
                        Folds.from_flags(str(options.get("n", ""))),
                        sort or str(options.get("sort", "relevance")), page, [],
                        formula=formula)


def not_found(request: Request, what: str) -> Response:
    return refuse(request, 404, what, "error.notfound", back="/")


def show_results(request: Request, conn: sa.Connection, law: str, e: str, folds: Folds,
                 sort: str, page: int, num: list[str], formula: Formula | None = None,
                 rewrite: crosslingual.Rewrite | None = None) -> Response | dict[str, Any]:
    """The result page (or its JSON) of one expression: a query permalink or a formula."""
    lang = language_of(request)
    sort = sort if sort in SORTS else "relevance"
    found = searching.run(conn, e, law=law, folds=folds, sort=sort,
                          offset=(page - 1) * PER_PAGE, limit=PER_PAGE, lang=lang,
                          on=today(request), rewrite=rewrite)
    as_of = freshness(request, conn)
    numbers = searching.numbers_in(num, law) if num else []
    # cross-language search is part of the permalink, with the terms the user dropped
    cross: dict[str, str | int] = ({"x": "1", "xd": "|".join(rewrite.dropped)}
                                   if rewrite is not None else {})
    permalink = (urls.formula(formula.id) if formula is not None
                 else urls.query(law, found.expression, folds.flags, **cross))
    held = coverage(request, conn)
    if not wants_html(request):
        answer = results_json(found, permalink=permalink, as_of=as_of, formula=formula,
                              numbers=numbers, coverage=held)
        if rewrite is not None:
            answer["cross_language"] = rewrite.as_json()
        return answer
    csv_limits = context_of(request).settings

    def page_link(number: int) -> str:
        if formula is not None:
            return urls.formula(formula.id, sort=found.sort, page=number)
        return urls.query(law, found.expression, folds.flags, sort=found.sort, page=number,
                          **cross)

    def with_dropped(terms: list[str]) -> str:
        """This result list with `terms` dropped from the expansion (a drop or restore
        link); cross-language search off for None."""
        return urls.query(law, found.expression, folds.flags, x="1",
                          xd="|".join(dict.fromkeys(terms)))

    return render(request, "results.html", r=found, numbers=numbers, permalink=permalink,
                  cross=rewrite, with_dropped=with_dropped,
                  term_lang=lambda text: "ja" if crosslingual.is_japanese(text) else "en",
                  plain_link=urls.query(law, found.expression, folds.flags),
                  formula=formula, as_of=as_of, coverage=held, formula_limit=formulas.MAX_FORMULAS,
                  base_path=request.url.path, sorts=SORTS, page_link=page_link,
                  csv_path=urls.csv(law, found.expression, folds.flags, found.sort, **cross),
                  csv_limit=csv_limits.csv_max_rows,
                  csv_abstract_limit=csv_limits.csv_max_rows_with_abstract)


@router.get("/number")
def number(request: Request, conn: Reader, t: T, q: str = Query("")) -> Response:
    found = number_lookup.look_up(conn, q, t.lang, today(request))
    readings, cases = found.readings, found.cases
    error = (t("number.error", detail=found.number_error) if found.number_error
             else found.query_error)
    if not wants_html(request):
        return JSONResponse({"q": q, "error": error, "readings": [
            {"kind": n.kind.value, "law": n.law.value if n.law else None, "key": n.key,
             "note": n.note} for n in readings], "cases": [hit_json(r) for r in cases]},
            status_code=400 if error else 200)
    # the number reader says what was wrong in English only: shown as such, marked so
    detail = found.number_error
    return render(request, "number.html", status_code=400 if error else 200, q=q,
                  readings=readings, cases=cases,
                  error=t("number.error", detail="") if detail else error,
                  error_detail=detail)


@router.get("/c1801/{section}/{number}/{code}/{lang}")
def fixed_address(request: Request, section: str, number: str, code: str, lang: str
                  ) -> Response:
    """J-PlatPat simplified fixed addresses (portal.md §7) → tokkyo pages: the section
    names the law's screen (PU patents and utility models, DE designs, TR trademarks), an
    application or publication is `JP-YYYY-NNNNNN`, a registration `JP-NNNNNNN`."""
    laws = {"1": ("PU", "patent"), "2": ("PU", "utility"), "3": ("DE", "design"),
            "4": ("TR", "trademark")}
    stages = {"0": "app", "1": "pub", "5": "reg"}
    shape = r"JP-[0-9]{7}" if code[1:] == "5" else r"JP-[0-9]{4}-[0-9]{6}"
    if (len(code) != 2 or code[0] not in laws or code[1] not in stages
            or laws[code[0]][0] != section or not re.fullmatch(shape, number)
            or lang not in ("ja", "en")):
        return not_found(request, request.url.path)
    digits = number[3:].replace("-", "")
    return RedirectResponse(urls.document(laws[code[0]][1], stages[code[1]], digits, lang=lang),
                            status_code=301)


@router.get("/c1800/{section}/{number}/{token}/{code}/{lang}")
def token_address(request: Request, section: str, number: str, token: str, code: str,
                  lang: str) -> Response:
    """The API's fixed-address shape (jpo-api.md §11, portal.md §7) → the case page. A
    tokkyo token is checked against this server's key; a J-PlatPat token (same shape,
    another key) is accepted and ignored. `X-Tokkyo-Token` says which it was."""
    laws = {"1": ("PU", Law.PATENT), "2": ("PU", Law.UTILITY), "3": ("DE", Law.DESIGN),
            "4": ("TR", Law.TRADEMARK)}
    shape = re.fullmatch(r"JP-(\d{4})-(\d{6})", number)
    if (len(code) != 2 or code[0] not in laws or code[1] != "0" or shape is None
            or laws[code[0]][0] != section or not fixed_addresses.TOKEN.fullmatch(token)
            or lang not in ("ja", "en")):
        return not_found(request, request.url.path)
    law = laws[code[0]][1]
    digits = shape[1] + shape[2]
    ours = fixed_addresses.is_ours(context_of(request).secret, law, digits, token)
    return RedirectResponse(urls.case(law.value, digits, lang=lang), status_code=301,
                            headers={"X-Tokkyo-Token": "verified" if ours else "foreign"})


@router.get("/login")
def login_form(request: Request, next: str = Query("/")) -> Response:
    return render(request, "login.html", next=next if next.startswith("/") else "/")


@router.post("/login")
def login(request: Request, ctx: Ctx, conn: Writer, t: T, username: str = Form(""),
          password: str = Form(""), next: str = Form("/")) -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    # a refusal is an outcome, answered here, so that the failure it recorded is
    # committed with the request (raising would roll it back: no lockout ever)
    outcome = accounts.grant_token(conn, ctx.policy, "password",
                                   {"username": username, "password": password},
                                   request.client.host if request.client else "")
    answer = outcome.answer
    if answer is None:
        return render(request, "login.html", status_code=401, user=None, next=target,
                      error=t("signin.failed"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, answer.refresh_token, httponly=True, samesite="lax",
                        max_age=8 * 3600, secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request, ctx: Ctx, conn: Writer) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(conn, ctx.policy, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
