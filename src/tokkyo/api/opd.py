"""OPD (One Portal Dossier) answers for JP cases, from tokkyo's own store (jpo-api.md §8).

JPO has published no OPD specification; the XML shapes follow what existing clients read
(`<api-data xmlns="https://www.jpo.go.jp">` with `family-list-data`, `document-list-data`
…). tokkyo answers JP cases only; foreign cases answer 107 until exchange data arrives.
The JSON form mirrors the XML element names in camelCase (a tokkyo decision).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.model.laws import Law
from tokkyo.store.repositories import case_numbers, case_reader
from tokkyo.store.repositories.case_reader import CaseRecord

REF = re.compile(r"^(?P<cc>[A-Za-z]{2})\.(?P<number>[0-9]{1,94})\.(?P<kind>[A-Za-z0-9*]{1,2})$")
OPERATIONS = {"family": 2, "family_list": 2, "global_doc_list": 1, "global_cite_class": 1,
              "global_doc_cont": 2, "jp_doc_cont": 2}


@dataclass(frozen=True, slots=True)
class Ref:
    country: str
    number: str
    kind: str


def parse_ref(text: str) -> Ref | None:
    match = REF.match(text)
    if not match:
        return None
    return Ref(match["cc"].upper(), match["number"], match["kind"].upper())


def find_case(conn: sa.Connection, ref: Ref, by: str = "application") -> CaseRecord | None:
    """The JP patent case a reference names. Operations with one reference take the
    application number (`JP.2020123456.A`, as clients build it from the application);
    `family` says whether the reference is an application or a publication; a
    publication reference of kind B with 7 digits is a registration."""
    if ref.country != "JP":
        return None
    if by == "application":
        kind = "application"
    elif ref.kind.startswith("B") and len(ref.number) == 7:
        kind = "registration"
    else:
        kind = "publication"
    number = case_numbers.application_number(conn, Law.PATENT, kind, ref.number)
    return case_reader.load_case(conn, Law.PATENT, number) if number else None


def _date(value: Any) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _id(number: str, date: Any) -> dict[str, str]:
    return {"document-number": number, "date": _date(date)}


def family(record: CaseRecord, with_dates: bool) -> dict[str, Any]:
    p = record.progress
    member: dict[str, Any] = {
        "@id": f"JP.{record.application_number}.A",
        "application-number": _id(f"JP.{record.application_number}.A",
                                  p.filing_date if with_dates else None),
        "publication-numbers": [
            _id(f"JP.{p.ad_publication_number}.A", p.publication_date if with_dates else None)
        ] if p.ad_publication_number else [],
        "registration-numbers": [
            _id(f"JP.{p.registration_number}.B", p.registration_date if with_dates else None)
        ] if p.registration_number else [],
    }
    key = "family-list-data" if with_dates else "family-data"
    return {key: {"family-lists" if with_dates else "family-members": [member]}}


def document_list(record: CaseRecord) -> dict[str, Any]:
    applicants = [party.name for party in record.progress.parties
                  if party.role.value == "applicant"]
    documents = [{"@group": group.number_type, "legal-date": _date(doc.legal_date),
                  "original": {"@id": f"{doc.document_number}_{doc.document_code}_JP",
                               "document-description": doc.description}}
                 for group in record.progress.dossier for doc in group.documents]
    return {"document-list-data": {
        "bibliographic": {"original": {"invention-title": record.progress.title,
                                       "applicant": [{"last-name": n} for n in applicants]}},
        "document-lists": documents}}


def cite_class(conn: sa.Connection, record: CaseRecord) -> dict[str, Any]:
    rows = case_reader.classifications_of(conn, record.id)
    return {"citation-and-classification-data": {
        "citations": [{"document-number": c.document_number, "citation-type": c.citation_type,
                       "draft-date": _date(c.draft_date)} for c in record.citations.patents],
        "classifications": [{"@scheme": r.scheme, "code": r.code} for r in rows]}}


def to_json(value: Any) -> Any:
    """XML-shaped dicts to the JSON form: attributes and elements in camelCase."""
    if isinstance(value, dict):
        return {_camel(k.lstrip("@")): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.capitalize() for part in rest)
