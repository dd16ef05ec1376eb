"""Walking what `tokkyo ingest` is given: files, folders and ZIP archives, as source items.

A ZIP is either a JPO document bundle (an answer of an `app_doc_cont_*` operation, loaded
as one item) or an archive of input files (expanded, each member an item named
`archive.zip!member`). A member that cannot be read becomes an item carrying the error.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tokkyo.ingest.mirror_names import parse_mirror_name

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

# Entry names inside JPO document ZIPs (jpo-api.md §9).
_BUNDLE_ENTRY = re.compile(
    r"^(?:[A-Z][0-9A-Z]*_[0-9A-Z]{11}/)?"
    r"(?:JPOXMLDOC\d\d-jpbibl\.xml|JPOSGMLDOC\d[0-9A-Z]*\.(?:HTM|JPG)"
    r"|[0-9A-Z]{11}-jpntce\.xml|[0-9A-Z]{11}(?:P\.HTM|\d{4}\.tif))$",
    re.IGNORECASE,
)
_IGNORED = {".DS_Store", "Thumbs.db"}


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One input: its display name, its bytes, or the error met reading it."""

    name: str
    data: bytes = b""
    error: str = ""


def is_document_bundle(name: str, archive: zipfile.ZipFile) -> bool:
    mirror = parse_mirror_name(Path(name).name)
    if mirror is not None and mirror.operation.startswith("app_doc_cont_"):
        return True
    files = [i.filename for i in archive.infolist() if not i.is_dir()]
    return bool(files) and all(_BUNDLE_ENTRY.match(f) for f in files)


def _zip_members(name: str, data: bytes) -> Iterator[SourceItem]:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        yield SourceItem(name, data, f"{name}: not a readable ZIP archive ({exc})")
        return
    with archive:
        if is_document_bundle(name, archive):
            yield SourceItem(name, data)
            return
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or Path(info.filename).name in _IGNORED:
                continue
            member = f"{name}!{info.filename}"
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                yield SourceItem(member, b"", f"{member}: ZIP member cannot be read ({exc})")
                continue
            yield from expand(member, content)


def expand(name: str, data: bytes) -> Iterator[SourceItem]:
    """One item, or the members of an archive of input files."""
    if data[:4] in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        yield from _zip_members(name, data)
    else:
        yield SourceItem(name, data)


def walk(paths: Iterable[Path]) -> Iterator[SourceItem]:
    """Every item under `paths`, folders in name order, archives expanded."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name not in _IGNORED and not child.name.startswith("."):
                    yield from _read(child)
        elif path.exists():
            yield from _read(path)
        else:
            yield SourceItem(str(path), b"", f"{path}: no such file or folder")


def _read(path: Path) -> Iterator[SourceItem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield SourceItem(str(path), b"", f"{path}: cannot be read ({exc.strerror})")
        return
    yield from expand(str(path), data)


def count(paths: Iterable[Path]) -> int:
    """How many files lie under `paths` (for the progress bar; archives count as one)."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            total += 1
    return total
