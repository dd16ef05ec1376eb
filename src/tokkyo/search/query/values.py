"""Values by field type (portal.md §3.2, VALUE syntax): text with proximity, FI, IPC/CPC,
F-term (and the permutation form), theme, dates, numbers, codes and marks."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

from tokkyo.model.numbers import NumberError, NumberKind, parse_number
from tokkyo.search.query.ast import (
    Code,
    DateRange,
    Fi,
    Fterm,
    FtermSet,
    Gap,
    Ipc,
    Mark,
    NumberValue,
    Text,
    Theme,
    Value,
)
from tokkyo.search.query.fields import FIELDS

FI_FULL = re.compile(r"[A-H][0-9]{2}[A-Z][0-9]{1,4}/[0-9]{2,6}(,[0-9]{3})?(@[A-Z])?")
FI_FACET = re.compile(r"[A-Z]{3}")
FI_PART = re.compile(r"[A-H]([0-9]{1,2}([A-Z]([0-9]{1,4}(/([0-9]{1,6}(,[0-9]{0,3})?"
                     r"(@[A-Z]?)?)?)?)?)?)?")
IPC_FULL = re.compile(r"[A-H][0-9]{2}[A-Z][0-9]{1,4}/[0-9]{1,6}")
IPC_LONG = re.compile(r"([A-H][0-9]{2}[A-Z])([0-9]{4})([0-9]{6})")
THEME = re.compile(r"[0-9][A-Z][0-9]{3}")
FTERM = re.compile(r"([0-9][A-Z][0-9]{3})(([A-Z]{1,2})(([0-9]{1,2})(\.([A-Z0-9]))?)?)?")
FTERM_SET = re.compile(r"([0-9][A-Z][0-9]{3})<([^;<>]*);([^;<>]*)>")
DATE = re.compile(r"[0-9]{4}([0-9]{2}([0-9]{2})?)?")
GAP = re.compile(r"([0-9]{1,2})([CNcn])")
NUMBER_KINDS = {"AN": (NumberKind.APPLICATION,),
                "PN": (NumberKind.PUBLICATION, NumberKind.NATIONAL_PUBLICATION,
                       NumberKind.EXAMINED, NumberKind.REPUBLICATION),
                "RN": (NumberKind.REGISTRATION, NumberKind.INTERNATIONAL_REGISTRATION)}


class BadValue(ValueError):
    """The value does not fit its field's syntax; the message says how it should look."""


def _split_unquoted(text: str, quoted: Sequence[bool], sep: str) -> list[str]:
    parts, current = [], []
    for char, q in zip(text, quoted, strict=True):
        if char == sep and not q:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def text_value(text: str, quoted: Sequence[bool]) -> Text:
    pieces = _split_unquoted(text, quoted, ",")
    if len(pieces) == 1:
        if not text:
            raise BadValue("empty keyword")
        return Text((text,))
    if len(pieces) % 2 == 0:
        raise BadValue("proximity is written t1,nC,t2 or t1,nN,t2 (n 0–99); put a keyword "
                       'with a comma in double quotes ("a,b")')
    parts, gaps = list(pieces[::2]), []
    for gap in pieces[1::2]:
        m = GAP.fullmatch(gap)
        if m is None:
            raise BadValue(f"'{gap}' is not a distance such as 5C or 10N (0–99, C ordered, "
                           "N either order)")
        gaps.append(Gap(int(m[1]), m[2].upper() == "C"))
    if any(not p for p in parts):
        raise BadValue("proximity needs a keyword on both sides of every distance")
    return Text(tuple(parts), tuple(gaps))


def fi_value(text: str) -> Fi:
    code = text.strip().upper()
    if code.endswith("?"):
        stem = code[:-1]
        if not stem or not FI_PART.fullmatch(stem):
            raise BadValue(f"'{text}' is not a leading part of an FI code (e.g. H01L21/?)")
        return Fi(stem, prefix=True)
    if FI_FULL.fullmatch(code):
        return Fi(code)
    if FI_FACET.fullmatch(code):
        return Fi(code, facet=True)
    raise BadValue(f"'{text}' is not an FI code: expected e.g. H01M8/02, H01M8/02@Z, "
                   "B01D53/14,311, a facet such as ZAB, or a leading part followed by ?")


def ipc_value(text: str) -> Ipc:
    code = re.sub(r"\s+", "", text.strip().upper())
    prefix = code.endswith("?")
    code = code.rstrip("?")
    if m := IPC_LONG.fullmatch(code):
        group = m[3].rstrip("0")
        code = f"{m[1]}{int(m[2])}/{group.ljust(2, '0')}"
    if prefix:
        if not code or not FI_PART.fullmatch(code):
            raise BadValue(f"'{text}' is not a leading part of an IPC code (e.g. H01M?)")
        return Ipc(code, prefix=True)
    if not IPC_FULL.fullmatch(code):
        raise BadValue(f"'{text}' is not an IPC group: expected e.g. H01M8/02, "
                       "\"H01M 8/02\" or H01M0008020000, or a leading part followed by ?")
    return Ipc(code)


def fterm_value(text: str) -> Fterm | FtermSet:
    code = text.strip().upper()
    if code.endswith("?") and "<" not in code:      # shorter forms are prefixes already
        code = code[:-1]
    if m := FTERM_SET.fullmatch(code):
        additionals = tuple(a.strip() for a in m[2].split(","))
        terms = tuple(t.strip() for t in m[3].split(","))
        if not 1 <= len(terms) <= 9 or len(additionals) != len(terms):
            raise BadValue("the permutation form needs as many additional codes as terms "
                           "(1–9), e.g. 4F100<A,B;AB01,AK41>")
        if not all(re.fullmatch(r"[A-Z0-9]", a) for a in additionals):
            raise BadValue("additional codes are one letter or digit each")
        if not all(re.fullmatch(r"[A-Z]{2}[0-9]{2}", t) for t in terms):
            raise BadValue("terms of the permutation form are viewpoint + number, e.g. AB01")
        return FtermSet(m[1], additionals, terms)
    m = FTERM.fullmatch(code)
    if m is None:
        raise BadValue(f"'{text}' is not an F-term: expected theme + viewpoint + number "
                       "(+ .additional code), e.g. 4F100AB01.A, or a shorter leading part")
    if m[7] and len(m[5] or "") != 2:
        raise BadValue("an additional code (.X) needs the full viewpoint and number")
    return Fterm(m[1], (m[3] or "") + (m[5] or ""), m[7] or "")


def theme_value(text: str) -> Theme:
    code = text.strip().upper()
    if not THEME.fullmatch(code):
        raise BadValue(f"'{text}' is not a theme code such as 5H029")
    return Theme(code)


def _day(text: str, end: bool) -> dt.date:
    if not DATE.fullmatch(text):
        raise BadValue(f"'{text}' is not a date: write YYYY, YYYYMM or YYYYMMDD")
    year = int(text[:4])
    month = int(text[4:6]) if len(text) >= 6 else (12 if end else 1)
    try:
        if len(text) == 8:
            return dt.date(year, month, int(text[6:]))
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return dt.date(year, month, last if end else 1)
    except ValueError:
        raise BadValue(f"'{text}' is not a real date") from None


def date_value(text: str) -> DateRange:
    value = text.strip()
    if ":" in value:
        first, _, last = value.partition(":")
        if not first and not last:
            raise BadValue("a range needs at least one end: A:B, A: or :B")
        start = _day(first, False) if first else None
        end = _day(last, True) if last else None
    else:
        start, end = _day(value, False), _day(value, True)
    if start and end and end < start:
        raise BadValue(f"the range {value} ends before it starts")
    return DateRange(start, end, value)


def number_value(text: str, field: str) -> NumberValue:
    try:
        readings = parse_number(text)
    except NumberError as exc:
        raise BadValue(str(exc)) from None
    preferred = [r for r in readings if r.kind in NUMBER_KINDS.get(field, ())]
    chosen = preferred or readings
    return NumberValue(tuple(dict.fromkeys((r.kind.value, r.key) for r in chosen)), text)


def code_value(text: str, field: str) -> Code:
    code = text.strip()
    if field in ("KD", "CC", "SC"):
        code = code.upper()
    elif field == "ST":
        code = code.lower()
    prefix = code.endswith("?")
    code = code.rstrip("?")
    if not code:
        raise BadValue("empty code")
    return Code(code, prefix)


def value_for(field: str, text: str, quoted: Sequence[bool]) -> Value:
    kind = FIELDS[field].type
    if kind == "text":
        return text_value(text, quoted)
    if not text.strip():
        raise BadValue("empty value")
    if kind == "fi":
        return fi_value(text)
    if kind in ("ipc", "cpc"):
        return ipc_value(text)
    if kind == "fterm":
        return fterm_value(text)
    if kind == "theme":
        return theme_value(text)
    if kind == "date":
        return date_value(text)
    if kind == "number":
        return number_value(text, field)
    if kind == "mark":
        return Mark(text)
    return code_value(text, field)
