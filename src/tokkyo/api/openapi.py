"""tokkyo's own OpenAPI document: the JPO operations with JPO field names, beside the
routes FastAPI describes itself (accounts, admin, documents).

The JPO paths are served by catch-all routes (`/api/{law}/v1/{operation}/{params}`), so
they are described here from the operation table and the wire field tables; every
answer, errors included, is the `{"result": …}` envelope.
"""

from __future__ import annotations

from typing import Any

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from tokkyo.api.envelope import HTTP_STATUS, MESSAGES
from tokkyo.api.operations import OPERATIONS, Operation
from tokkyo.model.laws import Law
from tokkyo.model.wire import fields as spec

#: Swagger UI's files, served from the installed package (swagger-ui-bundle-v2), so that
#: /docs works without a network; FastAPI's own /docs loads them from a CDN.
DOCS_ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"

STRING = {"type": "string"}
DATE = {"type": "string", "pattern": "^([0-9]{8})?$"}


def _object(fields: tuple[spec.Field, ...] | list[spec.Field]) -> dict[str, Any]:
    return {"type": "object", "properties": {
        f.wire: DATE if f.kind == "date" else STRING for f in fields}}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


PARTIES = _array({"type": "object", "properties": {
    k: STRING for k in ("applicantAttorneyCd", "repeatNumber", "name",
                        "applicantAttorneyClass")}})
DOSSIER = _array({"type": "object", "properties": {
    "numberType": STRING, "number": STRING,
    "documentList": _array(_object(spec.DOSSIER_DOCUMENT))}})
INDEXED = {"type": "object", "additionalProperties": STRING}
TRADEMARK = {
    "trademarkForDisplay": STRING, "transliteration": INDEXED, "viennaClass": INDEXED,
    "goodsServiceInformation": _array({"type": "object", "properties": {
        "goodsServiceClass": STRING, "goodsServiceName": STRING, "similarCode": STRING}}),
}


def _blocks(law: Law) -> dict[str, dict[str, Any]]:
    return {
        spec.AA: {"applicantAttorney": PARTIES},
        spec.PR: {"priorityRightInformation": _array(_object(spec.priority_fields(law)))},
        spec.PA: {"parentApplicationInformation": _object(spec.parent_fields(law))},
        spec.DA: {"divisionalApplicationInformation": _array(_object(spec.DIVISIONAL))},
        spec.BI: {"bibliographyInformation": DOSSIER},
        spec.TM: TRADEMARK,
        spec.RP: {"rightPersonInformation": _array({"type": "object", "properties": {
            "rightPersonCd": STRING, "rightPersonName": STRING}})},
    }


def _ordered(law: Law, order: tuple[str, ...], scalars: dict[str, spec.Field]
             ) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    blocks = _blocks(law)
    for key in order:
        if key in blocks:
            properties.update(blocks[key])
        elif key in scalars:
            properties[key] = DATE if scalars[key].kind == "date" else STRING
        else:
            properties[key] = STRING
    return {"type": "object", "properties": properties}


def data_schema(law: Law, op: Operation) -> dict[str, Any]:
    name = op.name
    if name in ("app_progress", "app_progress_simple"):
        return _ordered(law, spec.progress_order(law, name.endswith("simple")),
                        spec.PROGRESS_SCALARS)
    if name == "registration_info":
        return _ordered(law, spec.REGISTRATION_ORDER[law], spec.REGISTRATION_SCALARS)
    if name == "divisional_app_info":
        return _ordered(law, ("applicationNumber", spec.PA, spec.DA), {})
    if name == "priority_right_app_info":
        return _ordered(law, ("applicationNumber", spec.PR), {})
    if name == "cite_doc_info":
        return {"type": "object", "properties": {
            "applicationNumber": STRING,
            "patentDoc": _array(_object(spec.PATENT_CITATION)),
            "nonPatentDoc": _array(_object(spec.NON_PATENT_CITATION))}}
    if name == "case_number_reference":
        return _object([spec.Field("applicationNumber", ""), *spec.NUMBER_REFERENCE[law]])
    if name == "applicant_attorney_cd":
        return {"type": "object", "properties": {"applicantAttorneyName": STRING}}
    if name == "applicant_attorney":
        return {"type": "object", "properties": {"applicantAttorney": _array({
            "type": "object", "properties": {"applicantAttorneyCd": STRING, "name": STRING}})}}
    if name == "pct_national_phase_application_number":
        return {"type": "object", "properties": {"applicationNumber": STRING}}
    return {"type": "object", "properties": {"URL": STRING}}      # jpp_fixed_address, links


def envelope_schema(data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["result"], "properties": {"result": {
        "type": "object",
        "required": ["statusCode", "errorMessage", "remainAccessCount", "data"],
        "properties": {
            "statusCode": {"type": "string", "enum": sorted(MESSAGES)},
            "errorMessage": STRING, "remainAccessCount": STRING,
            "data": {"anyOf": [data, {"type": "object", "maxProperties": 0}]}}}}}


PARAMETERS = {
    "case_number_reference": (("kind", "application, publication or registration"),
                              ("number", "10 digits, or 7 for a registration")),
    "pct_national_phase_application_number": (
        ("kind", "international_application or international_publication"),
        ("number", "JP2019011858 or WO2019123456")),
    "applicant_attorney_cd": (("applicant_code", "9-digit applicant or attorney code"),),
    "applicant_attorney": (("applicants_names", "name, exactly as registered"),),
}


def _operation(law: Law, op: Operation) -> tuple[str, dict[str, Any]]:
    params = PARAMETERS.get(op.name, (("application_number", "10-digit application number"),))
    path = f"/api/{law.value}/v1/{op.name}/" + "/".join(f"{{{n}}}" for n, _ in params)
    body = envelope_schema(data_schema(law, op))
    responses: dict[str, Any] = {
        str(status): {"description": ", ".join(c for c, s in HTTP_STATUS.items()
                                               if s == status),
                      "content": {"application/json": {"schema": body}}}
        for status in sorted(set(HTTP_STATUS.values()))}
    responses["200"] = {"description": "100, 107, 108, 111, 203, 204, 208",
                        "content": {"application/json": {"schema": body}}}
    if op.is_document:
        responses["200"]["content"]["application/zip"] = {
            "schema": {"type": "string", "format": "binary"}}
    return path, {"get": {
        "tags": [law.value], "operationId": f"{law.value}_{op.name}",
        "summary": op.name, "security": [{"bearer": []}],
        "parameters": [{"name": n, "in": "path", "required": True,
                        "description": d, "schema": STRING} for n, d in params],
        "responses": responses}}


OPD_PARAMETERS = {
    "family": (("reference_kind", "application or publication"),
               ("reference", "CC.number.kind, e.g. JP.2020123456.A")),
    "family_list": (("reference_kind", "application or publication"),
                    ("reference", "CC.number.kind, e.g. JP.2020123456.A")),
    "global_doc_list": (("reference", "CC.number.kind of the application"),),
    "global_cite_class": (("reference", "CC.number.kind of the application"),),
    "global_doc_cont": (("reference", "CC.number.kind of the application"),
                        ("document_id", "a document id from global_doc_list")),
    "jp_doc_cont": (("reference", "CC.number.kind of the application"),
                    ("document_id", "a JP document number")),
}


def _opd_operation(name: str, params: tuple[tuple[str, str], ...]
                   ) -> tuple[str, dict[str, Any]]:
    path = f"/opdapi/patent/v1/{name}/" + "/".join(f"{{{n}}}" for n, _ in params)
    body = envelope_schema({"type": "object"})
    content: dict[str, Any] = {"application/json": {"schema": body},
                               "application/xml": {"schema": {"type": "string"}}}
    if name == "jp_doc_cont":
        content["application/zip"] = {"schema": {"type": "string", "format": "binary"}}
    responses = {str(status): {"description": "the envelope", "content": {
        "application/json": {"schema": body}, "application/xml": {"schema": STRING}}}
        for status in sorted(set(HTTP_STATUS.values()))}
    responses["200"] = {"description": "the envelope (JSON, or XML for Accept: "
                                       "application/xml)", "content": content}
    return path, {"get": {
        "tags": ["opd"], "operationId": f"opd_{name}", "summary": name,
        "security": [{"bearer": []}],
        "parameters": [{"name": n, "in": "path", "required": True, "description": d,
                        "schema": STRING} for n, d in params],
        "responses": responses}}


def document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    paths = schema.setdefault("paths", {})
    for op in OPERATIONS.values():
        for law in op.laws:
            path, item = _operation(law, op)
            paths[path] = item
    for name, params in OPD_PARAMETERS.items():
        path, item = _opd_operation(name, params)
        paths[path] = item
    token_path = app.state.context.settings.token_path
    paths[token_path] = {"post": {
        "tags": ["auth"], "operationId": "token", "summary": "OAuth2 token (password or "
        "refresh_token grant)",
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "required": ["grant_type"], "properties": {
                "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
                "username": STRING, "password": STRING, "refresh_token": STRING}}}}},
        "responses": {"200": {"description": "tokens"},
                      "400": {"description": "invalid_grant / unsupported_grant_type"},
                      "401": {"description": "invalid credentials"}}}}
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http", "scheme": "bearer",
        "description": f"an access_token from POST {token_path}"}
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    _install_docs(app)


def _install_docs(app: FastAPI) -> None:
    """/docs with Swagger UI's own files, served by tokkyo (the app is made with
    docs_url=None, so FastAPI does not add its CDN page)."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_bundle.swagger_ui_path)),
              name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} – API",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png")

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
