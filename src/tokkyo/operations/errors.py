"""Why an operation on the whole store refused or failed; the message says what to do."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class BackupError(TerminalError):
    """A backup could not be made, read or verified."""


class RestoreRefused(TerminalError):
    """A restore that was not started: the target is not empty, the backup's schema is
    not this tokkyo's, the backup is of another kind of database. Nothing was written."""


class RestoreFailed(TerminalError):
    """A restore that failed part way; what it had written was removed again."""
