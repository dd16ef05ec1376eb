"""Tables of accounts: users, their IDs, contacts, quota grants, tokens, login failures,
quota counters, per-minute rate events and the access log."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables.base import id_column, metadata, text
from tokkyo.store.types import UTCDateTime, now_utc, one_of, sha256_check

USER_STATES = ("submitted", "verifying", "approved", "active", "suspended", "rejected",
               "closed")
ROLES = ("user", "provider", "admin")
LOGIN_ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz._-"


def user_fk() -> sa.Column[int]:
    return sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                     nullable=False, index=True)


users = sa.Table(
    "users", metadata,
    id_column(),
    sa.Column("login_id", sa.Text, nullable=True, unique=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False, default="user"),
    sa.Column("kind", sa.Text, nullable=False, default="corporate"),
    text("name"),
    text("address"),
    text("purpose"),
    text("desired_id"),
    text("consent_version"),
    sa.Column("consent_at", UTCDateTime, nullable=True),
    sa.Column("api", sa.Boolean, nullable=False, default=True),
    sa.Column("opd", sa.Boolean, nullable=False, default=True),
    sa.Column("bulk", sa.Boolean, nullable=False, default=False),
    sa.Column("archive", sa.Boolean, nullable=False, default=False),
    sa.Column("password_hash", sa.Text, nullable=True),
    text("note"),
    sa.Column("created_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=now_utc, onupdate=now_utc),
    sa.CheckConstraint(one_of("status", USER_STATES), name="status_known"),
    sa.CheckConstraint(one_of("role", ROLES), name="role_known"),
    sa.CheckConstraint(one_of("kind", ("corporate", "individual")), name="kind_known"),
    sa.CheckConstraint("login_id IS NULL OR (length(login_id) BETWEEN 8 AND 15 AND "
                       f"ltrim(login_id, '{LOGIN_ID_CHARS}') = '')", name="login_id_form"),
    sa.CheckConstraint("status NOT IN ('approved', 'active', 'suspended') OR login_id IS NOT "
                       "NULL", name="issued_users_have_an_id"),
)

# Every ID ever issued, so that none is issued twice (bulk.md §1.3, §1.4).
user_ids = sa.Table(
    "user_ids", metadata,
    sa.Column("login_id", sa.Text, primary_key=True),
    user_fk(),
    sa.Column("issued_at", UTCDateTime, nullable=False, default=now_utc),
    sa.Column("retired_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(f"length(login_id) BETWEEN 8 AND 15 AND ltrim(login_id, "
                       f"'{LOGIN_ID_CHARS}') = ''", name="login_id_form"),
)

contacts = sa.Table(
    "contacts", metadata,
    id_column(),
    user_fk(),
    sa.Column("position", sa.Integer, nullable=False),
    text("department"),
    text("title"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("phone", sa.Text, nullable=False),
    sa.UniqueConstraint("user_id", "position"),
    sa.CheckConstraint("position BETWEEN 0 AND 2", name="at_most_three"),
    sa.CheckConstraint("email LIKE '%_@_%'", name="email_form"),
)

quota_grants = sa.Table(
    "quota_grants", metadata,
    user_fk(),
    sa.Column("law", sa.Text, nullable=False),
    sa.Column("operation", sa.Text, nullable=False),
    sa.Column("factor", sa.Integer, nullable=True),
    sa.Column("cap", sa.Integer, nullable=True),
    text("reason"),
    sa.PrimaryKeyConstraint("user_id", "law", "operation"),
    sa.CheckConstraint("factor IS NULL OR factor IN (2, 5)", name="factor_known"),
    sa.CheckConstraint("cap IS NULL OR cap >= 0", name="cap_not_negative"),
)

tokens = sa.Table(
    "tokens", metadata,
    id_column(),
    user_fk(),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),
    sa.Column("session", sa.Text, nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(one_of("kind", ("access", "refresh")), name="kind_known"),
    sa.CheckConstraint(sha256_check("token_hash"), name="token_hash_hex"),
)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("login_id", sa.Text, primary_key=True),   # as typed; may name no user
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("first_at", UTCDateTime, nullable=False),
    sa.Column("locked_until", UTCDateTime, nullable=True),
)

quota_counters = sa.Table(
    "quota_counters", metadata,
    user_fk(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("law", sa.Text, nullable=False),
    sa.Column("operation", sa.Text, nullable=False),
    sa.Column("used", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("user_id", "day", "law", "operation"),
    sa.CheckConstraint("used >= 0", name="used_not_negative"),
)

rate_events = sa.Table(
    "rate_events", metadata,
    id_column(),
    user_fk(),
    sa.Column("family", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_rate_events_user_family_at", "user_id", "family", "at"),
    sa.CheckConstraint(one_of("family", ("domestic", "opd")), name="family_known"),
)

access_log = sa.Table(
    "access_log", metadata,
    id_column(),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    text("login_id"),
    text("ip"),
    sa.Column("service", sa.Text, nullable=False),
    text("law"),
    sa.Column("operation", sa.Text, nullable=False),
    text("status_code"),
    sa.Column("http_status", sa.Integer, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False, default=0),
    text("request_id"),
)

