"""The accounts' settings, resolved once from the application settings (whose table
also gives the defaults of a `Policy` built in code)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from tokkyo.accounts.caps import DEFAULT_CAPS, OPD_CAPS
from tokkyo.accounts.clock import Clock, parse_instant
from tokkyo.config import Settings
from tokkyo.errors import ConfigError

#: The settings' defaults: where the policy's own defaults come from (no second copy).
_DEFAULT = Settings()


@dataclass(frozen=True, slots=True)
class Policy:
    secret: bytes
    clock: Clock = field(default_factory=Clock)
    issuer: str = "tokkyo"
    max_failures: int = _DEFAULT.login_max_failures
    max_failures_per_ip: int = _DEFAULT.login_max_failures_per_ip
    failure_window: dt.timedelta = dt.timedelta(minutes=_DEFAULT.login_lockout_minutes)
    lockout: dt.timedelta = dt.timedelta(minutes=_DEFAULT.login_lockout_minutes)
    quota_multiplier: int = _DEFAULT.quota_multiplier
    caps: dict[tuple[str, str], int] = field(default_factory=lambda: caps_of(_DEFAULT))
    rate_limits: dict[str, int] = field(default_factory=lambda: {
        "domestic": _DEFAULT.rate_limit_per_minute, "opd": _DEFAULT.opd_rate_limit_per_minute})
    rate_window: dt.timedelta = dt.timedelta(seconds=60)
    log_retention: dt.timedelta = dt.timedelta(days=_DEFAULT.access_log_retention_days)
    registration_open: bool = _DEFAULT.registration_open

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            secret=server_secret(settings),
            clock=Clock(parse_instant(settings.now) if settings.now else None),
            issuer=settings.public_origin or "tokkyo",
            max_failures=settings.login_max_failures,
            max_failures_per_ip=settings.login_max_failures_per_ip,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
            failure_window=dt.timedelta(minutes=settings.login_lockout_minutes),
            quota_multiplier=settings.quota_multiplier,
            caps=caps_of(settings),
            rate_limits={"domestic": settings.rate_limit_per_minute,
                         "opd": settings.opd_rate_limit_per_minute},
            log_retention=dt.timedelta(days=settings.access_log_retention_days),
            registration_open=settings.registration_open,
        )

    def default_cap(self, service: str, law: str, operation: str) -> int:
        if service == "opd":
            return OPD_CAPS[operation]
        return self.caps[(law, operation)] * self.quota_multiplier


def caps_of(settings: Settings) -> dict[tuple[str, str], int]:
    """The handbook's daily caps with the settings' changes (`TOKKYO_QUOTA_CAPS`, parsed
    by the settings table); ConfigError for an operation that has no daily cap."""
    caps = dict(DEFAULT_CAPS)
    for law, operation, cap in settings.quota_caps:
        if (law, operation) not in DEFAULT_CAPS:
            raise ConfigError(f"TOKKYO_QUOTA_CAPS: {law}/{operation} is not an operation "
                              "with a daily cap (e.g. patent/app_progress=800)")
        caps[(law, operation)] = cap
    return caps


def server_secret(settings: Settings) -> bytes:
    """The key for token hashes, signed links and id_tokens: the setting, or a random key
    kept in the data folder (created once, readable by its owner only)."""
    if settings.secret_key:          # at least 32 characters (the settings table checks)
        return settings.secret_key.encode("utf-8")
    path = Path(settings.data_path) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), "utf-8")
    return path.read_text("utf-8").strip().encode("utf-8")
