"""Errors the request plumbing raises itself; each surface answers them in its own form."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class SignInRequired(TerminalError):
    """The page or operation needs a signed-in user. `why` is the message key of the
    reason a surface shows (a person is sent, or pointed, to the sign-in page)."""

    status = 401

    def __init__(self, why: str = "signin.needed") -> None:
        super().__init__(why)
        self.why = why


class Forbidden(TerminalError):
    """Signed in, but the role does not allow it."""

    status = 403


class CsrfRefused(TerminalError):
    """A form POST whose CSRF token is missing or not this session's."""

    status = 403


class BearerRequired(TerminalError):
    """A program's call without a valid Bearer access token."""

    status = 401
