"""Building the translation platform from the settings (in `create_app` and the CLI)."""

from __future__ import annotations

from pathlib import Path

from tokkyo.config import Settings
from tokkyo.store.database import Database
from tokkyo.translate import glossary, routing
from tokkyo.translate.cache import MemoryCache, SegmentCache
from tokkyo.translate.service import Platform
from tokkyo.translate.store_cache import StoreCache, StoreRateLimit

USER_GLOSSARIES = "glossaries"


def platform(settings: Settings, database: Database | None = None) -> Platform:
    """The routing table of TOKKYO_TRANSLATE_ROUTES and the operator's glossary, with a
    real-time cache of TOKKYO_TRANSLATE_CACHE_DAYS: in the store when `database` is given
    (every server process shares it), else in the process (a command that translates
    once). A bad file raises RoutingError or GlossaryError naming it (the server does not
    start with a broken table)."""
    ttl = settings.translate_cache_days * 86400.0
    cache: SegmentCache = (StoreCache(database, ttl) if database is not None
                           else MemoryCache(ttl=ttl))
    return Platform(routing.load(settings.translate_routes),
                    glossary=glossary.load(settings.glossary_path), cache=cache)


def rate_limit(settings: Settings, database: Database) -> StoreRateLimit:
    """The served endpoints' limit, TOKKYO_TRANSLATE_RATE_LIMIT_PER_MINUTE per caller,
    counted in the store so that every server process shares it."""
    return StoreRateLimit(database, settings.translate_rate_limit_per_minute)


def user_glossary(settings: Settings, login_id: str) -> glossary.Glossary | None:
    """A user's own glossary, None when the user has none."""
    path = user_glossary_path(settings, login_id)
    return glossary.load(path) if path.exists() else None


def user_glossary_path(settings: Settings, login_id: str) -> Path:
    """Where a user's own glossary is kept (beside the operator's)."""
    return settings.glossary_path.parent / USER_GLOSSARIES / f"{login_id}.tsv"
