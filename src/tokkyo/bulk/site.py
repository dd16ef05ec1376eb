"""What the bulk site's pages and catalogue read (bulk.md §2, §3): the service between its
routes and the repositories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidToken
from tokkyo.bulk import archive, catalog, manifests, status
from tokkyo.bulk.access import BulkContext, bulk_user
from tokkyo.bulk.errors import BulkError, NotFound
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows
from tokkyo.store.repositories.users import ContactRow, UserRow

INCIDENT_DAYS = dt.timedelta(days=90)
ANNOUNCEMENT_CATEGORIES = bulk_activity.ANNOUNCEMENT_CATEGORIES


class TokenRefused(NotFound):
    """A catalogue call whose Bearer token is missing or not valid (401)."""

    status = 401
    reason = "unauthenticated"


def token_user(conn: sa.Connection, ctx: BulkContext, authorization: str) -> UserRow:
    """The bulk user an `Authorization: Bearer …` header speaks for."""
    if not authorization.lower().startswith("bearer "):
        raise TokenRefused("a Bearer access token is needed (POST /auth/token)")
    try:
        principal = accounts.authenticate(conn, ctx.policy, authorization[7:].strip(), "bulk")
    except InvalidToken as exc:
        raise TokenRefused(f"the token is not valid ({exc})") from None
    return bulk_user(conn, ctx, principal.user_pk)


def token_caller(conn: sa.Connection, ctx: BulkContext, authorization: str) -> int | None:
    """The user a Bearer header belongs to, if it holds a valid token (None otherwise)."""
    if not authorization.lower().startswith("bearer "):
        return None
    try:
        return accounts.authenticate(conn, ctx.policy, authorization[7:].strip(),
                                     "bulk").user_pk
    except InvalidToken:
        return None


def product_listing(conn: sa.Connection) -> list[Any]:
    return list(rows.product_listing(conn))


def products_with_releases(conn: sa.Connection, limit: int = 3) -> list[tuple[Any, Any]]:
    """Each product with its newest `limit` releases."""
    return [(p, rows.releases_of(conn, p.id, limit=limit)) for p in rows.product_listing(conn)]


def has_release(conn: sa.Connection, product_id: str) -> bool:
    return bool(rows.releases_of(conn, product_id, limit=1))


def home(conn: sa.Connection, now: dt.datetime, user_pk: int | None
         ) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Products with their newest releases, the latest news, and the user's downloads
    whose files have since been replaced."""
    listing = products_with_releases(conn)
    news = bulk_activity.announcements_until(conn, now, limit=5)
    replaced = ([d for d in bulk_activity.downloads_of(conn, user_pk) if d.status != "current"]
                if user_pk is not None else [])
    return listing, list(news), list({d.file_id: d for d in replaced}.values())


def statuses(conn: sa.Connection, now: dt.datetime
             ) -> tuple[list[tuple[Any, status.ProductStatus, Any]], list[Any]]:
    """Per product, the last publishing run against its schedule and its newest release;
    the incidents of the last 90 days."""
    products = [(p, status.status_of(catalog.BY_ID[p.id].due if p.id in catalog.BY_ID
                                     else None, p.last_run_at, now),
                 next(iter(rows.releases_of(conn, p.id, limit=1)), None))
                for p in rows.product_listing(conn)]
    return products, list(bulk_activity.incidents_since(conn, now - INCIDENT_DAYS, now))


def product(conn: sa.Connection, product_id: str) -> tuple[Any, list[tuple[Any, Any]]]:
    row = rows.product(conn, product_id)
    if row is None:
        raise NotFound(f"no product {product_id!r}")
    return row, [(r, rows.files_of(conn, r.id)) for r in rows.releases_of(conn, product_id)]


class BadRequest(BulkError):
    status = 422
    reason = "bad-request"


def releases_since(conn: sa.Connection, product_id: str, since: str = ""
                   ) -> list[dict[str, Any]]:
    """The manifests of a product's releases, of `since` (YYYY-MM-DD) and after."""
    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise BadRequest(f"since={since!r} is not YYYY-MM-DD") from None
    if rows.product(conn, product_id) is None:
        raise NotFound(f"no product {product_id!r}")
    return [manifests.manifest(conn, r.id) for r in rows.releases_of(conn, product_id, day)]


def release(conn: sa.Connection, release_id: str) -> tuple[dict[str, Any], Any]:
    manifest = manifests.manifest(conn, release_id)
    return manifest, rows.product(conn, manifest["product"])


def file_history(conn: sa.Connection, file_id: int) -> tuple[Any, Sequence[Any]]:
    row = rows.file(conn, file_id)
    if row is None:
        raise NotFound(f"no file {file_id}")
    return row, rows.history_of(conn, file_id)


def announcements(conn: sa.Connection, now: dt.datetime, limit: int = 50) -> list[Any]:
    return list(bulk_activity.announcements_until(conn, now, limit=limit))


def downloads_of(conn: sa.Connection, user_pk: int) -> list[Any]:
    return list(bulk_activity.downloads_of(conn, user_pk))


def archive_page(conn: sa.Connection, user_pk: int
                 ) -> tuple[Any, list[Any], dict[int, list[Any]]]:
    """The archive units, the user's orders and the files of those ready."""
    orders = list(bulk_activity.orders(conn, user_pk))
    ready = {o.id: archive.files_of_order(conn, o.id) for o in orders
             if o.status in ("ready", "delivered")}
    return rows.units_of(conn), orders, ready


def archive_queue(conn: sa.Connection) -> list[Any]:
    return list(bulk_activity.orders(conn))


def maintenance_now(conn: sa.Connection, now: dt.datetime) -> Any | None:
    """The maintenance window downloads are paused for now, if any."""
    for window in bulk_activity.maintenance_windows(conn, now):
        if window.starts_at is not None and window.starts_at <= now:
            return window
    return None


def log_download(conn: sa.Connection, **entry: Any) -> None:
    bulk_activity.log_download(conn, **entry)


def accepted_terms(conn: sa.Connection, ctx: BulkContext, user_pk: int) -> str:
    """The terms version the user accepted ("" when the account may not use the site)."""
    try:
        return bulk_user(conn, ctx, user_pk, check_terms=False).consent_version or ""
    except BulkError:
        return ""


def registration_form(value: Mapping[str, str], terms_version: str
                      ) -> accounts.RegistrationForm:
    """The registration as the bulk site's form sends it (up to three contacts)."""
    contacts = [ContactRow(i, value.get(f"c{i}_department", ""), value.get(f"c{i}_title", ""),
                           value.get(f"c{i}_name", "").strip(),
                           value.get(f"c{i}_email", "").strip(),
                           value.get(f"c{i}_phone", "").strip())
                for i in range(3) if value.get(f"c{i}_name", "").strip()]
    services = [s for s in ("api", "opd", "bulk", "archive") if value.get(f"s_{s}")]
    return accounts.RegistrationForm(
        kind=value.get("kind", "corporate"), name=value.get("name", "").strip(),
        address=value.get("address", "").strip(), contacts=contacts,
        purpose=value.get("purpose", ""),
        consent_version=terms_version if value.get("consent") else "",
        desired_id=value.get("desired_id", "").strip(), services=services or ["bulk"])


def announce(conn: sa.Connection, now: dt.datetime, category: str, **texts: Any) -> int:
    """Post an announcement (a maintenance window, with `starts_at` and `ends_at`, pauses
    downloads with 503); `category` is one of ANNOUNCEMENT_CATEGORIES."""
    pk: int = bulk_activity.announce(conn, published_at=now, category=category, **texts)
    return pk


def revoke_link(conn: sa.Connection, link_id: str, now: dt.datetime) -> None:
    """Refuse one download link from now on."""
    user = bulk_activity.user_of_link(conn, link_id)
    if user is None:
        raise NotFound(f"no download with link id {link_id!r} in the log")
    bulk_activity.revoke_link(conn, link_id, user, now)
