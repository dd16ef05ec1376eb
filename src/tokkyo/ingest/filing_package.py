"""Reader of converted e-filing packages: the XML `tokkyo efile convert` writes
(`JPOXMLDOC01-jpbibl.xml`, the request; `JPOXMLDOC01-appb.xml`, the description, claims,
abstract and drawings; the images `JPOXMLDOC01-appb-D000001.gif` …), loaded as an
application filed with the office and not yet published (`model.filings.Filing`).

A package is one item whatever it came in: a ZIP of its files is read as it is; the
files of a folder are put into a ZIP built the same way every time (`bundle`), which is
what the blob store keeps. What decides "unchanged" is the files' names and bytes
(`fingerprint`), not the container, so the same package sent as a folder and then as a
ZIP is one version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath

from lxml import etree

from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.parsed import Parsed
from tokkyo.ingest.xmlread import JP_NS, NS, parse_whole
from tokkyo.model.filings import Filing
from tokkyo.model.laws import Law

FORMAT = "jp-efiling"
#: The files `tokkyo.efiling` writes (its `xml_writer.BIBL` and `BODY`; the tests hold
#: them equal): ingest does not import the e-filing package, which is heavy to load.
BIBL = "JPOXMLDOC01-jpbibl.xml"
BODY = "JPOXMLDOC01-appb.xml"
#: The most a package may hold unpacked, as the e-filing page's uploads.
MAX_UNPACKED = 200 * 1024 * 1024
#: The files a package may hold.
PACKAGE_FILE = re.compile(r"^JPOXMLDOC01-(?:jpbibl\.xml|appb\.xml|appb-D\d{6}\.[A-Za-z]{3,4})$")
_ZIP_MAGIC = b"PK\x03\x04"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
#: The documents of the body, by element, with the name the request's list gives them.
_DOCUMENTS = (("description", "明細書"), ("claims", "特許請求の範囲"), ("abstract", "要約書"),
              ("drawings", "図面"))
_LAWS = {"patent": Law.PATENT, "utility": Law.UTILITY}


def is_package_file(path: str) -> bool:
    return PACKAGE_FILE.match(PurePosixPath(path.replace("\\", "/")).name) is not None


def packages(paths: Iterable[str]) -> dict[str, list[str]]:
    """The packages among `paths` (of a folder tree or a ZIP's members): by folder, the
    package files of each folder that holds a `JPOXMLDOC01-appb.xml`."""
    by_folder: dict[str, list[str]] = {}
    for path in paths:
        if is_package_file(path):
            folder = path.replace("\\", "/").rpartition("/")[0]
            by_folder.setdefault(folder, []).append(path)
    return {folder: sorted(files) for folder, files in by_folder.items()
            if any(PurePosixPath(f.replace("\\", "/")).name == BODY for f in files)}


def bundle(files: dict[str, bytes]) -> bytes:
    """The package's files as a ZIP, the same bytes for the same files (sorted names, a
    fixed time stamp): what the blob store keeps of a package given as a folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return out.getvalue()


def sniff(data: bytes) -> bool:
    """Whether a ZIP is one e-filing package: every file a package file, one of them
    `JPOXMLDOC01-appb.xml`, all in one folder."""
    if not data.startswith(_ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile:
        return False
    found = packages(names)
    return len(found) == 1 and len(next(iter(found.values()))) == len(names)


def unpacked(name: str, data: bytes) -> dict[str, bytes]:
    """The package's files by their names (without the folder they were in)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            if sum(i.file_size for i in members) > MAX_UNPACKED:
                raise Rejected(f"{name}: the package holds more than "
                               f"{MAX_UNPACKED // 2**20} MB unpacked")
            return {PurePosixPath(i.filename).name: archive.read(i) for i in members}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise Rejected(f"{name}: the package's ZIP cannot be read ({exc})") from None


def fingerprint(data: bytes) -> str:
    """What decides "unchanged": the names and bytes of the package's files."""
    digest = hashlib.sha256()
    for file, content in sorted(unpacked("package", data).items()):
        digest.update(f"{file}\0{hashlib.sha256(content).hexdigest()}\n".encode())
    return digest.hexdigest()


def read(name: str, data: bytes) -> Parsed:
    """The filing a package holds; `Rejected` says what makes it unusable."""
    files = unpacked(name, data)
    if BIBL not in files:
        raise Rejected(f"{name}: the package holds {BODY} but not {BIBL} (the request, "
                       "特許願); convert the application with its request")
    request = _root(name, BIBL, files[BIBL], f"{{{JP_NS}}}pat-app-doc", "jp:pat-app-doc")
    body = _root(name, BODY, files[BODY], "application-body", "application-body")
    for img in body.iter("img"):
        shown = img.get("file", "")
        if shown not in files:
            raise Rejected(f"{name}: {BODY} shows the image {shown or '(no file name)'}, "
                           "which the package does not hold")
    doc = next((child for child in request if isinstance(child.tag, str)), None)
    if doc is None:
        raise Rejected(f"{name}: {BIBL} holds no request")
    law_name = doc.get(f"{{{JP_NS}}}kind-of-law", "patent")
    law = _LAWS.get(law_name)
    if law is None:
        raise Rejected(f"{name}: {BIBL}: jp:kind-of-law {law_name!r} is not a law of "
                       "e-filed applications (patent or utility)")
    reference = (doc.findtext("jp:file-reference-id", "", NS) or "").strip()
    if not reference:
        raise Rejected(f"{name}: {BIBL}: the request has no 整理番号 (jp:file-reference-id), "
                       "by which the office files a package")
    applicants = _people(doc, "jp:applicants/jp:applicant")
    first = doc.find("jp:applicants/jp:applicant/jp:addressbook", NS)
    applicant_key = ""
    if first is not None:
        applicant_key = ((first.findtext("jp:registered-number", "", NS) or "").strip()
                         or (first.findtext("jp:name", "", NS) or "").strip())
    documents = ("特許願", *(label for element, label in _DOCUMENTS
                           if body.find(element) is not None))
    heading = body.find("description/invention-title")
    title = " ".join("".join(heading.itertext()).split()) if heading is not None else ""
    filing = Filing(
        law=law, reference=reference, submission_date=_date(name, doc), title=title,
        applicants=applicants, inventors=_people(doc, "jp:inventors/jp:inventor"),
        agents=_people(doc, "jp:agents/jp:agent"), documents=documents,
        applicant_key=applicant_key)
    problems = () if filing.title else (f"{name}: the description has no 【発明の名称】",)
    return Parsed(f"{FORMAT}:{filing.key}", FORMAT, filing, problems, kind="A163")


def _root(name: str, file: str, data: bytes, tag: str, written: str) -> etree._Element:
    try:
        root = parse_whole(f"{name}!{file}", data)
    except Rejected as exc:
        raise Rejected(f"{name}: {exc.reason.removeprefix(f'{name}!')}") from None
    if root.tag != tag:
        found = root.tag.replace(f"{{{JP_NS}}}", "jp:")
        raise Rejected(f"{name}: {file} is <{found}>, not <{written}>")
    return root


def _people(doc: etree._Element, path: str) -> tuple[str, ...]:
    return tuple((person.findtext("jp:addressbook/jp:name", "", NS) or "").strip()
                 for person in doc.iterfind(path, NS))


def _date(name: str, doc: etree._Element) -> dt.date | None:
    written = (doc.findtext("jp:submission-date/jp:date", "", NS) or "").strip()
    if not written:
        return None
    try:
        return dt.datetime.strptime(written, "%Y%m%d").date()
    except ValueError:
        raise Rejected(f"{name}: {BIBL}: 提出日 (jp:submission-date) {written!r} is not a "
                       "date written YYYYMMDD") from None
