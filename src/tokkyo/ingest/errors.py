"""Why an input was rejected: every rejection names the file and what was wrong."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class Rejected(TerminalError):
    """An input file tokkyo cannot load; it goes to quarantine with this reason."""

    def __init__(self, reason: str, *, format: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.format = format


class Skipped(TerminalError):
    """A file that is not data (a DTD, a stylesheet): reported and left alone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
