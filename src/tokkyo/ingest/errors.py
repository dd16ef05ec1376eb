"""Why an input was rejected: every rejection names the file and what was wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tokkyo.errors import TerminalError, TransientError
from tokkyo.store.errors import no_space_reason, read_only_reason

if TYPE_CHECKING:
    from tokkyo.ingest.service import RunReport


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


class IngestStopped(TransientError):
    """The run stopped because the disk is full or the store cannot be written: the
    batch being loaded was rolled back (nothing of it was written), the batches before
    it are loaded (`report`). Running the same ingest again, once there is space,
    loads the rest; what is loaded already is unchanged and skipped."""

    def __init__(self, message: str, report: RunReport) -> None:
        super().__init__(message)
        self.report = report

    @classmethod
    def of(cls, error: BaseException, where: str, report: RunReport,
           files: Sequence[Path] = ()) -> IngestStopped | None:
        """The stop `error` means, writing to `where` (its `files`: the SQLite database's),
        or None for any other error."""
        space = no_space_reason(error, files)
        if space is not None:
            return cls(f"ingest stopped: the disk is full: no space left writing {where} "
                       f"({space}); nothing of the batch being loaded was written. Free "
                       "space and run the same ingest again: what is loaded already is "
                       "skipped as unchanged", report)
        refused = read_only_reason(error)
        if refused is not None:
            return cls(f"ingest stopped: {where} cannot be written ({refused}); nothing of "
                       "the batch being loaded was written. Make it writable and run the "
                       "same ingest again", report)
        return None
