"""Daily caps per law and operation (HB1.4 Tables 1–4; jpo-api.md §5) and the rules for
per-user multipliers."""

from __future__ import annotations

from tokkyo.model.laws import Law

_ALL = (Law.PATENT, Law.DESIGN, Law.TRADEMARK)
_COMMON = {
    "app_progress": 400, "app_progress_simple": 400, "priority_right_app_info": 30,
    "applicant_attorney_cd": 200, "applicant_attorney": 200, "case_number_reference": 50,
    "app_doc_cont_opinion_amendment": 100, "app_doc_cont_refusal_reason_decision": 100,
    "app_doc_cont_refusal_reason": 100, "registration_info": 200, "jpp_fixed_address": 200,
}
_PATENT_ONLY = {"divisional_app_info": 30, "cite_doc_info": 50,
                "pct_national_phase_application_number": 200}

#: (law, operation) → default daily cap.
DEFAULT_CAPS: dict[tuple[str, str], int] = {
    **{(law.value, op): cap for law in _ALL for op, cap in _COMMON.items()},
    **{(Law.PATENT.value, op): cap for op, cap in _PATENT_ONLY.items()},
}

#: OPD caps; not adjustable (jpo-api.md §5).
OPD_CAPS: dict[str, int] = {"family": 100, "family_list": 300, "global_doc_list": 300,
                            "global_cite_class": 100, "global_doc_cont": 100,
                            "jp_doc_cont": 100}

DOCUMENT_OPERATIONS = ("app_doc_cont_opinion_amendment", "app_doc_cont_refusal_reason_decision",
                       "app_doc_cont_refusal_reason")
CORPORATE_FACTOR, PROVIDER_FACTOR = 2, 5
MAX_CORPORATE_OPERATIONS = 3
