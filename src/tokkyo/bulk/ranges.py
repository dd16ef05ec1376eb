"""The `Range` header of a download (RFC 9110 §14), as bulk.md §5 chooses to answer it.

`bytes=a-b`, `bytes=a-` and `bytes=-n` give one range (206); a range that cannot be
satisfied gives 416; several ranges give the whole file (200); a header that is not a
valid byte range, or another unit, is ignored (200), as RFC 9110 allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int          # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """No byte of the asked range lies in the file (416)."""


def parse(header: str | None, size: int) -> ByteRange | None:
    """The one range to send, or None for the whole file; Unsatisfiable for 416."""
    if not header:
        return None
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes" or not specs.strip():
        return None
    parts = specs.split(",")
    if len(parts) != 1:
        return None            # several ranges: the whole file (bulk.md §5)
    match = _SPEC.match(parts[0])
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:                       # suffix: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - n), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None                     # invalid range-spec: ignored
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(end, size - 1))
