"""What can go wrong on the bulk site, each with the HTTP status it answers."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class BulkError(TerminalError):
    """A bulk request that cannot be served as asked."""

    status = 400


class NotFound(BulkError):
    status = 404


class LinkRefused(BulkError):
    """A download link that is invalid, expired, revoked or not the caller's (403), or
    names a withdrawn file (410)."""

    status = 403

    def __init__(self, reason: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


class NotEntitled(BulkError):
    status = 403


class TermsNotAccepted(BulkError):
    status = 403


class NotReady(BulkError):
    """An archive order's files were asked for before the order is ready."""

    status = 409


class SplitUnit(BulkError):
    """An archive order that names less than a whole unit (seed 000 §4)."""

    status = 422


class ChecksumMismatch(BulkError):
    """A downloaded file whose SHA-256 is not the manifest's."""
