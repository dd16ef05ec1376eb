"""The operations of the API, their parameters, and the checks on them (jpo-api.md §4, §6).

`check` returns the statusCode a request's parameters earn before any lookup: `208` for a
forbidden character, `204` for a malformed number where the operation has 204, `107`
where it does not, `111` for a patent number outside the Heisei/Reiwa eras, or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokkyo.model.laws import Law

P, D, T = Law.PATENT, Law.DESIGN, Law.TRADEMARK
FORBIDDEN = re.compile(r"[\t,:;|]")
APPLICATION = re.compile(r"^[0-9]{10}$")
_NUMBER_FORMS = {"application": APPLICATION, "publication": APPLICATION,
                 "registration": re.compile(r"^[0-9]{7}$")}
_PCT_FORMS = {"international_application": re.compile(r"^[A-Z]{2}[0-9]{10}$"),
              "international_publication": re.compile(r"^WO[0-9]{10}$")}


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    laws: tuple[Law, ...]
    params: int = 1
    zip_prefix: str = ""            # document operations: the ZIP file name prefix

    @property
    def is_document(self) -> bool:
        return bool(self.zip_prefix)


OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("app_progress", (P, D, T)),
    Operation("app_progress_simple", (P, D, T)),
    Operation("divisional_app_info", (P,)),
    Operation("priority_right_app_info", (P, D, T)),
    Operation("applicant_attorney_cd", (P, D, T)),
    Operation("applicant_attorney", (P, D, T)),
    Operation("case_number_reference", (P, D, T), params=2),
    Operation("app_doc_cont_opinion_amendment", (P, D, T),
              zip_prefix="docContOpinionAmendment"),
    Operation("app_doc_cont_refusal_reason_decision", (P, D, T),
              zip_prefix="docContRefusalReasonDecision"),
    Operation("app_doc_cont_refusal_reason", (P, D, T), zip_prefix="docContRefusalReason"),
    Operation("cite_doc_info", (P,)),
    Operation("registration_info", (P, D, T)),
    Operation("jpp_fixed_address", (P, D, T)),
    Operation("pct_national_phase_application_number", (P,), params=2),
)}


def find(law: str, name: str, params: tuple[str, ...]) -> tuple[Law, Operation] | None:
    """The operation a path names, or None (an unknown URL: 301)."""
    op = OPERATIONS.get(name)
    try:
        which = Law(law)
    except ValueError:
        return None
    if op is None or which not in op.laws or len(params) != op.params:
        return None
    return which, op


def check(law: Law, op: Operation, params: tuple[str, ...]) -> str | None:
    if any(FORBIDDEN.search(p) for p in params):
        return "208"
    if op.name == "case_number_reference":
        kind, number = params
        kinds = ("application", "publication", "registration") if law is P else (
            "application", "registration")
        if kind not in kinds or not _NUMBER_FORMS[kind].match(number):
            return "204"
        if law is P and kind != "registration" and int(number[:4]) < 1989:
            return "111"
        return None
    if op.name == "pct_national_phase_application_number":
        kind, number = params
        form = _PCT_FORMS.get(kind)
        return None if form is not None and form.match(number) else "204"
    if op.name == "applicant_attorney_cd":
        return None if re.fullmatch(r"[0-9]{9}", params[0]) else "107"
    if op.name == "applicant_attorney":
        return None if params[0].strip() else "107"
    return None if APPLICATION.match(params[0]) else "107"
