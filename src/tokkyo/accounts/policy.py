"""The accounts' settings, resolved once from the application settings."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from tokkyo.accounts.caps import DEFAULT_CAPS, OPD_CAPS
from tokkyo.accounts.clock import Clock, parse_instant
from tokkyo.config import Settings
from tokkyo.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Policy:
    secret: bytes
    clock: Clock = field(default_factory=Clock)
    issuer: str = "tokkyo"
    max_failures: int = 5
    failure_window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    quota_multiplier: int = 1
    caps: dict[tuple[str, str], int] = field(default_factory=lambda: dict(DEFAULT_CAPS))
    rate_limits: dict[str, int] = field(default_factory=lambda: {"domestic": 10, "opd": 5})
    rate_window: dt.timedelta = dt.timedelta(seconds=60)
    log_retention: dt.timedelta = dt.timedelta(days=395)
    registration_open: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        caps = dict(DEFAULT_CAPS)
        caps.update(parse_caps(settings.quota_caps))
        return cls(
            secret=server_secret(settings),
            clock=Clock(parse_instant(settings.now) if settings.now else None),
            issuer=settings.public_origin or "tokkyo",
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
            failure_window=dt.timedelta(minutes=settings.login_lockout_minutes),
            quota_multiplier=settings.quota_multiplier,
            caps=caps,
            rate_limits={"domestic": settings.rate_limit_per_minute,
                         "opd": settings.opd_rate_limit_per_minute},
            log_retention=dt.timedelta(days=settings.access_log_retention_days),
            registration_open=settings.registration_open,
        )

    def default_cap(self, service: str, law: str, operation: str) -> int:
        if service == "opd":
            return OPD_CAPS[operation]
        return self.caps[(law, operation)] * self.quota_multiplier


def parse_caps(text: str) -> dict[tuple[str, str], int]:
    """`patent/app_progress=800, design/app_progress=400` → {(law, operation): cap}."""
    caps: dict[tuple[str, str], int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        law, _, operation = key.strip().partition("/")
        if (law, operation) not in DEFAULT_CAPS or not value.strip().isdigit():
            raise ValueError(f"quota cap {part!r} is not LAW/OPERATION=NUMBER for a known "
                             "operation (e.g. patent/app_progress=800)")
        caps[(law, operation)] = int(value)
    return caps


def server_secret(settings: Settings) -> bytes:
    """The key for token hashes, signed links and id_tokens: the setting, or a random key
    kept in the data folder (created once, readable by its owner only)."""
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise ConfigError("TOKKYO_SECRET_KEY must be at least 32 characters (it signs "
                              "tokens and links)")
        return settings.secret_key.encode("utf-8")
    path = Path(settings.data_path) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), "utf-8")
    return path.read_text("utf-8").strip().encode("utf-8")
