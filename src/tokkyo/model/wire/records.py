"""Flat records of the wire format: every value a string, `""` for absent (jpo-api.md §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class WireError(ValueError):
    """A value in a JPO API answer that does not have the form the format requires."""


@dataclass(frozen=True, slots=True)
class Field:
    """One wire key: `kind` is `str`, `date` (YYYYMMDD), `int`, or `int:N` (zero-padded)."""

    wire: str
    attr: str
    kind: str = "str"


def encode_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        day: dt.date = value          # a date field holds a date (or a datetime)
        return day.strftime("%Y%m%d")
    if kind.startswith("int:"):
        return str(value).zfill(int(kind[4:]))
    return str(value)


def decode_value(text: Any, kind: str, where: str) -> Any:
    if not isinstance(text, str):
        raise WireError(f"{where}: expected a string, got {type(text).__name__} {text!r}")
    if kind == "str":
        return text
    if text == "":
        return None
    if kind == "date":
        if len(text) != 8 or not text.isdigit():
            raise WireError(f"{where}: {text!r} is not a date of the form YYYYMMDD")
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError as exc:
            raise WireError(f"{where}: {text!r} is not a calendar date ({exc})") from None
    if kind == "int" or kind.startswith("int:"):
        if not text.isdigit():
            raise WireError(f"{where}: {text!r} is not a whole number")
        return int(text)
    raise AssertionError(f"unknown field kind {kind}")


def encode_record(obj: Any, fields: Sequence[Field]) -> dict[str, str]:
    return {f.wire: encode_value(getattr(obj, f.attr), f.kind) for f in fields}


def decode_fields(data: Mapping[str, Any], fields: Sequence[Field], where: str) -> dict[str, Any]:
    """Values for `fields` from `data`; a missing key counts as `""` (absent)."""
    if not isinstance(data, Mapping):
        raise WireError(f"{where}: expected an object, got {type(data).__name__}")
    return {f.attr: decode_value(data.get(f.wire, ""), f.kind, f"{where}.{f.wire}")
            for f in fields}


def unknown_keys(data: Mapping[str, Any], known: Sequence[str], where: str) -> list[str]:
    """Problems for keys the format does not define (kept in the raw file, not in tables)."""
    known_set = set(known)
    return [f"{where}: unknown key {key!r}" for key in data if key not in known_set]


def repair_typo_keys(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The SPEC examples' typo keys (`name'`, `repeatNumber'`) to schema names (§10.11)."""
    fixed: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key.endswith("'"):
            problems.append(f"key {key!r} read as {key[:-1]!r} (typo in the source)")
            key = key[:-1]
        fixed[key] = value
    return fixed, problems
