"""The bulk site's pages (bulk.md §2): list of provided data, products, releases with
their manifests and history, file histories, announcements, terms, registration, my
downloads and archive orders. Server-rendered in Japanese and English."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from tokkyo.accounts import service as accounts
from tokkyo.bulk import archive, site, status
from tokkyo.bulk.access import accept_terms, bulk_user, link_path
from tokkyo.bulk.errors import NotFound
from tokkyo.bulk.web import BulkCtx, origin, render, wants_json
from tokkyo.web.deps import (
    Admin,
    Csrf,
    Posted,
    PrimaryReader,
    Reader,
    SignedIn,
    User,
    Writer,
    required,
)

router = APIRouter(prefix="/bulk", include_in_schema=False)


@router.get("")
def home(request: Request, ctx: BulkCtx, user: User, conn: PrimaryReader) -> Response:
    listing, news, replaced = site.home(conn, ctx.now(), user.user_pk if user else None)
    return render(request, "bulk_home.html", listing=listing, news=news, replaced=replaced)


@router.get("/status")
def status_page(request: Request, ctx: BulkCtx, conn: Reader) -> Response:
    """Per product, the last publishing run against its schedule; recent incidents."""
    now = ctx.now()
    products, incidents = site.statuses(conn, now)
    if wants_json(request):
        return JSONResponse({
            "checkedAt": now.isoformat(),
            "products": [{"id": p.id, "state": s.state, "schedule": p.schedule,
                          "lastRun": status.iso(s.last_run), "lateSince": status.iso(s.late_since),
                          "nextDue": status.iso(s.next_due),
                          "lastRelease": r.id if r else None,
                          "lastReleaseAt": status.iso(r.published_at if r else None)}
                         for p, s, r in products],
            "incidents": [{"id": a.id, "category": a.category, "publishedAt":
                           status.iso(a.published_at), "title": a.title_en}
                          for a in incidents]})
    return render(request, "bulk_status.html", products=products, incidents=incidents,
                  days=site.INCIDENT_DAYS.days)


@router.get("/products/{product_id}")
def product(request: Request, conn: Reader, product_id: str) -> Response:
    row, releases = site.product(conn, product_id)
    return render(request, "bulk_product.html", product=row, releases=releases)


@router.get("/releases/{release_id}")
def release(request: Request, conn: Reader, release_id: str) -> Response:
    manifest, product = site.release(conn, release_id)
    return render(request, "bulk_release.html", manifest=manifest, product=product)


@router.get("/files/{file_id}")
def file_history(request: Request, conn: Reader, file_id: int) -> Response:
    row, history = site.file_history(conn, file_id)
    return render(request, "bulk_file.html", file=row, history=history)


@router.get("/files/{file_id}/download")
def download_link(ctx: BulkCtx, principal: User, conn: PrimaryReader, file_id: int) -> Response:
    """For a signed-in user: a fresh signed link, followed at once (303). The session is
    required here rather than as a dependency, so that a malformed file id is refused
    (422) before a visitor is sent to sign in."""
    user = bulk_user(conn, ctx, required(principal).user_pk)
    return RedirectResponse(link_path(conn, ctx, user, file_id), status_code=303)


@router.get("/announcements")
def announcements(request: Request, ctx: BulkCtx, conn: Reader) -> Response:
    return render(request, "bulk_announcements.html",
                  news=site.announcements(conn, ctx.now(), limit=200))


@router.get("/terms")
def terms(request: Request, ctx: BulkCtx, principal: User, conn: PrimaryReader, next: str = "/bulk"
          ) -> Response:
    accepted = site.accepted_terms(conn, ctx, principal.user_pk) if principal else ""
    return render(request, "bulk_terms.html", version=ctx.terms_version, accepted=accepted,
                  next=_local(next))


def _local(target: str) -> str:
    """Only paths on this site are followed after a form (no open redirects)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) \
        else "/bulk"


@router.post("/terms")
def accept(ctx: BulkCtx, principal: SignedIn, _csrf: Csrf, conn: Writer, next: str = Form("/bulk")
           ) -> Response:
    bulk_user(conn, ctx, principal.user_pk, check_terms=False)
    accept_terms(conn, ctx, principal.user_pk)
    return RedirectResponse(_local(next), status_code=303)


@router.get("/register")
def register_form(request: Request, ctx: BulkCtx) -> Response:
    return render(request, "bulk_register.html", form={}, version=ctx.terms_version)


@router.post("/register")
def register(request: Request, _csrf: Csrf, ctx: BulkCtx, conn: Writer, form: Posted) -> Response:
    value = {k: str(v) for k, v in form.items()}
    pk = accounts.register(conn, ctx.policy, site.registration_form(value, ctx.terms_version))
    return render(request, "bulk_registered.html", number=pk, canonical="/bulk")


@router.get("/me")
def my_downloads(request: Request, principal: SignedIn, conn: PrimaryReader) -> Response:
    return render(request, "bulk_me.html", entries=site.downloads_of(conn, principal.user_pk))


@router.get("/archive")
def archive_page(request: Request, principal: SignedIn, conn: PrimaryReader) -> Response:
    units, orders, ready = site.archive_page(conn, principal.user_pk)
    return render(request, "bulk_archive.html", units=units, orders=orders, ready=ready)


@router.post("/archive")
def archive_order(ctx: BulkCtx, principal: SignedIn, _csrf: Csrf, conn: Writer,
                  form: Posted) -> Response:
    user = bulk_user(conn, ctx, principal.user_pk)
    if form.get("cancel"):
        archive.cancel(conn, ctx, user, int(str(form.get("cancel"))))
    else:
        archive.place(conn, ctx, user, [str(u) for u in form.getlist("unit")],
                      str(form.get("delivery", "online")), str(form.get("purpose", "")))
    return RedirectResponse("/bulk/archive", status_code=303)


@router.get("/archive/{order_id}/{name}")
def archive_staging(request: Request, ctx: BulkCtx, principal: SignedIn, conn: PrimaryReader,
                    order_id: int, name: str) -> Response:
    """A ready order's online delivery (bulk.md §7): `links.txt` (one download address per
    line, valid for TOKKYO_BULK_ARCHIVE_LINK_DAYS; `wget -c -i links.txt` fetches the
    set) and `SHA256SUMS` (for `sha256sum -c`)."""
    if name not in ("links.txt", "SHA256SUMS"):
        raise NotFound(f"an order has links.txt and SHA256SUMS, not {name!r}")
    user = bulk_user(conn, ctx, principal.user_pk)
    staged = archive.staging_set(conn, ctx, user, order_id)
    if name == "SHA256SUMS":
        body = "".join(f"{f.sha256}  {f.name}\n" for f, _ in staged)
    else:
        body = "".join(f"{origin(request)}{path}\n" for _, path in staged)
    return PlainTextResponse(body, headers={"Cache-Control": "private, no-store"})


@router.get("/admin/archive")
def archive_queue(request: Request, _: Admin, conn: PrimaryReader) -> Response:
    return render(request, "bulk_queue.html", orders=site.archive_queue(conn),
                  next_states=archive.NEXT)


@router.post("/admin/archive/{order_id}")
def archive_advance(ctx: BulkCtx, _: Admin, _csrf: Csrf, conn: Writer, order_id: int,
                    to: str = Form(""), note: str = Form("")) -> Response:
    archive.advance(conn, ctx, order_id, to, note)
    return RedirectResponse("/bulk/admin/archive", status_code=303)
