"""Values by field type (portal.md §3.2, VALUE syntax): text with proximity, FI, IPC/CPC,
F-terms and the permutation form, themes, dates, numbers, codes and marks."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from tokkyo.model.foreign_numbers import is_foreign, parse_foreign
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
#: Any leading part of an FI code (before a `?`).
FI_PART = re.compile(r"[A-H]([0-9]{1,2}([A-Z]([0-9]{1,4}(/([0-9]{1,6}(,[0-9]{0,3})?"
                     r"(@[A-Z]?)?)?)?)?)?)?")
IPC_GROUP = {"ipc": re.compile(r"[A-H][0-9]{2}[A-Z][0-9]{1,4}/[0-9]{2,6}"),
             "cpc": re.compile(r"[A-HY][0-9]{2}[A-Z][0-9]{1,4}/[0-9]{2,6}")}
IPC_PART = {"ipc": re.compile(r"[A-H]([0-9]{1,2}([A-Z]([0-9]{1,4}(/[0-9]{0,6})?)?)?)?"),
            "cpc": re.compile(r"[A-HY]([0-9]{1,2}([A-Z]([0-9]{1,4}(/[0-9]{0,6})?)?)?)?")}
IPC_14 = re.compile(r"([A-HY][0-9]{2}[A-Z])([0-9]{4})([0-9]{6})")
THEME = re.compile(r"[0-9][A-Z][0-9]{3}")
FTERM = re.compile(r"(?P<theme>[0-9][A-Z][0-9]{3})(?P<view>[A-Z]{1,2})?(?P<num>[0-9]{1,2})?"
                   r"(?:\.(?P<add>[A-Z0-9]))?")
FTERM_SET = re.compile(r"(?P<theme>[0-9][A-Z][0-9]{3})<(?P<adds>[^;<>]*);(?P<terms>[^;<>]*)>")
FTERM_TERM = re.compile(r"[A-Z]{2}[0-9]{2}")
MAX_PERMUTED = 9
DATE = re.compile(r"[0-9]{4}(?:[0-9]{2}){0,2}")
GAP = re.compile(r"([0-9]{1,2})([CN])", re.I)
#: Readings preferred per number field (portal.md §5 kinds); the first is the kind hint.
NUMBER_KINDS: dict[str, tuple[NumberKind, ...]] = {
    "AN": (NumberKind.APPLICATION, NumberKind.INTERNATIONAL_APPLICATION),
    "PN": (NumberKind.PUBLICATION, NumberKind.NATIONAL_PUBLICATION, NumberKind.EXAMINED,
           NumberKind.REPUBLICATION, NumberKind.INTERNATIONAL_PUBLICATION),
    "RN": (NumberKind.REGISTRATION, NumberKind.INTERNATIONAL_REGISTRATION),
}


class BadValue(ValueError):
    """A value that does not fit its field's syntax: `problem` names a `value.*` message
    of errors.MESSAGES, `args` fill it."""

    def __init__(self, problem: str, **args: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.details = args


def _split_unquoted(text: str, quoted: Sequence[bool], sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for char, was_quoted in zip(text, quoted, strict=True):
        if char == sep and not was_quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def text_value(text: str, quoted: Sequence[bool]) -> Text:
    """A substring, or `t1,nC,t2[,mN,t3…]` split at commas outside quotes."""
    pieces = _split_unquoted(text, quoted, ",")
    if len(pieces) == 1:
        if not text:
            raise BadValue("empty")
        return Text((text,))
    if len(pieces) % 2 == 0:
        raise BadValue("proximity")
    gaps = []
    for gap in pieces[1::2]:
        m = GAP.fullmatch(gap)
        if m is None:
            raise BadValue("distance", gap=gap)
        gaps.append(Gap(int(m[1]), m[2].upper() == "C"))
    parts = tuple(pieces[::2])
    if not all(parts):
        raise BadValue("proximity")
    return Text(parts, tuple(gaps))


def fi_value(text: str) -> Fi:
    """A full FI code, a 3-letter facet, or a leading part followed by `?`."""
    code = text.strip().upper()
    if code.endswith("?"):
        stem = code[:-1]
        if not FI_PART.fullmatch(stem):
            raise BadValue("fi")
        return Fi(stem, prefix=True)
    if FI_FULL.fullmatch(code):
        return Fi(code)
    if FI_FACET.fullmatch(code):
        return Fi(code, facet=True)
    raise BadValue("fi")


def ipc_value(text: str, scheme: str = "ipc") -> Ipc:
    """`H01M8/02`, `H01M 8/02`, the 14-character `H01M0008020000`; trailing `?` = prefix."""
    code = re.sub(r"\s+", "", text).upper()
    prefix = code.endswith("?")
    code = code.removesuffix("?")
    if m := IPC_14.fullmatch(code):
        code = f"{m[1]}{int(m[2])}/{m[3].rstrip('0').ljust(2, '0')}"
    if prefix:
        if not IPC_PART[scheme].fullmatch(code):
            raise BadValue("ipc")
        return Ipc(code, prefix=True)
    if not IPC_GROUP[scheme].fullmatch(code):
        raise BadValue("ipc")
    return Ipc(code)


def fterm_value(text: str) -> Fterm | FtermSet:
    """`TTTTT[VV[NN[.X]]]` (shorter = prefix; a trailing `?` is allowed and changes
    nothing) or `TTTTT<c1,…,ck;f1,…,fk>`."""
    code = text.strip().upper()
    if m := FTERM_SET.fullmatch(code):
        additionals = tuple(a.strip() for a in m["adds"].split(","))
        terms = tuple(t.strip() for t in m["terms"].split(","))
        if (not 1 <= len(terms) <= MAX_PERMUTED or len(additionals) != len(terms)
                or not all(re.fullmatch(r"[A-Z0-9]", a) for a in additionals)
                or not all(FTERM_TERM.fullmatch(t) for t in terms)):
            raise BadValue("fterm-set")
        return FtermSet(m["theme"], additionals, terms)
    if "<" in code:
        raise BadValue("fterm-set")
    m = FTERM.fullmatch(code.removesuffix("?"))
    if m is None or (m["num"] and len(m["view"] or "") != 2):
        raise BadValue("fterm")
    if m["add"] and len(m["num"] or "") != 2:
        raise BadValue("fterm-additional")
    return Fterm(m["theme"], (m["view"] or "") + (m["num"] or ""), m["add"] or "")


def theme_value(text: str) -> Theme:
    """An F-term theme code such as 5H029."""
    code = text.strip().upper()
    if not THEME.fullmatch(code):
        raise BadValue("theme")
    return Theme(code)


def _day(text: str, last: bool) -> dt.date:
    """The first (or `last`) day `text` (YYYY, YYYYMM or YYYYMMDD) covers."""
    if not DATE.fullmatch(text):
        raise BadValue("date")
    year = int(text[:4])
    month = int(text[4:6]) if len(text) >= 6 else (12 if last else 1)
    try:
        if len(text) == 8:
            return dt.date(year, month, int(text[6:]))
        first = dt.date(year, month, 1)
        return first.replace(day=calendar.monthrange(year, month)[1]) if last else first
    except ValueError:
        raise BadValue("real-date", date=text) from None


def date_value(text: str) -> DateRange:
    """`YYYY`, `YYYYMM`, `YYYYMMDD`, `A:B`, `A:` or `:B`; inclusive, partial dates cover
    their whole year or month."""
    value = text.strip()
    if ":" not in value:
        return DateRange(_day(value, False), _day(value, True))
    first, _, last = value.partition(":")
    if not first and not last:
        raise BadValue("date")
    start = _day(first, False) if first else None
    end = _day(last, True) if last else None
    if start and end and end < start:
        raise BadValue("date-order")
    return DateRange(start, end)


def number_value(text: str, field: str) -> NumberValue:
    """Readings of a number (portal.md §5) for AN, PN or RN: the field's kinds when the
    input has such readings, else the reading under the field's kind hint, else all."""
    kinds = NUMBER_KINDS.get(field, ())
    first_problem: NumberError | None = None
    foreign: list[tuple[str, str]] = []
    if field == "PN" and is_foreign(text):
        try:
            found = parse_foreign(text)
        except NumberError as problem:
            first_problem = problem
        else:
            foreign = [("foreign", f"{found.country}:{found.number}:{found.kind}")]
    try:
        readings = parse_number(text)
    except NumberError as problem:
        readings = []
        first_problem = first_problem or problem
    if foreign and not readings:
        return NumberValue(tuple(foreign))
    preferred = [r for r in readings if r.kind in kinds]
    if not preferred and kinds:
        try:
            preferred = parse_number(text, kind=kinds[0])
        except NumberError:
            preferred = []
    chosen = preferred or readings
    if not chosen:
        raise BadValue("number", detail=str(first_problem))
    # a WO number is also the international publication of a JP national phase
    return NumberValue(tuple(dict.fromkeys([(r.kind.value, r.key) for r in chosen]
                                           + foreign)))


def code_value(text: str, field: str) -> Code:
    """An exact code; trailing `?` = prefix. ST is lower case, other codes upper case, a
    one-digit Nice class gets its leading zero (`9` = `09`)."""
    code = text.strip()
    code = code.lower() if field == "ST" else code.upper()
    prefix = code.endswith("?")
    code = code.rstrip("?")
    if not code or "?" in code:
        raise BadValue("code")
    if field == "NC" and not prefix and len(code) == 1 and code.isdigit():
        code = "0" + code
    return Code(code, prefix)


def value_for(field: str, text: str, quoted: Sequence[bool] | None = None) -> Value:
    """The value `text` (with per-character `quoted` flags) of field `field`; BadValue
    when it does not fit."""
    kind = FIELDS[field].type
    if kind == "text":
        return text_value(text, quoted if quoted is not None else [False] * len(text))
    if not text.strip():
        raise BadValue("empty")
    if kind == "mark":
        flags = quoted if quoted is not None else [False] * len(text)
        return Mark(text, tuple(i for i, (c, q) in enumerate(zip(text, flags, strict=True))
                                if c == "?" and q))
    text = unicodedata.normalize("NFKC", text)  # codes, dates: full-width letters and digits
    if kind == "fi":
        return fi_value(text)
    if kind in ("ipc", "cpc"):
        return ipc_value(text, kind)
    if kind == "fterm":
        return fterm_value(text)
    if kind == "theme":
        return theme_value(text)
    if kind == "date":
        return date_value(text)
    if kind == "number":
        return number_value(text, field)
    return code_value(text, field)
