"""One result row as people and programs read it, the same on every surface (the portal's
pages, JSON and CSV, `tokkyo search`): the case's numbers as J-PlatPat writes them, a hit
as JSON, and a result list as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tokkyo.documents.results import Results
from tokkyo.documents.service import CountryCoverage, SourceFreshness
from tokkyo.documents.summaries import CaseSummary
from tokkyo.model import printed_numbers as printed
from tokkyo.model.numbers import JPNumber
from tokkyo.search.formulas import Formula


def app_label(row: CaseSummary) -> str:
    """The application as J-PlatPat writes it (特願2019-165329), model/printed_numbers."""
    return printed.application_label(row.country, row.law, row.application_number)


def document_label(row: CaseSummary) -> str:
    """The document a row shows, as the document page names it (特開2021-044377)."""
    if row.document_kind:
        return printed.document_label(row.country, row.law, row.document_kind,
                                      row.document_number)
    return registration_label(row) or app_label(row)


def registration_label(row: CaseSummary) -> str:
    """The registration as J-PlatPat writes it (意匠登録1735126), "" while unregistered."""
    return printed.registration_label(row.country, row.law, row.registration_number)


def hit_json(row: CaseSummary) -> dict[str, Any]:
    """One result row as programs get it (results, saved formulas, number lookup)."""
    return {"country": row.country, "application": row.application_number, "law": row.law,
            "document": row.document_number, "kind": row.document_kind, "title": row.title,
            "applicants": row.applicants,
            "filing_date": row.filing_date.isoformat() if row.filing_date else "",
            "publication_date": row.publication_date.isoformat()
            if row.publication_date else "",
            "registration": row.registration_number,
            "registration_date": row.registration_date.isoformat()
            if row.registration_date else "",
            "design_class": row.design_class, "mark": row.mark, "classes": row.classes,
            "status": row.status.status.value if row.status else "", "url": row.permalink}


def results_json(found: Results, *, permalink: str, as_of: Sequence[SourceFreshness],
                 formula: Formula | None = None, numbers: Sequence[JPNumber] = (),
                 coverage: Sequence[CountryCoverage] = ()) -> dict[str, Any]:
    """A result list as programs get it: the expression as run (fully bracketed), the
    count and page, where it lives, what the data is as of, and the hits."""
    return {"expression": found.expression, "law": found.law, "total": found.total,
            "page": found.page, "pages": found.pages, "sort": found.sort,
            "warnings": found.warnings, "permalink": permalink,
            "formula": formula.as_json() if formula is not None else None,
            "data_as_of": [s.as_json() for s in as_of],
            "numbers": [{"kind": x.kind.value, "key": x.key, "note": x.note}
                        for x in numbers],
            "coverage": [c.as_json() for c in coverage],
            # a hit a text term matched in a stored machine translation says so
            "hits": [hit_json(r) | ({"machine_translation": True} if r.id in found.translated
                                    else {}) for r in found.rows]}
