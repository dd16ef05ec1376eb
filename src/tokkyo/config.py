"""Settings: one declarative table read from `TOKKYO_*` environment variables.

The table feeds the environment, the CLI (`tokkyo settings`) and the docs; a test checks
that every setting is documented in README.md. Settings are built by `load_settings()`
inside `create_app` and the CLI, never at import time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tokkyo.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return "TOKKYO_" + self.name.upper()


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{text!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def _workers(text: str) -> int | None:
    if text.strip().lower() in {"", "auto"}:
        return None
    value = int(text)
    if value < 0:
        raise ValueError(f"{text!r} must be 'auto' or a whole number of processes (0 or more)")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(f"{text!r} must be a positive integer")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./tokkyo-data",
            "Folder for the embedded SQLite database, the blob store and other local state.",
            str),
    Setting("database_url", "",
            "SQLAlchemy URL of the store. Empty: a SQLite file `tokkyo.sqlite3` in the data "
            "folder. PostgreSQL: `postgresql+psycopg://user@host/db`."),
    Setting("blob_dir", "",
            "Folder of the content-addressed blob store (original files and document bodies). "
            "Empty: `blobs/` in the data folder."),
    Setting("ingest_batch_size", 200,
            "Files loaded per batch; a batch commits whole or not at all.", _positive_int),
    Setting("ingest_workers", None,
            "Reader processes beside the writer during ingest: `auto` (one per CPU, at most "
            "4), or a number; 0 reads in the ingest process itself.", _workers),
    Setting("sql_echo", False, "Log every SQL statement (debugging).", _bool),
    Setting("secret_key", "",
            "Key for token hashes, signed links and id_tokens. Empty: a random key kept in "
            "`secret.key` in the data folder. Set it when several servers share a database."),
    Setting("public_origin", "",
            "Origin clients reach this server at (e.g. https://ip-data.example.org), for "
            "links in answers. Empty: the origin of each request."),
    Setting("token_path", "/auth/token", "Path of the OAuth2 token endpoint."),
    Setting("now", "",
            "A fixed instant for the clock (ISO 8601 with offset), for tests and demos of "
            "the 00:00 JST quota reset. Empty: the system clock."),
    Setting("login_max_failures", 5,
            "Failed logins within the lockout time that lock an ID.", _positive_int),
    Setting("login_lockout_minutes", 15,
            "How long a locked ID stays locked (and the window failures are counted in).",
            _positive_int),
    Setting("quota_multiplier", 1,
            "Multiplier on every default daily cap (JPO doubled its caps in 2026).",
            _positive_int),
    Setting("quota_caps", "",
            "Default daily caps that differ from the handbook's, as LAW/OPERATION=NUMBER "
            "separated by commas (patent/app_progress=800)."),
    Setting("rate_limit_per_minute", 10,
            "Requests per rolling 60 s per ID across the domestic operations.", _positive_int),
    Setting("opd_rate_limit_per_minute", 5, "Requests per rolling 60 s per ID for OPD.",
            _positive_int),
    Setting("access_log_retention_days", 395, "Days the access log keeps its entries.",
            _positive_int),
    Setting("registration_open", True, "Whether the registration form takes new requests.",
            _bool),
    Setting("bundle_link_threshold", 10 * 1024 * 1024,
            "Document ZIPs larger than this many bytes are answered with a signed link.",
            _positive_int),
    Setting("signed_link_seconds", 300, "How long a signed download link stays valid.",
            _positive_int),
    Setting("api_timeout_ms", 20000,
            "How long (milliseconds) an API call may wait for the database before it "
            "answers 302.", _positive_int),
    Setting("csv_max_rows", 3000,
            "Most rows a result-list CSV without abstracts may have (portal.md §6).",
            _positive_int),
    Setting("csv_max_rows_with_abstract", 500,
            "Most rows a result-list CSV with abstracts may have.", _positive_int),
    Setting("bulk_link_hours", 24,
            "How long a bulk download link stays valid (any number of range requests).",
            _positive_int),
    Setting("bulk_archive_link_days", 30,
            "How long the download links of a ready archive order's staging set stay "
            "valid (bulk.md §7).", _positive_int),
    Setting("bulk_link_kid", 1,
            "Key id new bulk links are sealed with; raise it to rotate keys (older ids "
            "stay valid until their links expire).", _positive_int),
    Setting("bulk_revoked_kids", "",
            "Key ids whose bulk links are refused at once, separated by commas."),
    Setting("bulk_terms_version", "2026-04",
            "Version of the bulk terms of use; users accept a new version before their "
            "next download."),
    Setting("bulk_max_downloads", 4,
            "Downloads one user may run at the same time (across the server processes).",
            _positive_int),
    Setting("host", "127.0.0.1", "Address `tokkyo serve` listens on."),
    Setting("port", 8000, "Port `tokkyo serve` listens on.", _positive_int),
)


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: str = "./tokkyo-data"
    database_url: str = ""
    blob_dir: str = ""
    ingest_batch_size: int = 200
    ingest_workers: int | None = None
    sql_echo: bool = False
    secret_key: str = ""
    public_origin: str = ""
    token_path: str = "/auth/token"
    now: str = ""
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    quota_multiplier: int = 1
    quota_caps: str = ""
    rate_limit_per_minute: int = 10
    opd_rate_limit_per_minute: int = 5
    access_log_retention_days: int = 395
    registration_open: bool = True
    bundle_link_threshold: int = 10 * 1024 * 1024
    signed_link_seconds: int = 300
    api_timeout_ms: int = 20000
    csv_max_rows: int = 3000
    csv_max_rows_with_abstract: int = 500
    bulk_link_hours: int = 24
    bulk_archive_link_days: int = 30
    bulk_link_kid: int = 1
    bulk_revoked_kids: str = ""
    bulk_terms_version: str = "2026-04"
    bulk_max_downloads: int = 4
    host: str = "127.0.0.1"
    port: int = 8000
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_path / 'tokkyo.sqlite3').resolve()}"

    @property
    def blob_path(self) -> Path:
        return Path(self.blob_dir).expanduser() if self.blob_dir else self.data_path / "blobs"

    def replace(self, **changes: Any) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then `TOKKYO_*` variables, then explicit overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env)
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env}={raw!r}: {exc}") from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
