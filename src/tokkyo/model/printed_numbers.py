"""Numbers and dates in the reader's form: one form per language on every page (result
list, document and case pages, CSV), J-PlatPat's.

J-PlatPat writes a JP number with its Japanese prefix and the year split from the serial
(特願2019-165329, 特開2021-044377, 特表2021-500001), a registration as 特許7533889, and
a publication before 2000 with its era year (特開平09-074283, 特開昭60-046093); its English
pages show the same numbers, so both languages use these forms. Dates are YYYY/MM/DD in
both languages. A foreign document keeps its office's printed form (EP 1 000 000 B1).
"""

from __future__ import annotations

import datetime as dt

from tokkyo.model.foreign_numbers import ForeignNumber
from tokkyo.model.foreign_numbers import display as foreign_display
from tokkyo.model.numbers import JPNumber, NumberError, NumberKind

#: law → the prefix of its application numbers
APPLICATION_PREFIX = {"patent": "特願", "utility": "実願", "design": "意願",
                      "trademark": "商願"}
#: law → the prefix of its registration numbers
REGISTRATION_PREFIX = {"patent": "特許", "utility": "実登", "design": "意匠登録",
                       "trademark": "商標登録"}
#: gazette kind (model/kinds.py) → prefix; A and T carry a year, the others a
#: registration number (U: 登録実用新案公報, Y: 実用新案登録公報, both numbered by
#: registration)
KIND_PREFIX = {"A": "特開", "T": "特表", "B": "特許", "U": "実登", "Y": "実登",
               "S": "意匠登録", "TM": "商標登録"}
#: (law, kind of number) → prefix, for numbers read from other forms (cited documents)
_READ_PREFIX = {("patent", NumberKind.PUBLICATION): "特開",
                ("utility", NumberKind.PUBLICATION): "実開",
                ("patent", NumberKind.NATIONAL_PUBLICATION): "特表",
                ("utility", NumberKind.NATIONAL_PUBLICATION): "実表",
                ("patent", NumberKind.EXAMINED): "特公",
                ("utility", NumberKind.EXAMINED): "実公"}
_ERAS = (("令和", "令", 2019), ("平成", "平", 1989), ("昭和", "昭", 1926))


def slash_date(value: dt.date | str | None) -> str:
    """A date as every page shows it, in both languages: 2021/03/18 ("" for none)."""
    if isinstance(value, str):
        if not value:
            return ""
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%Y/%m/%d") if value else ""


def _year_serial(number: str) -> str:
    return f"{number[:4]}-{number[4:]}" if len(number) == 10 and number.isdigit() else number


def application_label(country: str, law: str, number: str) -> str:
    """特願2019-165329; a foreign application as `CC number`; "" for a foreign case keyed
    by its publication (`P…`)."""
    if country != "JP":
        return "" if number.startswith("P") else f"{country} {number}"
    return APPLICATION_PREFIX.get(law, "") + _year_serial(number)


def registration_label(country: str, law: str, number: str) -> str:
    """特許7533889, 意匠登録1735126 ("" while unregistered or for a foreign case)."""
    if not number or country != "JP":
        return ""
    return REGISTRATION_PREFIX.get(law, "") + number


def document_label(country: str, law: str, kind: str, number: str) -> str:
    """A stored publication: 特開2021-044377, 特表2021-500001, 特許7533889, 意匠登録1735126;
    a foreign one as its office prints it (EP 1 000 000 B1)."""
    if country != "JP":
        try:
            return foreign_display(ForeignNumber(country, number, kind))
        except NumberError:
            return f"{country} {number} {kind}".strip()
    prefix = KIND_PREFIX.get(kind)
    if prefix is None:
        return f"{kind} {number}".strip()
    return prefix + (_year_serial(number) if kind in ("A", "T") else number)


def publication_label(law: str, number: str) -> str:
    """A case's laid-open publication number (2021090037) as 特開2021-090037."""
    if not number:
        return ""
    return ("実開" if law == "utility" else "特開") + _year_serial(number)


def cited_label(number: JPNumber) -> str:
    """A number read from another form (a cited document's `JPA 414233033`) as J-PlatPat
    writes it: 特開2002-233033, 特開平09-074283 before 2000; a registration as 特許3076179;
    its key when tokkyo has no printed form for that kind."""
    law = number.law.value if number.law else "patent"
    if number.kind is NumberKind.REGISTRATION:
        return REGISTRATION_PREFIX.get(law, "") + number.key
    if number.kind is NumberKind.APPLICATION:
        return application_label("JP", law, number.key)
    prefix = _READ_PREFIX.get((law, number.kind))
    if prefix is None or number.year is None or number.serial is None:
        return number.key
    if number.year >= 2000:
        return f"{prefix}{number.year}-{number.serial:06d}"
    for _name, short, first in _ERAS:
        if number.year >= first:
            return f"{prefix}{short}{number.year - first + 1:02d}-{number.serial:06d}"
    return number.key
