"""OPD: `GET /opdapi/patent/v1/{operation}/{params}`, JSON or `<api-data>` XML."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from lxml import etree

from tokkyo.api import envelope, opd
from tokkyo.api.found import Found
from tokkyo.api.metering import Reply, answered, logged, metered
from tokkyo.api.opd import CaseRecord
from tokkyo.api.operations import FORBIDDEN
from tokkyo.web.context import context_of

router = APIRouter()
XML_NS = "https://www.jpo.go.jp"


def wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "xml" in accept and "json" not in accept


def xml_response(code: str, payload: dict[str, Any] | None = None, remain: int | None = None,
                 headers: dict[str, str] | None = None) -> Response:
    root = etree.Element("api-data", nsmap={None: XML_NS})
    values = envelope.body(code, None, remain)["result"]
    for key in ("statusCode", "errorMessage", "remainAccessCount"):
        etree.SubElement(root, key).text = values[key] or None
    if code == "100" and payload:
        _append(root, payload)
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return Response(data, status_code=envelope.http_status(code), media_type="application/xml",
                    headers=headers)


def _append(parent: etree._Element, payload: dict[str, Any]) -> None:
    for key, value in payload.items():
        if key.startswith("@"):
            parent.set(key[1:], str(value))
        elif isinstance(value, dict):
            _append(etree.SubElement(parent, key), value)
        elif isinstance(value, list):
            if key.endswith("s"):
                wrapper = etree.SubElement(parent, key)
                for item in value:
                    _append(etree.SubElement(wrapper, key[:-1]), item)
            else:
                for item in value:
                    _append(etree.SubElement(parent, key), item)
        else:
            etree.SubElement(parent, key).text = str(value) if value else None


def _precheck(operation: str, values: tuple[str, ...]) -> str | None:
    if any(FORBIDDEN.search(v) for v in values):
        return "208"
    ref_text = values[-1] if operation in ("family", "family_list") else values[0]
    if operation in ("family", "family_list") and values[0] not in ("application",
                                                                     "publication"):
        return "204"
    return None if opd.parse_ref(ref_text) else "204"


@router.api_route("/opdapi/patent/v1/{operation}/{params:path}", methods=["GET", "HEAD"],
                  include_in_schema=False)
def opd_call(request: Request, operation: str, params: str) -> Response:
    ctx = context_of(request)
    values = tuple(params.split("/"))
    xml = wants_xml(request)
    render = xml_response if xml else envelope.response
    if opd.OPERATIONS.get(operation) != len(values):
        return answered(request, logged(ctx, request, Reply(render("301"), "301"), "opd",
                                         "patent", operation))

    def answer(code: str, payload: dict[str, Any] | None = None) -> Found:
        if xml:
            return Found(code, lambda remain, headers: xml_response(code, payload, remain,
                                                                    headers))
        data = opd.to_json(payload) if payload else None
        return Found(code, lambda remain, headers: envelope.response(code, data, remain,
                                                                     headers))

    def lookup(conn: sa.Connection) -> Found:
        family = operation in ("family", "family_list")
        ref = opd.parse_ref(values[-1] if family else values[0])
        assert ref is not None
        record = opd.find_case(conn, ref, values[0] if family else "application")
        if record is None:
            return answer("107")
        if family:
            return answer("100", opd.family(record, operation == "family_list"))
        if operation == "global_doc_list":
            return answer("100", opd.document_list(record))
        if operation == "global_cite_class":
            return answer("100", opd.cite_class(conn, record))
        if operation == "jp_doc_cont":
            data = _document_zip(ctx, record, values[1])
            if data is None:
                return answer("108")
            disposition = {"Content-Disposition": f"attachment;filename={values[0]}_"
                                                  f"{values[1]}.zip"}
            return Found("100", lambda remain, headers: Response(
                data, media_type="application/zip", headers={**headers, **disposition}))
        return answer("108")                      # global_doc_cont: no PDFs held

    reply = metered(ctx, request, service="opd", law="patent", operation=operation,
                    precheck=_precheck(operation, values), lookup=lookup, render=render)
    return answered(request, reply)


def _document_zip(ctx: Any, record: CaseRecord, document_id: str) -> bytes | None:
    """The files of one dossier document (`document_id` = its number, or number_code_JP)."""
    number = document_id.split("_")[0]
    bodies = [b for b in record.bodies if b.document_number == number]
    if not bodies:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for body in bodies:
            archive.writestr(body.file_name, ctx.database.blobs.get(body.blob_sha256))
    return buffer.getvalue()
