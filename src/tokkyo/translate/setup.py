"""Building the translation platform from the settings (in `create_app` and the CLI)."""

from __future__ import annotations

from pathlib import Path

from tokkyo.config import Settings
from tokkyo.translate import glossary, routing
from tokkyo.translate.cache import MemoryCache
from tokkyo.translate.service import Platform

USER_GLOSSARIES = "glossaries"


def platform(settings: Settings) -> Platform:
    """The routing table of TOKKYO_TRANSLATE_ROUTES and the operator's glossary, with a
    real-time cache of TOKKYO_TRANSLATE_CACHE_DAYS; a bad file raises RoutingError or
    GlossaryError naming it (the server does not start with a broken table)."""
    return Platform(routing.load(settings.translate_routes),
                    glossary=glossary.load(settings.glossary_path),
                    cache=MemoryCache(ttl=settings.translate_cache_days * 86400.0))


def user_glossary(settings: Settings, login_id: str) -> glossary.Glossary | None:
    """A user's own glossary, None when the user has none."""
    path = user_glossary_path(settings, login_id)
    return glossary.load(path) if path.exists() else None


def user_glossary_path(settings: Settings, login_id: str) -> Path:
    """Where a user's own glossary is kept (beside the operator's)."""
    return settings.glossary_path.parent / USER_GLOSSARIES / f"{login_id}.tsv"
