"""Settings: one declarative table read from `TOKKYO_*` environment variables.

The table is the `Settings` dataclass: each field is one setting, declared once with its
type, default, help and the parser of its environment text (`setting(...)`). `SETTINGS`,
the list the CLI (`tokkyo settings`) and the docs test read, is derived from it, so the
two cannot drift apart, and the settings stay statically typed (`settings.port` is an
int to mypy, which a class built at run time from a list would not be). A bad value is one
`ConfigError` naming the variable, whatever the setting. Settings are built by
`load_settings()` inside `create_app` and the CLI, never at import time.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from tokkyo.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the table: what `tokkyo settings` and README list."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any]
    secret: bool = False               # never shown back (error messages, the CLI)

    @property
    def env(self) -> str:
        return "TOKKYO_" + self.name.upper()

    def read(self, raw: str) -> Any:
        """The value of the environment text `raw`; ConfigError naming the variable."""
        try:
            return self.parse(raw)
        except ValueError as exc:
            shown = "(hidden)" if self.secret else repr(raw)
            raise ConfigError(f"{self.env}={shown}: {exc}") from exc


def setting(default: T, help: str, parse: Callable[[str], T] | None = None, *,
            secret: bool = False) -> T:
    """Declare a field of `Settings`: its default, help and the parser of its text."""
    return field(default=default,  # type: ignore[no-any-return]
                 metadata={"help": help, "parse": parse or _text, "secret": secret})


# --- parsers: text → value, ValueError saying what is wrong ---------------------------------

def _text(text: str) -> str:
    return text


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


def _key_id(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 255:
        raise ValueError(f"{text!r} must be a key id between 1 and 255")
    return value


def _key_ids(text: str) -> frozenset[int]:
    try:
        return frozenset(int(k) for k in text.split(",") if k.strip())
    except ValueError:
        raise ValueError("give key ids as whole numbers separated by commas") from None


def _secret_key(text: str) -> str:
    if text and len(text) < 32:
        raise ValueError("must be at least 32 characters (it signs tokens and links)")
    return text


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(text: str) -> tuple[IPNetwork, ...]:
    """`127.0.0.1, 10.0.0.0/8` → networks (an address is a network of one)."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError("give IP addresses or networks (10.0.0.0/8) separated by "
                         "commas") from None


def _log_format(text: str) -> str:
    value = text.strip().lower()
    if value not in ("human", "json"):
        raise ValueError(f"{text!r} is not a log format (use human or json)")
    return value


def _origin(text: str) -> str:
    """`https://host[:port]` with no path: the origin links are built on."""
    value = text.strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/?#\s]+", value):
        raise ValueError(f"{text!r} is not an origin (scheme and host, e.g. "
                         "https://ip-data.example.org)")
    return value


class QuotaCap(NamedTuple):
    """A default daily cap that differs from the handbook's (`TOKKYO_QUOTA_CAPS`)."""

    law: str
    operation: str
    cap: int


_CAP = re.compile(r"([a-z]+)/([a-z_]+)=([0-9]+)")


def _quota_caps(text: str) -> tuple[QuotaCap, ...]:
    """`patent/app_progress=800, design/app_progress=400` → caps (whether the operation
    exists is the accounts' to say: `Policy.from_settings`)."""
    caps = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = _CAP.fullmatch(part.replace(" ", ""))
        if found is None:
            raise ValueError(f"quota cap {part!r} is not LAW/OPERATION=NUMBER "
                             "(e.g. patent/app_progress=800)")
        caps.append(QuotaCap(found[1], found[2], int(found[3])))
    return tuple(caps)


def _database_urls(text: str) -> tuple[str, ...]:
    """`postgresql://r1/db, postgresql://r2/db` → URLs (PostgreSQL only: replicas of a
    PostgreSQL primary)."""
    urls = tuple(part.strip() for part in text.split(",") if part.strip())
    for url in urls:
        if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise ValueError(f"{_without_password(url)!r} is not a PostgreSQL URL "
                             "(postgresql://user@host:port/db)")
    return urls


def _without_password(url: str) -> str:
    """`url` with any password replaced, for error messages."""
    return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{text!r} must be a positive number of seconds")
    return value


_SPHINX_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPHINX_NODE = re.compile(r"[^\s|,:\[\]]+:(\d{1,5})")


def _sphinx_indexes(text: str) -> str:
    """`host:port|host:port:index[,…]`, checked as search/backends/sphinx/cluster.py
    reads it (which the configuration layer does not import)."""
    value = ",".join(part.strip() for part in text.split(",") if part.strip())
    for part in value.split(",") if value else ():
        where, _, name = part.rpartition(":")
        if not where or not _SPHINX_NAME.fullmatch(name):
            raise ValueError(f"{part!r} is not host:port[|host:port…]:index")
        for node in where.split("|"):
            found = _SPHINX_NODE.fullmatch(node.strip())
            if not found or not 0 < int(found.group(1)) < 65536:
                raise ValueError(f"{node.strip()!r} in {part!r} is not host:port")
    return value


def _sphinx_index(text: str) -> str:
    value = _sphinx_indexes(text)
    if "," in value:
        raise ValueError("name one distributed index (host:port[|host:port…]:index)")
    return value


def _blob_store(text: str) -> str:
    value = text.strip()
    if value and "://" not in value:
        raise ValueError("give a URL (file:///srv/tokkyo/blobs) or leave it empty")
    return value


SEARCH_ENGINES = ("tantivy", "sphinx")


def _search_engine(text: str) -> str:
    value = text.strip().lower()
    if value == "sql":
        # the store's own n-gram index was retired (migration 0020): an old setting file
        raise ValueError("the store's own SQL search index was retired (migration 0020); "
                         "use tantivy (embedded, the default) or sphinx (a SphinxQL "
                         "cluster)")
    if value not in SEARCH_ENGINES:
        raise ValueError(f"{text!r} is not a search engine (use {' or '.join(SEARCH_ENGINES)})")
    return value


# --- the table -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: str = setting(
        "./tokkyo-data",
        "Folder for the embedded SQLite database, the blob store and other local state.")
    database_url: str = setting(
        "",
        "SQLAlchemy URL of the store. Empty: a SQLite file `tokkyo.sqlite3` in the data "
        "folder. PostgreSQL: `postgresql+psycopg://user@host/db`.")
    database_replica_urls: tuple[str, ...] = setting(
        (),
        "PostgreSQL streaming replicas of the store that serve reads (portal pages, "
        "documents, CSV, API lookups), as URLs separated by commas. Writes, quota "
        "counting, sign-in and what a user reads back after saving stay on the primary. "
        "Empty: everything on the primary.", _database_urls, secret=True)
    replica_max_lag_s: float = setting(
        5.0,
        "A replica more than this many seconds behind the primary (or down) is skipped "
        "and its reads go to the primary.", _seconds)
    blob_dir: str = setting(
        "",
        "Folder of the content-addressed blob store (original files and document bodies). "
        "Empty: `blobs/` in the data folder.")
    blob_store: str = setting(
        "",
        "Where blobs are kept, as a URL: `file:///path` (a local folder). Empty: the local "
        "folder of TOKKYO_BLOB_DIR.", _blob_store)
    search_engine: str = setting(
        "tantivy",
        "Search engine: `tantivy` (embedded, an index folder beside the store), `sphinx` "
        "(a SphinxQL cluster: TOKKYO_SPHINX_SHARDS, TOKKYO_SPHINX_READ).",
        _search_engine)
    search_index_dir: str = setting(
        "",
        "Folder of the tantivy index. Empty: `search/` in the data folder. Every process "
        "of one deployment must name the same folder.")
    search_worker: bool = setting(
        True,
        "Whether `tokkyo serve` writes due index work to the search engine itself (a "
        "thread polling the outbox). Turn it off where `tokkyo search index-worker` runs.",
        _bool)
    ingest_batch_size: int = setting(
        200, "Files loaded per batch; a batch commits whole or not at all.", _positive_int)
    ingest_workers: int | None = setting(
        None,
        "Reader processes beside the writer during ingest: `auto` (one per CPU beyond "
        "two, at most 4: none on a machine of one or two CPUs), or a number; 0 reads in "
        "the ingest process itself.", _workers)
    sql_echo: bool = setting(False, "Log every SQL statement (debugging).", _bool)
    secret_key: str = setting(
        "",
        "Key for token hashes, signed links and id_tokens (32 characters or more). Empty: "
        "a random key kept in `secret.key` in the data folder. Set it when several "
        "servers share a database.", _secret_key, secret=True)
    public_origin: str = setting(
        "",
        "Origin clients reach this server at (e.g. https://ip-data.example.org), for "
        "links in answers; never taken from a request's Host header. Empty: a trusted "
        "proxy's X-Forwarded-Host (TOKKYO_TRUSTED_PROXIES), else the address `tokkyo "
        "serve` listens on (http://HOST:PORT).", _origin)
    trusted_proxies: tuple[IPNetwork, ...] = setting(
        (),
        "Addresses of the reverse proxies whose X-Forwarded-Proto, X-Forwarded-Host and "
        "X-Forwarded-For are believed, separated by commas (IPs or networks: "
        "`127.0.0.1,10.0.0.0/8`). Empty: no request's forwarded headers are.", _networks)
    token_path: str = setting("/auth/token", "Path of the OAuth2 token endpoint.")
    now: str = setting(
        "",
        "A fixed instant for the clock (ISO 8601 with offset), for tests and demos of "
        "the 00:00 JST quota reset. Empty: the system clock.")
    login_max_failures: int = setting(
        5, "Failed logins within the lockout time that lock an ID.", _positive_int)
    login_max_failures_per_ip: int = setting(
        30,
        "Failed logins from one client address within the lockout time that refuse "
        "every login from it until the lockout time has passed (whatever IDs it tries).",
        _positive_int)
    login_lockout_minutes: int = setting(
        15, "How long a locked ID stays locked (and the window failures are counted in).",
        _positive_int)
    quota_multiplier: int = setting(
        1, "Multiplier on every default daily cap (JPO doubled its caps in 2026).",
        _positive_int)
    quota_caps: tuple[QuotaCap, ...] = setting(
        (),
        "Default daily caps that differ from the handbook's, as LAW/OPERATION=NUMBER "
        "separated by commas (patent/app_progress=800).", _quota_caps)
    rate_limit_per_minute: int = setting(
        10, "Requests per rolling 60 s per ID across the domestic operations.",
        _positive_int)
    opd_rate_limit_per_minute: int = setting(
        5, "Requests per rolling 60 s per ID for OPD.", _positive_int)
    access_log_retention_days: int = setting(
        395, "Days the access log keeps its entries.", _positive_int)
    registration_open: bool = setting(
        True, "Whether the registration form takes new requests.", _bool)
    bundle_link_threshold: int = setting(
        10 * 1024 * 1024,
        "Document ZIPs larger than this many bytes are answered with a signed link.",
        _positive_int)
    signed_link_seconds: int = setting(
        300, "How long a signed download link stays valid.", _positive_int)
    api_timeout_ms: int = setting(
        20000,
        "How long (milliseconds) an API call may wait for the database before it "
        "answers 302.", _positive_int)
    csv_max_rows: int = setting(
        3000, "Most rows a result-list CSV without abstracts may have (portal.md §6).",
        _positive_int)
    csv_max_rows_with_abstract: int = setting(
        500, "Most rows a result-list CSV with abstracts may have.", _positive_int)
    bulk_link_hours: int = setting(
        24, "How long a bulk download link stays valid (any number of range requests).",
        _positive_int)
    bulk_archive_link_days: int = setting(
        30,
        "How long the download links of a ready archive order's staging set stay "
        "valid (bulk.md §7).", _positive_int)
    bulk_link_kid: int = setting(
        1,
        "Key id (1–255) new bulk links are sealed with; raise it to rotate keys (older "
        "ids stay valid until their links expire).", _key_id)
    bulk_revoked_kids: frozenset[int] = setting(
        frozenset(), "Key ids whose bulk links are refused at once, separated by commas.",
        _key_ids)
    bulk_terms_version: str = setting(
        "2026-04",
        "Version of the bulk terms of use; users accept a new version before their "
        "next download.")
    bulk_max_downloads: int = setting(
        4, "Downloads one user may run at the same time (across the server processes).",
        _positive_int)
    log_format: str = setting(
        "human",
        "How `tokkyo serve` writes its log: `human` (lines for a person) or `json` (one "
        "JSON object per line, each request's line with its request id).", _log_format)
    metrics_from: tuple[IPNetwork, ...] = setting(
        _networks("127.0.0.1,::1"),
        "Client addresses `/metrics` answers, separated by commas (IPs or networks). "
        "Behind a proxy the client is the proxy unless it is one of "
        "TOKKYO_TRUSTED_PROXIES.", _networks)
    metrics_token: str = setting(
        "",
        "A bearer token that opens `/metrics` from any address (`Authorization: Bearer "
        "…`, for a Prometheus elsewhere). Empty: addresses only.", secret=True)
    shutdown_grace_seconds: int = setting(
        30,
        "On SIGTERM, how long `tokkyo serve` lets requests and downloads in flight "
        "finish before it ends them (a download ended is resumable with a Range).",
        _positive_int)
    sphinx_shards: str = setting(
        "",
        "The sphinx search backend's shards, separated by commas, each "
        "`host:port|host:port:index`: the SphinxQL listeners of every copy of the shard's "
        "real-time index (writes go to all), then its name. Sphinx 2.2 or Manticore "
        "Search (the production engine; not tested here).", _sphinx_indexes)
    sphinx_read: str = setting(
        "",
        "The sphinx search backend's distributed index over the shards, "
        "`host:port|host:port:index`: the SphinxQL listeners serving it (tried in "
        "order), then its name.", _sphinx_index)
    translate_routes: str = setting(
        "",
        "The machine-translation routing file (TOML: engines and the routes `(source, "
        "target, content kind) → engine`; README, 'Machine translation'). Empty: the "
        "built-in table (the dictionary for bibliographic data, document names and code "
        "labels between Japanese and English; no document engine).")
    translate_glossary: str = setting(
        "",
        "The operator's glossary (TSV ja⇥en⇥context⇥source) pinned in every translation. "
        "Empty: `translate/glossary.tsv` in the data folder (none when it is missing).")
    translate_cache_days: int = setting(
        30, "Days a real-time translation of a segment stays in the cache.", _positive_int)
    translate_rate_limit_per_minute: int = setting(
        60,
        "Requests per rolling 60 s per account token to the LibreTranslate-compatible "
        "`/translate` endpoint (counted in the store: every server process shares it).",
        _positive_int)
    host: str = setting("127.0.0.1", "Address `tokkyo serve` listens on.")
    port: int = setting(8000, "Port `tokkyo serve` listens on.", _positive_int)

    @property
    def bound_origin(self) -> str:
        """The origin of the address `tokkyo serve` listens on (`http://HOST:PORT`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def trusts(self, address: str) -> bool:
        """Whether `address` (a peer's IP) is one of the trusted proxies."""
        if not self.trusted_proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_path / 'tokkyo.sqlite3').resolve()}"

    @property
    def search_path(self) -> Path:
        return (Path(self.search_index_dir).expanduser() if self.search_index_dir
                else self.data_path / "search")

    @property
    def glossary_path(self) -> Path:
        return (Path(self.translate_glossary).expanduser() if self.translate_glossary
                else self.data_path / "translate" / "glossary.tsv")

    @property
    def blob_path(self) -> Path:
        return Path(self.blob_dir).expanduser() if self.blob_dir else self.data_path / "blobs"


def _row(f: Field[Any]) -> Setting:
    return Setting(f.name, f.default, f.metadata["help"], f.metadata["parse"],
                   f.metadata["secret"])


#: Every setting, in the order of `Settings`.
SETTINGS: tuple[Setting, ...] = tuple(_row(f) for f in fields(Settings))


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then `TOKKYO_*` variables, then explicit overrides
    (None: not given). An override given as text is parsed as the variable's text is;
    a typed one is taken as it is."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for row in SETTINGS:
        raw = env.get(row.env)
        if raw is not None:
            values[row.name] = row.read(raw)
        given = overrides.pop(row.name, None)
        if given is not None:
            values[row.name] = row.read(given) if isinstance(given, str) else given
    if overrides:
        raise TypeError(f"no such settings: {', '.join(sorted(overrides))}")
    return Settings(**values)
