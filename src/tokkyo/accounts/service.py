"""Accounts: registration, approval, users, passwords, IDs, tokens, quota grants.

Every function takes an open connection and leaves committing to the caller (the request
or the CLI command is the unit of work).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.accounts import caps, tokens
from tokkyo.accounts.errors import (
    AccountError,
    InvalidCredentials,
    InvalidToken,
    InvalidUserId,
    NotFound,
)
from tokkyo.accounts.ids import check_user_id, issue_user_id
from tokkyo.accounts.passwords import (
    check_new_password,
    generate_password,
    hash_password,
    verify_password,
)
from tokkyo.accounts.policy import Policy
from tokkyo.store.repositories import logins, users
from tokkyo.store.repositories import tokens as token_rows
from tokkyo.store.repositories.users import ContactRow, UserRow

log = logging.getLogger("tokkyo.accounts")

ROLES = ("user", "provider", "admin")
SERVICES = ("api", "opd", "bulk", "archive")
ISSUABLE = ("submitted", "verifying", "approved")


@dataclass(frozen=True, slots=True)
class RegistrationForm:
    kind: str                       # corporate | individual
    name: str
    address: str
    contacts: Sequence[ContactRow]
    purpose: str
    consent_version: str
    desired_id: str = ""
    services: Sequence[str] = ("api",)


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    access_token: str
    refresh_token: str
    id_token: str
    session: str
    expires_in: int = tokens.ACCESS_SECONDS
    refresh_expires_in: int = tokens.REFRESH_SECONDS


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a valid access token speaks for."""

    user_pk: int
    login_id: str
    role: str
    api: bool
    opd: bool


def _user(conn: sa.Connection, login_id: str) -> UserRow:
    user = users.by_login(conn, login_id)
    if user is None:
        raise NotFound(f"no user with ID {login_id!r}")
    return user


def _free_id(conn: sa.Connection, wanted: str) -> str:
    check_user_id(wanted)
    if users.id_ever_issued(conn, wanted):
        raise InvalidUserId(f"ID {wanted!r} has been issued before; IDs are never reissued")
    return wanted


def _new_id(conn: sa.Connection) -> str:
    while users.id_ever_issued(conn, candidate := issue_user_id()):
        pass
    return candidate


def listing(conn: sa.Connection, status: str | None = None) -> list[UserRow]:
    """Users (and registrations) for the operators, optionally of one status."""
    return list(users.listing(conn, status))


def find_user(conn: sa.Connection, login_id: str) -> UserRow | None:
    """The user with that ID, if there is one."""
    return users.by_login(conn, login_id)


def user_by_pk(conn: sa.Connection, pk: int) -> UserRow:
    user = users.by_pk(conn, pk)
    if user is None:
        raise NotFound(f"no user {pk}")
    return user


def register(conn: sa.Connection, policy: Policy, form: RegistrationForm) -> int:
    """A registration request, waiting for an operator's approval (bulk.md §1.1, §1.2)."""
    if not policy.registration_open:
        raise AccountError("registration is closed")
    if form.kind not in ("corporate", "individual"):
        raise AccountError(f"kind {form.kind!r} is neither corporate nor individual")
    if not form.consent_version:
        raise AccountError("consent to the terms of use is required")
    if not 1 <= len(form.contacts) <= 3:
        raise AccountError(f"{len(form.contacts)} contacts given; give one to three")
    for contact in form.contacts:
        if "@" not in contact.email or not contact.phone or not contact.name:
            raise AccountError(f"contact {contact.name!r} needs a name, an e-mail address "
                               "and a phone number")
    if not form.purpose.strip():
        raise AccountError("the purpose of use is required")
    if form.desired_id:
        _free_id(conn, form.desired_id)
    unknown = set(form.services) - set(SERVICES)
    if unknown:
        raise AccountError(f"unknown services {sorted(unknown)}")
    now = policy.clock.now()
    pk = users.insert(conn, status="submitted", role="user", kind=form.kind, name=form.name,
                      address=form.address, purpose=form.purpose, desired_id=form.desired_id,
                      consent_version=form.consent_version, consent_at=now,
                      api="api" in form.services, opd="opd" in form.services,
                      bulk="bulk" in form.services, archive="archive" in form.services,
                      created_at=now, updated_at=now)
    users.set_contacts(conn, pk, list(form.contacts))
    return pk


def approve(conn: sa.Connection, policy: Policy, pk: int, login_id: str = "",
            password: str = "") -> tuple[str, str]:
    """Issue the ID (the wanted one if valid, else the given or a new one) and a password;
    returns both, to hand over once."""
    user = users.by_pk(conn, pk)
    if user is None:
        raise NotFound(f"no registration {pk}")
    if user.status not in ISSUABLE:
        raise AccountError(f"registration {pk} is {user.status}, not waiting for approval")
    chosen = login_id or user.desired_id
    new_id = _free_id(conn, chosen) if chosen else _new_id(conn)
    password = password or generate_password()
    now = policy.clock.now()
    users.update(conn, pk, login_id=new_id, status="active",
                 password_hash=hash_password(password), updated_at=now)
    users.record_id(conn, pk, new_id, now)
    return new_id, password


def reject(conn: sa.Connection, policy: Policy, pk: int, reason: str) -> None:
    user = users.by_pk(conn, pk)
    if user is None or user.status not in ISSUABLE:
        raise AccountError(f"registration {pk} is not waiting for a decision")
    users.update(conn, pk, status="rejected", note=reason, updated_at=policy.clock.now())


def add_user(conn: sa.Connection, policy: Policy, login_id: str, password: str,
             role: str = "user", name: str = "",
             services: Sequence[str] = SERVICES) -> int:
    """An approved, active user at once (scripts, operators), entitled to `services`."""
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    unknown = set(services) - set(SERVICES)
    if unknown:
        raise AccountError(f"unknown services {sorted(unknown)}; known: {', '.join(SERVICES)}")
    check_new_password(password)
    now = policy.clock.now()
    new_id = _free_id(conn, login_id)
    pk = users.insert(conn, login_id=new_id, status="active", role=role, kind="corporate",
                      name=name or new_id, password_hash=hash_password(password),
                      consent_version="operator", consent_at=now, created_at=now,
                      updated_at=now, **{s: s in services for s in SERVICES})
    users.record_id(conn, pk, new_id, now)
    return pk


def set_status(conn: sa.Connection, policy: Policy, login_id: str, status: str) -> None:
    """Suspend (revoking every token) or reactivate a user."""
    if status not in ("active", "suspended", "closed"):
        raise AccountError(f"status {status!r} is not active, suspended or closed")
    user = _user(conn, login_id)
    now = policy.clock.now()
    users.update(conn, user.id, status=status, updated_at=now)
    if status != "active":
        token_rows.revoke_all(conn, user.id, now)


def set_role(conn: sa.Connection, policy: Policy, login_id: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    users.update(conn, _user(conn, login_id).id, role=role, updated_at=policy.clock.now())


def reissue_password(conn: sa.Connection, policy: Policy, login_id: str, password: str = ""
                     ) -> str:
    """A new password (given or generated); every token of the user is revoked."""
    user = _user(conn, login_id)
    password = password or generate_password()
    now = policy.clock.now()
    users.update(conn, user.id, password_hash=hash_password(password), updated_at=now)
    token_rows.revoke_all(conn, user.id, now)
    return password


def change_id(conn: sa.Connection, policy: Policy, login_id: str, new_id: str = "") -> str:
    """Issue a new ID and delete the old one at the same moment: one user, one ID. All
    tokens of the old ID are revoked; today's quota counts carry over (they belong to the
    user); the old ID is never issued again (bulk.md §1.4)."""
    user = _user(conn, login_id)
    chosen = _free_id(conn, new_id) if new_id else _new_id(conn)
    now = policy.clock.now()
    users.update(conn, user.id, login_id=chosen, updated_at=now)
    users.retire_id(conn, login_id, now)
    users.record_id(conn, user.id, chosen, now)
    token_rows.revoke_all(conn, user.id, now)
    return chosen


def grant_quota(conn: sa.Connection, policy: Policy, login_id: str, law: str, operation: str,
                *, factor: int | None = None, cap: int | None = None, reason: str = "") -> None:
    """A larger cap for one operation: corporate 2× on at most three operations, information
    provider 5× on the document operations, or an explicit cap (HB1.4 §3(2))."""
    user = _user(conn, login_id)
    if (law, operation) not in policy.caps:
        raise AccountError(f"{law}/{operation} is not an operation with a daily cap")
    if factor == caps.CORPORATE_FACTOR:
        others = [g for g in users.grants_of(conn, user.id)
                  if g.factor == caps.CORPORATE_FACTOR and (g.law, g.operation) != (law, operation)]
        if len(others) >= caps.MAX_CORPORATE_OPERATIONS:
            raise AccountError(f"{login_id} already has 2x on {caps.MAX_CORPORATE_OPERATIONS} "
                               "operations, the most a corporate user may have")
    elif factor == caps.PROVIDER_FACTOR:
        if operation not in caps.DOCUMENT_OPERATIONS:
            raise AccountError("5x is for the three document operations only")
        if user.role != "provider" or not user.bulk:
            raise AccountError(f"{login_id} is not an information provider with a bulk-site "
                               "registration")
    elif factor is not None:
        raise AccountError(f"factor {factor} is neither 2 (corporate) nor 5 (provider)")
    users.set_grant(conn, user.id, law, operation, factor=factor, cap=cap, reason=reason)


def daily_cap(conn: sa.Connection, policy: Policy, principal: Principal, service: str,
              law: str, operation: str) -> int:
    if service == "opd":
        return policy.default_cap(service, law, operation)
    for grant in users.grants_of(conn, principal.user_pk):
        if (grant.law, grant.operation) == (law, operation):
            if grant.cap is not None:
                return grant.cap
            return policy.default_cap(service, law, operation) * (grant.factor or 1)
    return policy.default_cap(service, law, operation)


# --- logging in ---------------------------------------------------------------------------

def _issue(conn: sa.Connection, policy: Policy, user: UserRow, session: str) -> TokenAnswer:
    now = policy.clock.now()
    access = tokens.new_token(tokens.ACCESS_PREFIX)
    refresh = tokens.new_token(tokens.REFRESH_PREFIX)
    for kind, token, seconds in (("access", access, tokens.ACCESS_SECONDS),
                                 ("refresh", refresh, tokens.REFRESH_SECONDS)):
        token_rows.insert(conn, user_pk=user.id, kind=kind,
                          token_hash=tokens.token_hash(policy.secret, token), session=session,
                          issued_at=now, expires_at=now + dt.timedelta(seconds=seconds))
    assert user.login_id is not None
    return TokenAnswer(access, refresh, tokens.id_token(policy.secret, issuer=policy.issuer,
                                                        user_id=user.login_id,
                                                        session=session, now=now), session)


def login(conn: sa.Connection, policy: Policy, login_id: str, password: str, ip: str = ""
          ) -> TokenAnswer:
    """The password grant. Wrong ID, wrong password, a locked, suspended or unapproved ID
    all raise the same `InvalidCredentials`; failures lock the typed ID for a while, and
    many failures from one client address (`ip`, whatever IDs it tries) lock every login
    from it for as long. The failure is recorded before the error is raised: the caller
    commits in both cases."""
    now = policy.clock.now()
    locked = logins.locked_until(conn, login_id)
    address = _address_key(ip)
    address_locked = logins.locked_until(conn, address) if address else None
    user = users.by_login(conn, login_id)
    good = verify_password(user.password_hash if user else None, password)
    if address_locked is not None and address_locked > now:
        log.warning("login refused: address %s is locked until %s", ip,
                    address_locked.isoformat())
        raise InvalidCredentials("Invalid user credentials")
    if locked is not None and locked > now:
        log.warning("login refused: ID %r is locked until %s", login_id, locked.isoformat())
        raise InvalidCredentials("Invalid user credentials")
    if not good or user is None or user.status != "active":
        # a typed "ID" with a colon is no one's (IDs are 0-9a-z._-), and must not touch
        # an address's row
        if ":" not in login_id and logins.record_failure(
                conn, login_id, now, window=policy.failure_window, limit=policy.max_failures,
                lock_for=policy.lockout):
            log.warning("ID %r locked for %s after %d failed logins", login_id,
                        policy.lockout, policy.max_failures)
        if address and logins.record_failure(
                conn, address, now, window=policy.failure_window,
                limit=policy.max_failures_per_ip, lock_for=policy.lockout):
            log.warning("address %s locked for %s after %d failed logins", ip,
                        policy.lockout, policy.max_failures_per_ip)
        raise InvalidCredentials("Invalid user credentials")
    logins.clear(conn, login_id)
    return _issue(conn, policy, user, tokens.new_session())


def _address_key(ip: str) -> str:
    """The failed-login row of a client address (a colon keeps it apart from every ID)."""
    return f"ip:{ip}" if ip else ""


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """The outcome of a token request: the tokens, or why it was refused ("credentials",
    "token" or "grant")."""

    answer: TokenAnswer | None
    refused: str = ""


def grant_token(conn: sa.Connection, policy: Policy, grant: str, form: Mapping[str, str],
                ip: str = "") -> TokenGrant:
    """An OAuth2 token request (password or refresh_token grant). A refusal is an outcome,
    not an error: the failed login it recorded must be committed with the request (it
    counts towards the lockout)."""
    try:
        if grant == "password":
            return TokenGrant(login(conn, policy, form.get("username", ""),
                                    form.get("password", ""), ip))
        if grant == "refresh_token":
            return TokenGrant(refresh(conn, policy, form.get("refresh_token", "")))
    except InvalidCredentials:
        return TokenGrant(None, "credentials")
    except InvalidToken:
        return TokenGrant(None, "token")
    return TokenGrant(None, "grant")


def refresh(conn: sa.Connection, policy: Policy, refresh_token: str) -> TokenAnswer:
    row = token_rows.find(conn, tokens.token_hash(policy.secret, refresh_token))
    now = policy.clock.now()
    if (row is None or row.kind != "refresh" or row.revoked_at is not None
            or row.expires_at <= now or row.user_status != "active"):
        raise InvalidToken("Token is not active")
    user = users.by_pk(conn, row.user_id)
    assert user is not None
    return _issue(conn, policy, user, row.session)


def authenticate(conn: sa.Connection, policy: Policy, access_token: str, service: str
                 ) -> Principal:
    """The user a Bearer access token speaks for, entitled to `service` (api or opd; for
    bulk the caller checks the entitlement)."""
    row = token_rows.find(conn, tokens.token_hash(policy.secret, access_token))
    now = policy.clock.now()
    if row is None or row.kind != "access":
        raise InvalidToken("unknown token")
    if row.revoked_at is not None:
        raise InvalidToken("revoked token")
    if row.expires_at <= now:
        raise InvalidToken("expired token")
    if row.user_status != "active" or row.login_id is None:
        raise InvalidToken("account not active")
    # api and opd are checked here; other services (bulk) check their own entitlement
    if not {"api": row.api, "opd": row.opd}.get(service, True):
        raise InvalidToken(f"account not entitled to {service}")
    return Principal(row.user_id, row.login_id, row.role, row.api, row.opd)


def session_user(conn: sa.Connection, policy: Policy, refresh_token: str) -> Principal:
    """The user of a portal session (the refresh token of a password login, kept in an
    HttpOnly cookie): InvalidToken when it is unknown, revoked, expired or not active."""
    row = token_rows.find(conn, tokens.token_hash(policy.secret, refresh_token))
    if (row is None or row.kind != "refresh" or row.revoked_at is not None
            or row.expires_at <= policy.clock.now() or row.user_status != "active"
            or row.login_id is None):
        raise InvalidToken("no active session")
    return Principal(row.user_id, row.login_id, row.role, row.api, row.opd)


def end_session(conn: sa.Connection, policy: Policy, refresh_token: str) -> None:
    """Sign out: revoke every token of the session the refresh token belongs to."""
    row = token_rows.find(conn, tokens.token_hash(policy.secret, refresh_token))
    if row is not None:
        token_rows.revoke_session(conn, row.session, policy.clock.now())
