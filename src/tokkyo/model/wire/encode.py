"""Model values to JPO API `data` objects, in wire order with every value a string."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tokkyo.model.cases import Family, NumberReference, Priority, Progress
from tokkyo.model.citations import Citations
from tokkyo.model.dossier import DossierGroup
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyName, PartyRole
from tokkyo.model.registrations import Registration
from tokkyo.model.trademarks import TrademarkInfo
from tokkyo.model.wire import fields as spec
from tokkyo.model.wire.records import encode_record, encode_value


def parties(rows: Sequence[Party], law: Law) -> list[dict[str, str]]:
    out = []
    for party in rows:
        if party.role not in (PartyRole.APPLICANT, PartyRole.ATTORNEY):
            continue
        row = {"applicantAttorneyCd": party.code}
        if law is not Law.TRADEMARK:
            row["repeatNumber"] = encode_value(party.sequence, "int")
        row["name"] = party.name
        row["applicantAttorneyClass"] = party.role.api_class
        out.append(row)
    return out


def dossier(groups: Sequence[DossierGroup]) -> list[dict[str, Any]]:
    return [{"numberType": g.number_type, "number": g.number,
             "documentList": [encode_record(doc, spec.DOSSIER_DOCUMENT) for doc in g.documents]}
            for g in groups]


def priorities(rows: Sequence[Priority], law: Law) -> list[dict[str, str]]:
    return [encode_record(p, spec.priority_fields(law)) for p in rows]


def parent(family: Family | None, law: Law) -> dict[str, str]:
    if family is None or family.parent is None:
        return {}
    return encode_record(family.parent, spec.parent_fields(law))


def divisionals(family: Family | None) -> list[dict[str, str]]:
    return [] if family is None else [encode_record(d, spec.DIVISIONAL) for d in family.divisionals]


def trademark(info: TrademarkInfo | None) -> dict[str, Any]:
    info = info or TrademarkInfo()
    return {
        "trademarkForDisplay": info.display,
        "transliteration": {str(i): text for i, text in enumerate(info.readings)},
        "viennaClass": {str(i): code for i, code in enumerate(info.vienna_codes)},
        "goodsServiceInformation": [
            {"goodsServiceClass": g.nice_class, "goodsServiceName": g.names,
             "similarCode": " ".join(g.similar_codes)} for g in info.goods_services],
    }


def progress(law: Law, application_number: str, info: Progress, *, simple: bool,
             priority_rows: Sequence[Priority] = (), family: Family | None = None,
             trademark_info: TrademarkInfo | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in spec.progress_order(law, simple):
        if key == "applicationNumber":
            out[key] = application_number
        elif key == spec.AA:
            out["applicantAttorney"] = parties(info.parties, law)
        elif key == spec.PR:
            out["priorityRightInformation"] = priorities(priority_rows, law)
        elif key == spec.PA:
            out["parentApplicationInformation"] = parent(family, law)
        elif key == spec.DA:
            out["divisionalApplicationInformation"] = divisionals(family)
        elif key == spec.BI:
            out["bibliographyInformation"] = dossier(info.dossier)
        elif key == spec.TM:
            out.update(trademark(trademark_info))
        else:
            field = spec.PROGRESS_SCALARS[key]
            out[key] = encode_value(getattr(info, field.attr), field.kind)
    return out


def registration(law: Law, application_number: str, reg: Registration,
                 trademark_info: TrademarkInfo | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in spec.REGISTRATION_ORDER[law]:
        if key == "applicationNumber":
            out[key] = application_number
        elif key == spec.RP:
            out["rightPersonInformation"] = [
                {"rightPersonCd": p.code, "rightPersonName": p.name} for p in reg.right_holders]
        elif key == spec.TM:
            out.update(trademark(trademark_info))
        else:
            field = spec.REGISTRATION_SCALARS[key]
            out[key] = encode_value(getattr(reg, field.attr), field.kind)
    return out


def citations(application_number: str, cites: Citations) -> dict[str, Any]:
    return {"applicationNumber": application_number,
            "patentDoc": [encode_record(c, spec.PATENT_CITATION) for c in cites.patents],
            "nonPatentDoc": [encode_record(c, spec.NON_PATENT_CITATION) for c in cites.non_patents]}


def priority_info(law: Law, application_number: str, rows: Sequence[Priority]
                  ) -> dict[str, Any]:
    return {"applicationNumber": application_number,
            "priorityRightInformation": priorities(rows, law)}


def divisional_info(law: Law, application_number: str, family: Family | None) -> dict[str, Any]:
    return {"applicationNumber": application_number,
            "parentApplicationInformation": parent(family, law),
            "divisionalApplicationInformation": divisionals(family)}


def number_reference(law: Law, application_number: str, refs: NumberReference
                     ) -> dict[str, str]:
    out = {"applicationNumber": application_number}
    out.update(encode_record(refs, spec.NUMBER_REFERENCE[law]))
    return out


def party_name(name: PartyName) -> dict[str, str]:
    return {"applicantAttorneyName": name.name}


def party_names(names: Sequence[PartyName]) -> dict[str, Any]:
    return {"applicantAttorney": [{"applicantAttorneyCd": n.code, "name": n.name}
                                  for n in names]}
