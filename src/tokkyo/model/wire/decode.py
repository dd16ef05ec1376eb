"""JPO API answers (`data` objects) to model values, for mirror import.

Each function takes the `data` object of a `100` answer and returns model values plus
a list of problems (keys the format does not define, typo keys repaired). Values that do
not have their required form raise `WireError` naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tokkyo.model.cases import (
    CaseUpdate,
    Divisional,
    Family,
    NumberReference,
    ParentApplication,
    Priority,
    Progress,
)
from tokkyo.model.citations import Citations, NonPatentCitation, PatentCitation
from tokkyo.model.dossier import DossierDocument, DossierGroup
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyName, PartyRole
from tokkyo.model.registrations import Registration
from tokkyo.model.trademarks import GoodsServices, TrademarkInfo
from tokkyo.model.wire import fields as spec
from tokkyo.model.wire.records import (
    Field,
    WireError,
    decode_fields,
    decode_value,
    repair_typo_keys,
    unknown_keys,
)


class Decoded:
    """Problems found while decoding one answer (not fatal; reported by the ingest run)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def obj(self, data: Any, where: str, known: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise WireError(f"{where}: expected an object, got {type(data).__name__}")
        fixed, repaired = repair_typo_keys(data)
        self.problems += [f"{where}: {p}" for p in repaired]
        self.problems += unknown_keys(fixed, known, where)
        return fixed

    def rows(self, data: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = data.get(key, [])
        if isinstance(value, Mapping):
            # The SPEC schema shows some arrays as objects; answers carry arrays (§10.1).
            return [value] if value else []
        if not isinstance(value, list):
            raise WireError(f"{where}.{key}: expected an array, got {type(value).__name__}")
        return value

    def record(self, data: Any, fields: Sequence[Field], where: str, extra: Sequence[str] = ()
               ) -> dict[str, Any]:
        obj = self.obj(data, where, [f.wire for f in fields] + list(extra))
        return decode_fields(obj, fields, where)


def application_number(data: Mapping[str, Any], where: str = "data") -> str:
    number = data.get("applicationNumber", "")
    if not isinstance(number, str) or len(number) != 10 or not number.isdigit():
        raise WireError(f"{where}.applicationNumber: {number!r} is not a 10-digit "
                        "application number")
    return number


def parties(d: Decoded, data: Mapping[str, Any], law: Law) -> tuple[Party, ...]:
    keys = ["applicantAttorneyCd", "repeatNumber", "name", "applicantAttorneyClass"]
    out = []
    for i, row in enumerate(d.rows(data, "applicantAttorney", "data")):
        where = f"data.applicantAttorney[{i}]"
        obj = d.obj(row, where, keys)
        klass = decode_value(obj.get("applicantAttorneyClass", ""), "str", where)
        try:
            role = PartyRole.from_api_class(klass)
        except ValueError as exc:
            raise WireError(f"{where}: {exc}") from None
        sequence = decode_value(obj.get("repeatNumber", ""), "int", f"{where}.repeatNumber")
        out.append(Party(role=role, name=decode_value(obj.get("name", ""), "str", where),
                         code=decode_value(obj.get("applicantAttorneyCd", ""), "str", where),
                         sequence=sequence))
    return tuple(out)


def dossier(d: Decoded, data: Mapping[str, Any]) -> tuple[DossierGroup, ...]:
    groups = []
    for i, row in enumerate(d.rows(data, "bibliographyInformation", "data")):
        where = f"data.bibliographyInformation[{i}]"
        obj = d.obj(row, where, ["numberType", "number", "documentList"])
        documents = tuple(
            DossierDocument(**d.record(doc, spec.DOSSIER_DOCUMENT, f"{where}.documentList[{j}]"))
            for j, doc in enumerate(d.rows(obj, "documentList", where)))
        groups.append(DossierGroup(number_type=decode_value(obj.get("numberType", ""), "str",
                                                            where),
                                   number=decode_value(obj.get("number", ""), "str", where),
                                   documents=documents))
    return tuple(groups)


def priorities(d: Decoded, data: Mapping[str, Any], law: Law) -> tuple[Priority, ...]:
    return tuple(Priority(**d.record(row, spec.priority_fields(law),
                                     f"data.priorityRightInformation[{i}]"))
                 for i, row in enumerate(d.rows(data, "priorityRightInformation", "data")))


def family(d: Decoded, data: Mapping[str, Any], law: Law) -> Family:
    parent_data = data.get("parentApplicationInformation", {})
    parent = None
    if parent_data:
        parent = ParentApplication(**d.record(parent_data, spec.parent_fields(law),
                                              "data.parentApplicationInformation"))
    divisionals = tuple(
        Divisional(**d.record(row, spec.DIVISIONAL, f"data.divisionalApplicationInformation[{i}]"))
        for i, row in enumerate(d.rows(data, "divisionalApplicationInformation", "data")))
    return Family(parent=parent, divisionals=divisionals)


def _indexed(d: Decoded, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """`transliteration`/`viennaClass`: objects keyed by index strings (§10.3)."""
    value = data.get(key, {})
    if isinstance(value, list):
        items = list(enumerate(value))
    elif isinstance(value, Mapping):
        try:
            items = sorted((int(k), v) for k, v in value.items())
        except ValueError:
            raise WireError(f"data.{key}: keys {list(value)!r} are not index numbers") from None
    else:
        raise WireError(f"data.{key}: expected an object keyed by index, got {value!r}")
    return tuple(decode_value(v, "str", f"data.{key}[{i}]") for i, v in items)


def trademark(d: Decoded, data: Mapping[str, Any]) -> TrademarkInfo:
    goods = []
    for i, row in enumerate(d.rows(data, "goodsServiceInformation", "data")):
        where = f"data.goodsServiceInformation[{i}]"
        obj = d.obj(row, where, ["goodsServiceClass", "goodsServiceName", "similarCode"])
        goods.append(GoodsServices(
            nice_class=decode_value(obj.get("goodsServiceClass", ""), "str", where),
            names=decode_value(obj.get("goodsServiceName", ""), "str", where),
            similar_codes=tuple(decode_value(obj.get("similarCode", ""), "str", where).split())))
    return TrademarkInfo(
        display=decode_value(data.get("trademarkForDisplay", ""), "str", "data"),
        readings=_indexed(d, data, "transliteration"),
        vienna_codes=_indexed(d, data, "viennaClass"),
        goods_services=tuple(goods))


_BLOCK_KEYS = {spec.AA: ("applicantAttorney",), spec.PR: ("priorityRightInformation",),
               spec.PA: ("parentApplicationInformation",),
               spec.DA: ("divisionalApplicationInformation",),
               spec.BI: ("bibliographyInformation",),
               spec.TM: spec.TM_KEYS, spec.RP: ("rightPersonInformation",)}


def _known(order: Sequence[str]) -> list[str]:
    known: list[str] = []
    for key in order:
        known.extend(_BLOCK_KEYS.get(key, (key,)))
    return known


def progress(data: Any, law: Law, simple: bool) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    order = spec.progress_order(law, simple)
    obj = d.obj(data, "data", _known(order))
    number = application_number(obj)
    scalars = [spec.PROGRESS_SCALARS[k] for k in order if k in spec.PROGRESS_SCALARS]
    values = decode_fields(obj, scalars, "data")
    values.setdefault("design_class", None)
    values.setdefault("principal_design_application_number", None)
    info = Progress(**values, parties=parties(d, obj, law), dossier=dossier(d, obj))
    update = CaseUpdate(
        law=law, application_number=number, progress=info,
        priorities=None if simple else priorities(d, obj, law),
        family=None if simple else family(d, obj, law),
        trademark=trademark(d, obj) if law is Law.TRADEMARK else None)
    return update, d.problems


def registration(data: Any, law: Law) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    order = spec.REGISTRATION_ORDER[law]
    obj = d.obj(data, "data", _known(order))
    number = application_number(obj)
    scalars = [spec.REGISTRATION_SCALARS[k] for k in order if k in spec.REGISTRATION_SCALARS]
    values = decode_fields(obj, scalars, "data")
    holders = []
    for i, row in enumerate(d.rows(obj, "rightPersonInformation", "data")):
        where = f"data.rightPersonInformation[{i}]"
        rp = d.obj(row, where, ["rightPersonCd", "rightPersonName"])
        holders.append(Party(role=PartyRole.RIGHT_HOLDER,
                             code=decode_value(rp.get("rightPersonCd", ""), "str", where),
                             name=decode_value(rp.get("rightPersonName", ""), "str", where),
                             sequence=i + 1))
    if not values["registration_number"]:
        raise WireError("data.registrationNumber: a registration answer without a number")
    reg = Registration(**values, right_holders=tuple(holders))
    update = CaseUpdate(law=law, application_number=number, registration=reg,
                        trademark=trademark(d, obj) if law is Law.TRADEMARK else None)
    return update, d.problems


def citations(data: Any, law: Law) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["applicationNumber", "patentDoc", "nonPatentDoc"])
    patents = tuple(PatentCitation(**d.record(row, spec.PATENT_CITATION, f"data.patentDoc[{i}]"))
                    for i, row in enumerate(d.rows(obj, "patentDoc", "data")))
    others = tuple(NonPatentCitation(**d.record(row, spec.NON_PATENT_CITATION,
                                                f"data.nonPatentDoc[{i}]"))
                   for i, row in enumerate(d.rows(obj, "nonPatentDoc", "data")))
    return (CaseUpdate(law=law, application_number=application_number(obj),
                       citations=Citations(patents, others)), d.problems)


def priority_info(data: Any, law: Law) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["applicationNumber", "priorityRightInformation"])
    return (CaseUpdate(law=law, application_number=application_number(obj),
                       priorities=priorities(d, obj, law)), d.problems)


def divisional_info(data: Any, law: Law) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["applicationNumber", "parentApplicationInformation",
                               "divisionalApplicationInformation"])
    return (CaseUpdate(law=law, application_number=application_number(obj),
                       family=family(d, obj, law)), d.problems)


def fixed_address(data: Any, law: Law, number: str) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["URL"])
    url = decode_value(obj.get("URL", ""), "str", "data.URL")
    if not url:
        raise WireError("data.URL: empty fixed address")
    return CaseUpdate(law=law, application_number=number, fixed_address=url), d.problems


def number_reference(data: Any, law: Law) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    fields = spec.NUMBER_REFERENCE[law]
    values = d.record(data, fields, "data", extra=["applicationNumber"])
    return (CaseUpdate(law=law, application_number=application_number(data),
                       numbers=NumberReference(**values)), d.problems)


def pct_national_phase(data: Any, kind: str, number: str) -> tuple[CaseUpdate, list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["applicationNumber"])
    refs = NumberReference(**({"international_application_number": number}
                              if kind == "international_application" and number
                              else {"international_publication_number": number}
                              if number else {}))
    return (CaseUpdate(law=Law.PATENT, application_number=application_number(obj),
                       numbers=refs), d.problems)


def party_name(data: Any, code: str) -> tuple[tuple[PartyName, ...], list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["applicantAttorneyName"])
    name = decode_value(obj.get("applicantAttorneyName", ""), "str", "data")
    if not name:
        raise WireError("data.applicantAttorneyName: empty name")
    return (PartyName(code, name),), d.problems


def party_names(data: Any) -> tuple[tuple[PartyName, ...], list[str]]:
    d = Decoded()
    obj = d.obj(data, "data", ["applicantAttorney"])
    out = []
    for i, row in enumerate(d.rows(obj, "applicantAttorney", "data")):
        values = d.record(row, (Field("applicantAttorneyCd", "code"), Field("name", "name")),
                          f"data.applicantAttorney[{i}]")
        out.append(PartyName(**values))
    return tuple(out), d.problems
