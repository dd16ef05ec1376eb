"""Who may download what: entitlement, terms of use, and the checks every link passes
on every request (bulk.md §2, §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.accounts.policy import Policy
from tokkyo.bulk import links
from tokkyo.bulk.errors import LinkRefused, NotEntitled, NotFound, TermsNotAccepted
from tokkyo.bulk.publish import SUPERSEDED_GRACE
from tokkyo.bulk.slots import DownloadSlots, slots_for
from tokkyo.config import Settings
from tokkyo.model import urls
from tokkyo.store.blobs import BlobStore, open_blob_store
from tokkyo.store.database import Database
from tokkyo.store.repositories import bulk_activity, users
from tokkyo.store.repositories import products as rows
from tokkyo.store.repositories.users import UserRow


@dataclass(frozen=True, slots=True)
class BulkContext:
    settings: Settings
    database: Database
    policy: Policy
    keys: links.LinkKeys
    blobs: BlobStore
    link_lifetime: dt.timedelta
    terms_version: str
    archive_link_lifetime: dt.timedelta
    slots: DownloadSlots

    @classmethod
    def build(cls, settings: Settings, database: Database, policy: Policy) -> BulkContext:
        return cls(settings, database, policy,
                   links.LinkKeys(policy.secret, settings.bulk_link_kid,
                                  settings.bulk_revoked_kids),
                   open_blob_store(settings),
                   dt.timedelta(hours=settings.bulk_link_hours), settings.bulk_terms_version,
                   dt.timedelta(days=settings.bulk_archive_link_days),
                   slots_for(database, settings.data_path))

    def now(self) -> dt.datetime:
        return self.policy.clock.now()


def bulk_user(conn: sa.Connection, ctx: BulkContext, user_pk: int, *,
              check_terms: bool = True) -> UserRow:
    """The user, if active, entitled to bulk data and (unless asked not to) bound by the
    current terms; NotEntitled or TermsNotAccepted otherwise."""
    user = users.by_pk(conn, user_pk)
    if user is None or user.status != "active" or not user.login_id:
        raise NotEntitled("this account is not active")
    if not user.bulk and user.role != "admin":
        raise NotEntitled("this account is not registered for bulk data; ask for the bulk "
                          "service on the registration form")
    if check_terms and user.consent_version not in (ctx.terms_version, "operator"):
        raise TermsNotAccepted(f"the terms of use changed (version {ctx.terms_version}); "
                               "accept them at /bulk/terms before downloading")
    return user


def accept_terms(conn: sa.Connection, ctx: BulkContext, user_pk: int) -> None:
    users.update(conn, user_pk, consent_version=ctx.terms_version, consent_at=ctx.now())


def link_path(conn: sa.Connection, ctx: BulkContext, user: UserRow, file_id: int,
              lifetime: dt.timedelta | None = None) -> str:
    """A fresh signed download path for the user and the file (valid for `lifetime`,
    default the site's link lifetime)."""
    row = rows.file(conn, file_id)
    if row is None:
        raise NotFound(f"no file {file_id}")
    _downloadable(row, ctx.now())
    token, _ = links.issue(ctx.keys, row.id, row.sha256, user.id,
                           links.fingerprint(ctx.policy.secret, user.login_id or "",
                                             user.password_hash or ""),
                           ctx.now(), lifetime or ctx.link_lifetime)
    return urls.bulk_download(token, row.name)


def _downloadable(row: sa.Row, now: dt.datetime) -> None:
    if row.status == "withdrawn" or (
            row.status == "superseded" and row.superseded_at is not None
            and row.superseded_at < now - SUPERSEDED_GRACE):
        raise LinkRefused("withdrawn", f"{row.name} has been withdrawn; its replacement is "
                          "listed in the release's manifest", status=410)


@dataclass(frozen=True, slots=True)
class Grant:
    link: links.Link
    file: sa.Row
    user: UserRow


def check_link(conn: sa.Connection, ctx: BulkContext, token: str) -> Grant:
    """Everything bulk.md §4 checks on every request; LinkRefused (403/410) otherwise."""
    now = ctx.now()
    link = links.open_token(ctx.keys, token, now)
    if bulk_activity.is_revoked(conn, link.link_id):
        raise LinkRefused("revoked", "this download link has been revoked; ask for a new one")
    user = users.by_pk(conn, link.user_pk)
    if user is None or not user.login_id or link.fingerprint != links.fingerprint(
            ctx.policy.secret, user.login_id, user.password_hash or ""):
        raise LinkRefused("revoked", "this download link belongs to credentials that have "
                          "changed; sign in and ask for a new one")
    try:
        bulk_user(conn, ctx, user.id)
    except (NotEntitled, TermsNotAccepted) as exc:
        raise LinkRefused("not-entitled", str(exc)) from None
    row = rows.file(conn, link.file_id)
    if row is None or not row.sha256.startswith(link.sha_prefix):
        raise LinkRefused("invalid", "this download link is not valid")
    _downloadable(row, now)
    return Grant(link, row, user)
