"""The bulk site's pages (bulk.md §2): list of provided data, products, releases with
their manifests and history, file histories, announcements, terms, registration, my
downloads and archive orders. Server-rendered in Japanese and English."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import AccountError
from tokkyo.bulk import archive, catalog, manifests, status
from tokkyo.bulk.access import accept_terms, bulk_user, link_path
from tokkyo.bulk.errors import BulkError, TermsNotAccepted
from tokkyo.bulk.web import context_of, origin, refusal, render, wants_json
from tokkyo.model.jst import JST
from tokkyo.portal.web import csrf_ok, current_user
from tokkyo.store.engine import write_connection
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows
from tokkyo.store.repositories.users import ContactRow

router = APIRouter(prefix="/bulk", include_in_schema=False)
INCIDENT_DAYS = dt.timedelta(days=90)


def _sign_in(request: Request) -> Response:
    return RedirectResponse("/login?next=" + quote(str(request.url.path)), status_code=303)


@router.get("")
def home(request: Request) -> Response:
    ctx = context_of(request)
    user = current_user(request)
    with ctx.database.engine.connect() as conn:
        listing = [(p, rows.releases_of(conn, p.id, limit=3))
                   for p in rows.product_listing(conn)]
        news = bulk_activity.announcements_until(conn, ctx.now(), limit=5)
        replaced = ([d for d in bulk_activity.downloads_of(conn, user.user_pk)
                     if d.status != "current"] if user else [])
    return render(request, "bulk_home.html", listing=listing, news=news,
                  replaced={d.file_id: d for d in replaced}.values())


@router.get("/status")
def status_page(request: Request) -> Response:
    """Per product, the last publishing run against its schedule; recent incidents."""
    ctx = context_of(request)
    now = ctx.now()
    with ctx.database.engine.connect() as conn:
        products = [(p, status.status_of(catalog.BY_ID[p.id].due if p.id in catalog.BY_ID
                                         else None, p.last_run_at, now),
                     next(iter(rows.releases_of(conn, p.id, limit=1)), None))
                    for p in rows.product_listing(conn)]
        incidents = bulk_activity.incidents_since(conn, now - INCIDENT_DAYS, now)
    if wants_json(request):
        return JSONResponse({
            "checkedAt": now.isoformat(),
            "products": [{"id": p.id, "state": s.state, "schedule": p.schedule,
                          "lastRun": _iso(s.last_run), "lateSince": _iso(s.late_since),
                          "nextDue": _iso(s.next_due),
                          "lastRelease": r.id if r else None,
                          "lastReleaseAt": _iso(r.published_at if r else None)}
                         for p, s, r in products],
            "incidents": [{"id": a.id, "category": a.category, "publishedAt":
                           _iso(a.published_at), "title": a.title_en}
                          for a in incidents]})
    return render(request, "bulk_status.html", products=products, incidents=incidents,
                  days=INCIDENT_DAYS.days)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(JST).isoformat() if value else None


@router.get("/products/{product_id}")
def product(request: Request, product_id: str) -> Response:
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        row = rows.product(conn, product_id)
        if row is None:
            return refusal(request, 404, "not-found", f"no product {product_id!r}")
        releases = [(r, rows.files_of(conn, r.id)) for r in rows.releases_of(conn, product_id)]
    return render(request, "bulk_product.html", product=row, releases=releases)


@router.get("/releases/{release_id}")
def release(request: Request, release_id: str) -> Response:
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        try:
            manifest = manifests.manifest(conn, release_id)
        except BulkError as exc:
            return refusal(request, 404, "not-found", str(exc))
        product = rows.product(conn, manifest["product"])
    return render(request, "bulk_release.html", manifest=manifest, product=product)


@router.get("/files/{file_id}")
def file_history(request: Request, file_id: int) -> Response:
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        row = rows.file(conn, file_id)
        if row is None:
            return refusal(request, 404, "not-found", f"no file {file_id}")
        history = rows.history_of(conn, file_id)
    return render(request, "bulk_file.html", file=row, history=history)


@router.get("/files/{file_id}/download")
def download_link(request: Request, file_id: int) -> Response:
    """For a signed-in user: a fresh signed link, followed at once (303)."""
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        try:
            user = bulk_user(conn, ctx, principal.user_pk)
            path = link_path(conn, ctx, user, file_id)
        except TermsNotAccepted:
            return RedirectResponse(f"/bulk/terms?next={quote(str(request.url.path))}",
                                    status_code=303)
        except BulkError as exc:
            return refusal(request, exc.status, getattr(exc, "reason", "not-entitled"),
                           str(exc))
    return RedirectResponse(path, status_code=303)


@router.get("/announcements")
def announcements(request: Request) -> Response:
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        news = bulk_activity.announcements_until(conn, ctx.now(), limit=200)
    return render(request, "bulk_announcements.html", news=news)


@router.get("/terms")
def terms(request: Request, next: str = "/bulk") -> Response:
    ctx = context_of(request)
    principal = current_user(request)
    accepted = ""
    if principal is not None:
        with ctx.database.engine.connect() as conn:
            try:
                accepted = bulk_user(conn, ctx, principal.user_pk,
                                     check_terms=False).consent_version
            except BulkError:
                accepted = ""
    return render(request, "bulk_terms.html", version=ctx.terms_version, accepted=accepted,
                  next=_local(next))


def _local(target: str) -> str:
    """Only paths on this site are followed after a form (no open redirects)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) \
        else "/bulk"


@router.post("/terms")
def accept(request: Request, csrf: str = Form(""), next: str = Form("/bulk")) -> Response:
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    if not csrf_ok(request, csrf):
        return refusal(request, 403, "csrf", "the form has expired; open the page again")
    ctx = context_of(request)
    with write_connection(ctx.database.engine) as conn, conn.begin():
        try:
            bulk_user(conn, ctx, principal.user_pk, check_terms=False)
        except BulkError as exc:
            return refusal(request, exc.status, "not-entitled", str(exc))
        accept_terms(conn, ctx, principal.user_pk)
    return RedirectResponse(_local(next), status_code=303)


@router.get("/register")
def register_form(request: Request) -> Response:
    return render(request, "bulk_register.html", form={}, version=context_of(request)
                  .terms_version)


@router.post("/register")
async def register(request: Request) -> Response:
    form = await request.form()
    value = {k: str(v) for k, v in form.items()}
    ctx = context_of(request)
    if not csrf_ok(request, value.get("csrf", "")):
        return refusal(request, 403, "csrf", "the form has expired; open the page again")
    contacts = [ContactRow(i, value.get(f"c{i}_department", ""), value.get(f"c{i}_title", ""),
                           value.get(f"c{i}_name", "").strip(), value.get(f"c{i}_email", "")
                           .strip(), value.get(f"c{i}_phone", "").strip())
                for i in range(3) if value.get(f"c{i}_name", "").strip()]
    services = [s for s in ("api", "opd", "bulk", "archive") if value.get(f"s_{s}")]
    try:
        with write_connection(ctx.database.engine) as conn, conn.begin():
            pk = accounts.register(conn, ctx.policy, accounts.RegistrationForm(
                kind=value.get("kind", "corporate"), name=value.get("name", "").strip(),
                address=value.get("address", "").strip(), contacts=contacts,
                purpose=value.get("purpose", ""),
                consent_version=ctx.terms_version if value.get("consent") else "",
                desired_id=value.get("desired_id", "").strip(), services=services or ["bulk"]))
    except AccountError as exc:
        return render(request, "bulk_register.html", 422, form=value, error=str(exc),
                      version=ctx.terms_version, canonical="/bulk/register")
    return render(request, "bulk_registered.html", number=pk, canonical="/bulk")


@router.get("/me")
def my_downloads(request: Request) -> Response:
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        entries = bulk_activity.downloads_of(conn, principal.user_pk)
    return render(request, "bulk_me.html", entries=entries)


@router.get("/archive")
def archive_page(request: Request) -> Response:
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        units = rows.units_of(conn)
        orders = bulk_activity.orders(conn, principal.user_pk)
        ready = {o.id: archive.files_of_order(conn, o.id) for o in orders
                 if o.status in ("ready", "delivered")}
    return render(request, "bulk_archive.html", units=units, orders=orders, ready=ready)


@router.post("/archive")
async def archive_order(request: Request) -> Response:
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    form = await request.form()
    if not csrf_ok(request, str(form.get("csrf", ""))):
        return refusal(request, 403, "csrf", "the form has expired; open the page again")
    ctx = context_of(request)
    try:
        with write_connection(ctx.database.engine) as conn, conn.begin():
            user = bulk_user(conn, ctx, principal.user_pk)
            if form.get("cancel"):
                archive.cancel(conn, ctx, user, int(str(form.get("cancel"))))
            else:
                archive.place(conn, ctx, user, [str(u) for u in form.getlist("unit")],
                              str(form.get("delivery", "online")), str(form.get("purpose", "")))
    except BulkError as exc:
        return refusal(request, exc.status, "order", str(exc))
    return RedirectResponse("/bulk/archive", status_code=303)


@router.get("/archive/{order_id}/{name}")
def archive_staging(request: Request, order_id: int, name: str) -> Response:
    """A ready order's online delivery (bulk.md §7): `links.txt` (one download address per
    line, valid for TOKKYO_BULK_ARCHIVE_LINK_DAYS; `wget -c -i links.txt` fetches the
    set) and `SHA256SUMS` (for `sha256sum -c`)."""
    if name not in ("links.txt", "SHA256SUMS"):
        return refusal(request, 404, "not-found", f"an order has links.txt and SHA256SUMS, "
                       f"not {name!r}")
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    ctx = context_of(request)
    try:
        with ctx.database.engine.connect() as conn:
            user = bulk_user(conn, ctx, principal.user_pk)
            staged = archive.staging_set(conn, ctx, user, order_id)
    except BulkError as exc:
        return refusal(request, exc.status, "order", str(exc))
    if name == "SHA256SUMS":
        body = "".join(f"{f.sha256}  {f.name}\n" for f, _ in staged)
    else:
        body = "".join(f"{origin(request)}{path}\n" for _, path in staged)
    return PlainTextResponse(body, headers={"Cache-Control": "private, no-store"})


@router.get("/admin/archive")
def archive_queue(request: Request) -> Response:
    principal = current_user(request)
    if principal is None:
        return _sign_in(request)
    if principal.role != "admin":
        return refusal(request, 403, "not-entitled", "only operators see the archive queue")
    ctx = context_of(request)
    with ctx.database.engine.connect() as conn:
        orders = bulk_activity.orders(conn)
    return render(request, "bulk_queue.html", orders=orders, next_states=archive.NEXT)


@router.post("/admin/archive/{order_id}")
def archive_advance(request: Request, order_id: int, to: str = Form(""),
                    note: str = Form(""), csrf: str = Form("")) -> Response:
    principal = current_user(request)
    if principal is None or principal.role != "admin":
        return refusal(request, 403, "not-entitled", "only operators move archive orders on")
    if not csrf_ok(request, csrf):
        return refusal(request, 403, "csrf", "the form has expired; open the page again")
    ctx = context_of(request)
    try:
        with write_connection(ctx.database.engine) as conn, conn.begin():
            archive.advance(conn, ctx, order_id, to, note)
    except BulkError as exc:
        return refusal(request, exc.status, "order", str(exc))
    return RedirectResponse("/bulk/admin/archive", status_code=303)
