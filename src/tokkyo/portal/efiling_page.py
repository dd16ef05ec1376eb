"""The e-filing page's content: an upload read into an application, its findings in the
reader's language beside the lines they point at, the application as the gazette would
print it, and the XML package as a download carried in the page itself (a data: URL), so
that nothing uploaded is kept on the server."""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from tokkyo.efiling import images as imaging
from tokkyo.efiling import service
from tokkyo.efiling.errors import BadPackage
from tokkyo.efiling.findings import RULES, Finding, Severity
from tokkyo.efiling.preview import Part, preview

PACKAGE_NAME = "JPOXMLDOC01.zip"
_MEDIA = {"GIF": "image/gif", "PNG": "image/png", "JPEG": "image/jpeg", "BMP": "image/bmp"}


def upload_of(files: Sequence[UploadFile]) -> service.Upload:
    """One application from the uploaded files: a ZIP, or one HTML file and its images.
    `BadPackage` says what is wrong with the upload."""
    given = [f for f in files if f.filename]
    if not given:
        raise BadPackage("choose the application's HTML file (and its images), or a ZIP")
    read: dict[str, bytes] = {}
    total = 0
    for f in given:
        data = f.file.read(service.MAX_UNPACKED + 1 - total)
        total += len(data)
        if total > service.MAX_UNPACKED:
            raise BadPackage(f"the upload is larger than {service.MAX_UNPACKED // 2**20} MB")
        read[_base(f.filename or "")] = data
    zips = [n for n in read if n.lower().endswith(".zip")]
    if zips:
        if len(read) > 1:
            raise BadPackage("upload a ZIP alone, or the HTML file with its images")
        return service.from_zip(zips[0], read[zips[0]])
    pages = [n for n in read if n.lower().endswith(service.HTML_SUFFIXES)]
    if len(pages) != 1:
        raise BadPackage(f"upload exactly one .htm or .html file (there were {len(pages)})")
    page = pages[0]
    return service.Upload(page, read.pop(page), read)


def _base(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class View:
    result: service.Result
    parts: list[Part]
    by_line: dict[int, list[int]]           # input line → indexes into findings
    images: dict[str, str]                  # IMG src → data: URL to show
    package: str                            # the ZIP as a data: URL ("" with errors)
    lang: str

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def errors(self) -> int:
        return self.result.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.result.count(Severity.WARNING)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = self.result.as_json()
        body["preview"] = [p.as_json() for p in self.parts]
        body["package"] = ({"name": PACKAGE_NAME, "zip_base64": self.package.split(",", 1)[1]}
                           if self.package else None)
        return body


def view(result: service.Result, lang: str, *, package: bool = True) -> View:
    """The page of a checked application; `package`: with its XML package to download
    (without errors), which an operator's filing does not need (it is stored)."""
    by_line: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(result.findings):
        if f.position.line:
            by_line[f.position.line].append(i)
    zipped = ""
    if result.ok and package:
        zipped = "data:application/zip;base64," + base64.b64encode(
            service.zipped(service.convert(result))).decode("ascii")
    return View(result, preview(result.application), dict(by_line), _pictures(result),
                zipped, lang)


def _pictures(result: service.Result) -> dict[str, str]:
    """What the preview shows of each image: as converted (black and white GIF, or the
    JPEG), or as given when it cannot be converted but a browser can show it."""
    out = {}
    files = result.upload.files
    for line in result.application.lines():
        for image in line.images():
            name = imaging.find(files, image.src)
            if name is None or image.src in out:
                continue
            checked = result.images.get(name)
            if checked is None:
                continue
            if checked.convertible:
                data, fmt = imaging.converted(checked, files[name])
                media = "image/jpeg" if fmt == "jpg" else "image/gif"
            elif checked.format in _MEDIA:
                data, media = files[name], _MEDIA[checked.format]
            else:
                continue
            out[image.src] = f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
    return out


def codes() -> list[dict[str, str]]:
    """The finding codes, for the empty page's data twin."""
    return [{"code": code, "severity": rule.severity.value} for code, rule in RULES.items()]


def severity_status(severity: Severity) -> str:
    """The badge colour of a severity (the stylesheet's data-status)."""
    return "refused" if severity is Severity.ERROR else "pending"
