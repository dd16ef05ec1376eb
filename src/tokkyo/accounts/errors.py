"""Errors of the accounts domain."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class AccountError(TerminalError):
    """A request about an account that cannot be carried out, with the reason."""


class InvalidUserId(AccountError):
    """An ID that breaks the ID rules (bulk.md §1.3)."""


class NotFound(AccountError):
    """No such user."""


class InvalidCredentials(AccountError):
    """Wrong ID or password, a locked ID, or an ID that may not log in: one answer for all,
    so that an attacker learns nothing about which."""


class InvalidToken(AccountError):
    """A token that is unknown, expired, revoked, or of an account that may not use it."""
