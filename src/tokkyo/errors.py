"""Error base classes shared by every tokkyo package.

Errors say whether a retry can help (design.md, "Stage hand-offs are durable"):
a `TransientError` may succeed when tried again (a lock, a lost connection),
a `TerminalError` never will (malformed input, a wrong number).
"""

from __future__ import annotations


class TokkyoError(Exception):
    """Base of every error tokkyo raises on purpose."""


class TerminalError(TokkyoError):
    """Retrying cannot help: the input or the request itself is wrong."""


class TransientError(TokkyoError):
    """Retrying may help: a resource was busy or unreachable."""


class ConfigError(TerminalError):
    """A setting has a value tokkyo cannot use."""
