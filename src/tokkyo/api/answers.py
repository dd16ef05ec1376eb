"""The `data` of each JPO API operation, built from the store.

`answer` returns the statusCode (`100`, `107`) and the `data` object; the envelope,
quotas and HTTP belong to the routes. A case answers an operation only when the store
holds the part that operation reports (a case known only by a number cross-reference
has no progress to report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.model.laws import Law
from tokkyo.model.wire import encode
from tokkyo.store.repositories import case_numbers, case_reader, parties
from tokkyo.store.repositories.case_reader import CaseRecord

FOUND, NOT_FOUND = "100", "107"


@dataclass(frozen=True, slots=True)
class Answer:
    status: str
    data: dict[str, Any]


_MISSING = Answer(NOT_FOUND, {})


def _case(conn: sa.Connection, law: Law, number: str, needs: str) -> CaseRecord | None:
    record = case_reader.load_case(conn, law, number)
    if record is None or needs not in record.sections:
        return None
    return record


def answer(conn: sa.Connection, law: Law, operation: str, params: tuple[str, ...]) -> Answer:
    handler = _HANDLERS.get(operation)
    if handler is None:
        raise KeyError(operation)
    return handler(conn, law, *params)


def _progress(conn: sa.Connection, law: Law, number: str, simple: bool = False) -> Answer:
    record = _case(conn, law, number, "progress")
    if record is None:
        return _MISSING
    return Answer(FOUND, encode.progress(law, number, record.progress, simple=simple,
                                         priority_rows=record.priorities,
                                         family=record.family,
                                         trademark_info=record.trademark))


def _progress_simple(conn: sa.Connection, law: Law, number: str) -> Answer:
    return _progress(conn, law, number, simple=True)


def _divisional(conn: sa.Connection, law: Law, number: str) -> Answer:
    record = _case(conn, law, number, "family")
    if record is None:
        return _MISSING
    return Answer(FOUND, encode.divisional_info(law, number, record.family))


def _priority(conn: sa.Connection, law: Law, number: str) -> Answer:
    record = _case(conn, law, number, "priorities")
    if record is None:
        return _MISSING
    return Answer(FOUND, encode.priority_info(law, number, record.priorities))


def _registration(conn: sa.Connection, law: Law, number: str) -> Answer:
    record = _case(conn, law, number, "registration")
    if record is None or record.registration is None:
        return _MISSING
    return Answer(FOUND, encode.registration(law, number, record.registration, record.trademark))


def _citations(conn: sa.Connection, law: Law, number: str) -> Answer:
    record = _case(conn, law, number, "citations")
    if record is None:
        return _MISSING
    return Answer(FOUND, encode.citations(number, record.citations))


def _fixed_address(conn: sa.Connection, law: Law, number: str) -> Answer:
    record = _case(conn, law, number, "fixed_address")
    if record is None or not record.fixed_address:
        return _MISSING
    return Answer(FOUND, {"URL": record.fixed_address})


#: The numbers case_number_reference looks a case up by.
_REFERENCE_KINDS = ("application", "publication", "registration")


def _number_reference(conn: sa.Connection, law: Law, kind: str, number: str) -> Answer:
    if kind not in _REFERENCE_KINDS:
        return _MISSING
    app_number = case_numbers.application_number(conn, law, kind, number, oldest=True)
    if app_number is None:
        return _MISSING
    record = case_reader.load_case(conn, law, app_number)
    assert record is not None
    return Answer(FOUND, encode.number_reference(law, app_number, record.numbers))


def _pct(conn: sa.Connection, law: Law, kind: str, number: str) -> Answer:
    by = ("international_application" if kind == "international_application"
          else "international_publication")
    app_number = case_numbers.application_number(conn, law, by, number)
    if app_number is None:
        return _MISSING
    return Answer(FOUND, {"applicationNumber": app_number})


def _party_code(conn: sa.Connection, law: Law, code: str) -> Answer:
    name = parties.name_of(conn, code)
    if name is None:
        return _MISSING
    return Answer(FOUND, {"applicantAttorneyName": name})


def _party_name(conn: sa.Connection, law: Law, name: str) -> Answer:
    found = parties.codes_named(conn, name)
    if not found:
        return _MISSING
    return Answer(FOUND, encode.party_names(found))


_HANDLERS: dict[str, Callable[..., Answer]] = {
    "app_progress": _progress,
    "app_progress_simple": _progress_simple,
    "divisional_app_info": _divisional,
    "priority_right_app_info": _priority,
    "registration_info": _registration,
    "cite_doc_info": _citations,
    "jpp_fixed_address": _fixed_address,
    "case_number_reference": _number_reference,
    "pct_national_phase_application_number": _pct,
    "applicant_attorney_cd": _party_code,
    "applicant_attorney": _party_name,
}
