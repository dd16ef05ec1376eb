"""Errors of the operators' filings: a filing that is not there, a number refused."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class FilingError(TerminalError):
    """A request about filings that cannot be done as asked."""

    status = 400


class FilingNotFound(FilingError):
    status = 404


class NumberRefused(FilingError):
    """The application number given for a filing is not one, or is another filing's."""
