"""Names of mirror files: the request a JPO API answer answered, `/` replaced by `__`.

`patent__v1__app_progress__2020123456.json` answered `GET /api/patent/v1/app_progress/
2020123456`; names are URL-encoded (`applicant_attorney__%E3%83%88…`). The SPEC example
files (`…__application_number__200__100.json`) name parameters instead of values and end
with the HTTP status and statusCode; they are read as mirror files whose parameters come
from the answer itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from tokkyo.model.laws import Law

OPERATIONS: dict[str, tuple[Law, ...]] = {
    "app_progress": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "app_progress_simple": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "divisional_app_info": (Law.PATENT,),
    "priority_right_app_info": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "applicant_attorney_cd": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "applicant_attorney": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "case_number_reference": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "app_doc_cont_opinion_amendment": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "app_doc_cont_refusal_reason_decision": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "app_doc_cont_refusal_reason": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "cite_doc_info": (Law.PATENT,),
    "registration_info": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "jpp_fixed_address": (Law.PATENT, Law.DESIGN, Law.TRADEMARK),
    "pct_national_phase_application_number": (Law.PATENT,),
}

_EXAMPLE_TAIL = re.compile(r"^(?P<http>[0-9]{3})__(?P<code>[0-9]{3}|successfully_completed)$")
_PARAM_NAMES = {"application_number", "applicant_code", "applicants_names", "kind", "number"}


@dataclass(frozen=True, slots=True)
class MirrorName:
    law: Law
    operation: str
    params: tuple[str, ...]
    example: bool = False          # a SPEC example file: params are names, not values
    http_status: str = ""
    status_code: str = ""

    @property
    def path(self) -> str:
        return "/".join((self.law.value, "v1", self.operation, *self.params))


def parse_mirror_name(file_name: str) -> MirrorName | None:
    """The request behind a mirror file name, or None when the name is not of that form."""
    stem, dot, ext = file_name.rpartition(".")
    if not dot or ext.lower() not in ("json", "zip"):
        return None
    parts = stem.split("__")
    if len(parts) < 4 or parts[1] != "v1":
        return None
    try:
        law = Law(parts[0])
    except ValueError:
        return None
    operation = parts[2]
    if law not in OPERATIONS.get(operation, ()):
        return None
    params = parts[3:]
    example = False
    http_status = status_code = ""
    if len(params) >= 3:
        tail = _EXAMPLE_TAIL.match("__".join(params[-2:]))
        if tail and all(p in _PARAM_NAMES for p in params[:-2]):
            example, http_status, status_code = True, tail["http"], tail["code"]
            params = params[:-2]
    return MirrorName(law, operation, tuple(unquote(p) for p in params), example,
                      http_status, status_code)
