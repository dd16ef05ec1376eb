"""Reader of JPO Retrieval API mirror files: JSON answers, document ZIPs, loose bodies."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from pathlib import PurePosixPath

from tokkyo.ingest.bodies import identify
from tokkyo.ingest.detect import Format
from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.mirror_names import MirrorName, parse_mirror_name
from tokkyo.ingest.parsed import Parsed
from tokkyo.model import bundle_layout
from tokkyo.model.cases import CaseUpdate, PartyNames
from tokkyo.model.dossier import DocumentBody
from tokkyo.model.laws import Law
from tokkyo.model.wire import decode
from tokkyo.model.wire.records import WireError

NO_DATA = {"107", "108"}
_BY_APPLICATION = {"app_progress", "app_progress_simple", "divisional_app_info",
                   "priority_right_app_info", "cite_doc_info", "registration_info",
                   "jpp_fixed_address"}


def _base(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/").split("!")[-1]).name


def _mirror_name(name: str, what: str) -> MirrorName:
    mirror = parse_mirror_name(_base(name))
    if mirror is None:
        raise Rejected(f"{name}: {what}, but the file name does not say which request it "
                       "answered; name it LAW__v1__OPERATION__PARAM.json, e.g. "
                       "patent__v1__app_progress__2020123456.json")
    return mirror


def _load_json(name: str, data: bytes) -> dict:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"{name}: wrong encoding: JPO API answers are UTF-8; byte "
                       f"0x{data[exc.start]:02x} at offset {exc.start} is not") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"(line {exc.lineno}, column {exc.colno})"
        if not text.rstrip().endswith(("}", "]")):
            raise Rejected(f"{name}: file cut off: the JSON ends before it is complete; the "
                           f"parser stopped with: {exc.msg} {where}") from None
        raise Rejected(f"{name}: malformed JSON: {exc.msg} {where}") from None
    result = document.get("result") if isinstance(document, dict) else None
    if not isinstance(result, dict) or "statusCode" not in result:
        raise Rejected(f"{name}: not a JPO API answer: no result.statusCode")
    return result


def read_answer(name: str, data: bytes) -> Parsed:
    result = _load_json(name, data)
    mirror = _mirror_name(name, "a JPO API answer")
    code = str(result.get("statusCode"))
    key = "api:" + (f"example/{_base(name)}" if mirror.example else mirror.path)
    if code in NO_DATA:
        return Parsed(key, Format.API_JSON, None, kind=mirror.operation)
    if code != "100":
        message = result.get("errorMessage", "")
        raise Rejected(f"{name}: JPO API error answer {code} ({message}) carries no data")
    payload = result.get("data")
    try:
        update, problems = _decode(mirror, payload)
    except WireError as exc:
        raise Rejected(f"{name}: {exc}") from None
    if (isinstance(update, CaseUpdate) and not mirror.example
            and mirror.operation in _BY_APPLICATION
            and update.application_number != mirror.params[0]):
        raise Rejected(f"{name}: the file name says application {mirror.params[0]} but the "
                       f"answer is for application {update.application_number}")
    return Parsed(key, Format.API_JSON, update, tuple(problems), kind=mirror.operation)


def _decode(mirror: MirrorName, data: object) -> tuple[CaseUpdate | PartyNames, list[str]]:
    op, law, params = mirror.operation, mirror.law, mirror.params
    param = params[0] if params and not mirror.example else ""
    if op in ("app_progress", "app_progress_simple"):
        return decode.progress(data, law, simple=op == "app_progress_simple")
    if op == "registration_info":
        return decode.registration(data, law)
    if op == "cite_doc_info":
        return decode.citations(data, law)
    if op == "priority_right_app_info":
        return decode.priority_info(data, law)
    if op == "divisional_app_info":
        return decode.divisional_info(data, law)
    if op == "case_number_reference":
        return decode.number_reference(data, law)
    if op == "pct_national_phase_application_number":
        kind = params[0] if len(params) > 1 and not mirror.example else ""
        number = params[1] if len(params) > 1 and not mirror.example else ""
        return decode.pct_national_phase(data, kind, number)
    if op == "jpp_fixed_address":
        number = param or _number_in_fixed_address(data)
        return decode.fixed_address(data, law, number)
    if op == "applicant_attorney_cd":
        if not param:
            raise WireError("an applicant_attorney_cd answer whose file name does not give "
                            "the code it answers")
        names, problems = decode.party_name(data, param)
        return PartyNames(law, names), problems
    if op == "applicant_attorney":
        names, problems = decode.party_names(data)
        return PartyNames(law, names), problems
    if op.startswith("app_doc_cont_"):
        raise WireError("the document ZIP behind data.URL (over 10 MB) is not in the mirror; "
                        "download it and import the ZIP")
    raise WireError(f"operation {op} is not one tokkyo imports")


_FIXED_ADDRESS_CASE = re.compile(r"/JP-(\d{4})-(\d{6})/")


def _number_in_fixed_address(data: object) -> str:
    """A SPEC example names no parameter; its URL names the case (`/JP-2022-012584/`)."""
    url = data.get("URL", "") if isinstance(data, dict) else ""
    match = _FIXED_ADDRESS_CASE.search(url if isinstance(url, str) else "")
    if not match:
        raise WireError("data.URL: a fixed address that names no application (JP-YYYY-NNNNNN)")
    return match.group(1) + match.group(2)


def read_bundle(name: str, data: bytes) -> Parsed:
    """A document ZIP (`app_doc_cont_*`): every entry must be a readable JPO document,
    and the ZIP must be one tokkyo can give back as received (the same file entries,
    names and order, `model.bundle_layout`); anything else is refused with the reason."""
    mirror = parse_mirror_name(_base(name))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise Rejected(f"{name}: not a readable ZIP archive ({exc})") from None
    bodies: list[DocumentBody] = []
    entries: list[str] = []
    numbers: set[str] = set()
    laws: set[Law] = set()
    places: dict[tuple[str, str], int] = {}
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise Rejected(f"{name}: member {info.filename} cannot be read ({exc})") from None
            try:
                found = identify(info.filename, content)
            except Rejected as exc:
                raise Rejected(f"{name}: member {exc.reason}") from None
            body = found.body
            if any(b.document_number == body.document_number and b.file_name == body.file_name
                   for b in bodies):
                raise Rejected(f"{name}: member {info.filename}: document "
                               f"{body.document_number} holds {body.file_name} twice")
            place = places.get((body.document_number, body.document_code), 0)
            places[(body.document_number, body.document_code)] = place + 1
            bodies.append(replace(body, position=place))
            entries.append(info.filename)
            if found.application_number:
                numbers.add(found.application_number)
            if found.law:
                laws.add(found.law)
    if not bodies:
        raise Rejected(f"{name}: a document ZIP without documents")
    if mirror is not None and not mirror.example:
        if mirror.operation not in bundle_layout.OPERATIONS:
            raise Rejected(f"{name}: document files in a ZIP named after {mirror.operation}, "
                           "which answers JSON; document ZIPs answer "
                           f"{', '.join(bundle_layout.OPERATIONS)}")
        law, app = mirror.law, mirror.params[0] if mirror.params else ""
        if numbers - {app}:
            raise Rejected(f"{name}: the file name says application {app} but its documents "
                           f"belong to {', '.join(sorted(numbers))}")
        key = "api:" + mirror.path
        operation = mirror.operation
        bodies = [_received(b, operation) for b in bodies]
        layout_of = operation
    else:
        if len(numbers) != 1 or len(laws) > 1:
            raise Rejected(f"{name}: a document ZIP whose application cannot be told from its "
                           "name or contents; keep the name LAW__v1__OPERATION__NUMBER.zip")
        law, app = (laws.pop() if laws else Law.PATENT), numbers.pop()
        key = f"bundle:{law.value}/{app}/" + ",".join(sorted(b.document_number for b in bodies))
        operation = "document-zip"
        # no name says which operation answered: folders are opinions and amendments,
        # flat files mailed documents, and their codes alone must place them
        layout_of = (bundle_layout.OPINION_AMENDMENT if all("/" in e for e in entries)
                     else bundle_layout.REFUSAL_REASON_DECISION)
    mismatch = bundle_layout.check_round_trip(layout_of, entries, bodies)
    if mismatch is not None:
        raise Rejected(f"{name}: a document ZIP tokkyo could not give back as received "
                       f"({layout_of}, jpo-api.md §9): {mismatch.describe()}")
    return Parsed(key, Format.API_ZIP, CaseUpdate(law, app, bodies=tuple(bodies)),
                  kind=operation)


def _received(body: DocumentBody, operation: str) -> DocumentBody:
    """A file as the ZIP of `operation` delivered it. refusal_reason holds notices of
    reasons for refusal only (jpo-api.md §9), so a file of it that names no code (a
    design or trademark HTM) is one (A131)."""
    code = body.document_code
    if not code and operation == bundle_layout.REFUSAL_REASON:
        code = "A131"
    return replace(body, document_code=code, received_in=operation)


def read_loose_document(name: str, data: bytes) -> Parsed:
    """One dossier document outside its ZIP (an unzipped bundle folder)."""
    path = name.replace("\\", "/").split("!")[-1]
    parts = path.split("/")
    found = identify("/".join(parts[-2:]), data)
    law, app = found.law, found.application_number
    operation = ""
    for part in reversed(parts[:-1]):
        mirror = parse_mirror_name(part + ".zip")
        if mirror is not None and mirror.params and not mirror.example:
            law, app = law or mirror.law, app or mirror.params[0]
            operation = mirror.operation     # the unzipped ZIP of that operation
            break
    if law is None or not app:
        raise Rejected(f"{name}: a dossier document outside its ZIP whose application cannot "
                       "be told; import the ZIP it came from")
    body = found.body
    if operation in bundle_layout.OPERATIONS:
        body = _received(body, operation)
    key = f"body:{law.value}/{app}/{body.document_number}/{body.file_name}"
    return Parsed(key, Format.DOCUMENT, CaseUpdate(law, app, bodies=(body,)),
                  kind="document")
