"""Checking and converting an application: what the CLI and the portal call.

`check` reads the HTML and its images and returns the findings; `convert` turns a
checked application without errors into the XML package (file name → bytes), which
`write_folder` and `zipped` write out. Nothing is written for an application with errors.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from tokkyo.efiling import images as imaging
from tokkyo.efiling import review
from tokkyo.efiling.errors import BadPackage, NotConverted, UnreadableHtml
from tokkyo.efiling.findings import Finding, Severity, finding, has_errors, ordered
from tokkyo.efiling.formality import Places, check_text, located
from tokkyo.efiling.html_reader import Image, read_html
from tokkyo.efiling.items import PARAGRAPH, Application, Document, Item, build
from tokkyo.efiling.xml_writer import (
    BIBL,
    BODY,
    PREFIX,
    ImageNames,
    Placed,
    application_body,
    bibliography,
)

HTML_SUFFIXES = (".htm", ".html")
#: The most an upload may hold, unpacked (a 200-page application with its drawings is
#: far below it).
MAX_UNPACKED = 200 * 1024 * 1024
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


@dataclass(frozen=True, slots=True)
class Upload:
    """An application as given: the HTML's name and bytes, and the files beside it
    (images) by their path relative to the HTML."""

    name: str
    html: bytes
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class Result:
    upload: Upload
    application: Application
    findings: list[Finding]
    images: dict[str, imaging.Checked]     # by the upload's file name

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def as_json(self) -> dict[str, object]:
        return {"file": self.upload.name, "encoding": self.application.source.encoding,
                "ok": self.ok, "errors": self.count(Severity.ERROR),
                "warnings": self.count(Severity.WARNING),
                "documents": [d.name for d in self.application.documents],
                "findings": [f.as_json() for f in self.findings]}


def check(upload: Upload) -> Result:
    read = read_html(upload.html)
    app = build(read)
    found = located(app, read.findings) + check_text(app)
    checked: dict[str, imaging.Checked] = {}
    found += _check_images(app, upload.files, checked)
    return Result(upload, app, ordered(found), checked)


def _check_images(app: Application, files: dict[str, bytes],
                  checked: dict[str, imaging.Checked]) -> list[Finding]:
    places = Places(app.source)
    out: list[Finding] = []
    for document in app.documents:
        paragraph = ""
        drawings = document.name == "図面"
        for item in [document.head, *document.items]:
            if item.name == PARAGRAPH:
                paragraph = item.label
            pictures = item.images()
            if drawings and item.name == "図" and not pictures:
                out.append(finding("image-missing", places.at(item.line, None, document, item),
                                   item.bracketed, what_ja=f"{item.bracketed} に画像がありません。",
                                   what_en=f"{item.bracketed} has no image."))
            for image in pictures:
                out += _one_image(image, files, checked, places, document, item, paragraph)
    return out


def _one_image(image: Image, files: dict[str, bytes], checked: dict[str, imaging.Checked],
               places: Places, document: Document, item: Item, paragraph: str
               ) -> list[Finding]:
    where = places.at(None, None, document, item, paragraph)
    line, column = places.source.where(image.start)
    where = type(where)(line, column, where.document, where.item, where.paragraph)
    name = imaging.find(files, image.src)
    if name is None:
        what = ("IMG タグに SRC がありません。" if not image.src else
                f"画像ファイル {image.src} がありません。HTML と一緒に提出してください。")
        what_en = ("The IMG tag has no SRC." if not image.src else
                   f"The image file {image.src} is missing: give it with the HTML.")
        return [finding("image-missing", where, image.src, what_ja=what, what_en=what_en)]
    if name not in checked:
        checked[name] = imaging.check_image(name, files[name])
    return [finding(p.code, where, image.src, severity=p.severity, file=image.src, **p.args)
            for p in checked[name].problems]


def convert(result: Result) -> dict[str, bytes]:
    """The XML package: `JPOXMLDOC01-jpbibl.xml`, `JPOXMLDOC01-appb.xml` and the
    images; `NotConverted` while the application has errors."""
    if not result.ok:
        errors = result.count(Severity.ERROR)
        raise NotConverted(f"{result.upload.name}: {errors} error{'s' if errors > 1 else ''}; "
                           "correct them first (`tokkyo efile check` lists them)")
    return _converted(result)


def _converted(result: Result) -> dict[str, bytes]:
    app = result.application
    names = ImageNames()
    out: dict[str, bytes] = {}
    for line in [line for line in app.lines() if line.pictured]:   # most hold none
        for image in line.images():
            name = imaging.find(result.upload.files, image.src)
            if name is None or image.src in names.placed:
                continue
            data, fmt = imaging.converted(result.images[name], result.upload.files[name])
            file = f"{PREFIX}-appb-D{len(names.placed) + 1:06d}.{fmt}"
            width, height = result.images[name].mm
            names.placed[image.src] = Placed(file, fmt, round(height), round(width))
            out[file] = data
    request = app.document("特許願")
    files = {}
    if request is not None:
        files[BIBL] = bibliography(request)
    files[BODY] = application_body(app, names)
    return files | out


def write_folder(files: dict[str, bytes], folder: Path) -> None:
    """The package into `folder` (created; must not hold a package already), whole or
    not at all: written beside it first, then renamed into place."""
    if folder.exists() and any(folder.iterdir()):
        raise NotConverted(f"{folder} is not empty; give a new or empty folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".efile-", dir=folder.parent))
    try:
        for name, data in files.items():
            (work / name).write_bytes(data)
        if folder.exists():
            folder.rmdir()
        os.replace(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def from_zip(name: str, data: bytes) -> Upload:
    """An application given as a ZIP: one HTML file, and its images."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadPackage(f"{name}: not a ZIP file") from None
    members = [i for i in archive.infolist() if not i.is_dir()]
    if sum(i.file_size for i in members) > MAX_UNPACKED:
        raise BadPackage(f"{name}: holds more than {MAX_UNPACKED // 2**20} MB unpacked")
    pages = [i for i in members if i.filename.lower().endswith(HTML_SUFFIXES)]
    if len(pages) != 1:
        raise BadPackage(f"{name}: a ZIP must hold exactly one .htm or .html file (it holds "
                         f"{len(pages)})")
    page = PurePosixPath(pages[0].filename)
    base = page.parent
    files = {}
    for info in members:
        if info is pages[0]:
            continue
        path = PurePosixPath(info.filename)
        relative = path.relative_to(base) if base.parts and path.is_relative_to(base) else path
        files[str(relative)] = archive.read(info)
    return Upload(page.name, archive.read(pages[0]), files)


def read_package(path: Path) -> dict[str, bytes]:
    """A converted package from disk (its folder or ZIP), file name → bytes."""
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
    elif path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                files = {PurePosixPath(i.filename).name: archive.read(i)
                         for i in archive.infolist() if not i.is_dir()}
        except zipfile.BadZipFile:
            raise BadPackage(f"{path}: neither a folder nor a ZIP") from None
    else:
        raise BadPackage(f"{path}: no such folder or file")
    if BODY not in files and BIBL not in files:
        raise BadPackage(f"{path}: holds neither {BIBL} nor {BODY}")
    return files


def review_html(files: dict[str, bytes]) -> str:
    """The package as HTML in the JPO template's form (`review.to_html`); a document that
    is not well-formed XML is refused."""
    try:
        return review.to_html(files)
    except etree.XMLSyntaxError as exc:
        raise BadPackage(f"the package's XML is not well-formed: {exc}") from None
    except (ValueError, IndexError) as exc:
        raise BadPackage(f"the package's XML is not an application's: {exc}") from None


def from_path(path: Path) -> Upload:
    """An application from disk: a ZIP, or an HTML file and the images it names (read
    from beside it)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableHtml(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableHtml(f"{path}: a folder; give the HTML file") from None
    if data[:4] == b"PK\x03\x04":
        return from_zip(path.name, data)
    files = {}
    text = data.decode("latin-1")          # the names are ASCII or read as bytes below
    for m in _SRC.finditer(text):
        raw = next(g for g in m.groups() if g is not None)
        for encoding in ("utf-8", "cp932"):
            try:
                src = raw.encode("latin-1").decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            continue
        candidate = (path.parent / unquote(src).replace("\\", "/")).resolve()
        if candidate.is_file() and candidate.is_relative_to(path.parent.resolve()):
            files[src] = candidate.read_bytes()
    return Upload(path.name, data, files)
