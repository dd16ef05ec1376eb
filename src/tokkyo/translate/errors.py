"""What can go wrong in translation, and whether retrying can help (translation.md §2)."""

from __future__ import annotations

from tokkyo.errors import ConfigError, TerminalError, TokkyoError, TransientError


class TranslationError(TokkyoError):
    """Base of the translation errors."""


class TransientTranslationError(TranslationError, TransientError):
    """The engine may answer when asked again (busy, rate-limited, timed out, restarting):
    the platform retries it with back-off."""


class TerminalTranslationError(TranslationError, TerminalError):
    """The engine will never translate this request (bad input, unsupported pair, wrong
    key): never retried."""


class NoRoute(TranslationError, TerminalError):
    """The routing table names no engine for this pair and content kind."""


class RoutingError(TranslationError, ConfigError):
    """The operator's routing file cannot be used (the message names the file and place)."""


class GlossaryError(TranslationError, ConfigError):
    """A glossary file cannot be read (the message names the line); nothing was changed.
    A configuration error when it is the operator's (the server does not start)."""
