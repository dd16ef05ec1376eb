"""Walking what `tokkyo ingest` is given: files, folders and ZIP archives, as source items.

A ZIP is either a JPO document bundle (an answer of an `app_doc_cont_*` operation, loaded
as one item), a USPTO XML4IP file-wrapper download (one item), or an archive of input
files (expanded, each member an item named `archive.zip!member`). A member that cannot be
read becomes an item carrying the error.

The files of a converted e-filing package (a folder holding `JPOXMLDOC01-appb.xml`,
`JPOXMLDOC01-jpbibl.xml` and its images) are one item: a ZIP of them
(`filing_package.bundle`); a ZIP that is one package is one item as it is.

A JP trademark gazette (SGML) names its mark image and sound files in ENTITY
declarations; they lie beside it in the folder or ZIP and travel with it, as its
`attachments`, instead of being items of their own.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokkyo.ingest import filing_package
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
_ENTITY_FILE = re.compile(rb"<!ENTITY\s+[^\s>]+\s+SYSTEM\s+[\"']([^\"'/\\]+)[\"']\s+NDATA")
_SGML_SUFFIXES = (".sgm", ".sgml")


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One input: its display name, its bytes, or the error met reading it; and the
    files it names that came with it (name, bytes or None when absent)."""

    name: str
    data: bytes = b""
    error: str = ""
    attachments: tuple[tuple[str, bytes | None], ...] = ()


def entity_files(data: bytes) -> list[str]:
    """The file names a gazette's ENTITY … SYSTEM "…" NDATA declarations give."""
    head = data[:16384]
    if b"<!DOCTYPE" not in head:
        return []
    return [m.group(1).decode("ascii", "replace") for m in _ENTITY_FILE.finditer(head)]


def _is_sgml(name: str) -> bool:
    return name.lower().endswith(_SGML_SUFFIXES)


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
        if is_document_bundle(name, archive) or _is_xml4ip(archive) \
                or filing_package.sniff(data):
            yield SourceItem(name, data)
            return
        infos = sorted((i for i in archive.infolist()
                        if not i.is_dir() and Path(i.filename).name not in _IGNORED),
                       key=lambda i: i.filename)
        by_name = {i.filename: i for i in infos}

        def read(filename: str) -> bytes | None:
            info = by_name.get(filename)
            if info is None:
                return None
            try:
                return archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                return None

        claimed = _claimed(infos, lambda i: i.filename, read)
        for folder, files in filing_package.packages(by_name).items():
            if escapes(folder + "/x"):
                continue                      # its members are refused one by one below
            claimed.update(files)
            yield _package(f"{name}!{folder}" if folder else name, files, read)
        for info in infos:
            if info.filename in claimed:
                continue
            member = f"{name}!{info.filename}"
            if escapes(info.filename):
                yield SourceItem(member, b"", f"{member}: zip-traversal: the member's name "
                                 "leaves the archive (an absolute path or '..'); not read")
                continue
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                yield SourceItem(member, b"", f"{member}: ZIP member cannot be read ({exc})")
                continue
            if _is_sgml(info.filename):
                yield _with_attachments(member, content, info.filename, read)
                continue
            yield from expand(member, content)


def escapes(member: str) -> bool:
    """Whether a ZIP member's name points outside the archive: absolute, a drive, or a
    `..` segment. tokkyo never writes members to disk, but a delivery that holds such a
    name is malformed or hostile, and is refused rather than read."""
    path = member.replace("\\", "/")
    return (path.startswith("/") or re.match(r"^[A-Za-z]:", path) is not None
            or ".." in path.split("/"))


def _is_xml4ip(archive: zipfile.ZipFile) -> bool:
    names = archive.namelist()
    return bool(names) and all(n.split("/", 1)[0].startswith("CDC_Download_") for n in names)


def _sibling(path: str, file: str) -> str:
    """A file named by a gazette, in the gazette's own folder."""
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return folder + file


def _claimed(entries: Iterable[object], path_of: Callable[[Any], str],
             read: Callable[[str], bytes | None]) -> set[str]:
    """The paths of files that SGML gazettes among `entries` name (they travel with
    their gazette)."""
    claimed: set[str] = set()
    for entry in entries:
        path = path_of(entry)
        if _is_sgml(path):
            data = read(path)
            if data:
                claimed.update(_sibling(path, f) for f in entity_files(data))
    return claimed


def _with_attachments(name: str, data: bytes, path: str,
                      read: Callable[[str], bytes | None]) -> SourceItem:
    files = entity_files(data)
    return SourceItem(name, data, attachments=tuple((f, read(_sibling(path, f))) for f in files))


def _package(name: str, files: list[str], read: Callable[[str], bytes | None]
             ) -> SourceItem:
    """The files of an e-filing package as one item (a ZIP of them)."""
    given: dict[str, bytes] = {}
    for path in files:
        data = read(path)
        if data is None:
            return SourceItem(name, b"", f"{name}: {path} of the e-filing package cannot be "
                              "read")
        given[path.rsplit("/", 1)[-1]] = data
    return SourceItem(name, filing_package.bundle(given))


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
            children = [p for p in sorted(path.rglob("*")) if p.is_file()
                        and p.name not in _IGNORED and not p.name.startswith(".")]
            claimed = _claimed(children, lambda p: p.as_posix(), _read_file)
            for folder, files in filing_package.packages(c.as_posix() for c in children).items():
                claimed.update(files)
                yield _package(folder, files, _read_file)
            for child in children:
                if child.as_posix() in claimed:
                    continue
                if _is_sgml(child.name):
                    data = _read_file(child.as_posix())
                    if data is not None:
                        yield _with_attachments(str(child), data, child.as_posix(),
                                                _read_file)
                        continue
                yield from _read(child)
        elif path.exists():
            if _is_sgml(path.name):
                data = _read_file(path.as_posix())
                if data is not None:
                    yield _with_attachments(str(path), data, path.as_posix(), _read_file)
                    continue
            yield from _read(path)
        else:
            yield SourceItem(str(path), b"", f"{path}: no such file or folder")


def _read_file(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


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
