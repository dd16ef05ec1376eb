"""Column types and CHECK expressions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp, stored as UTC on every backend.

    SQLite has no time zones: values are stored as naive UTC and come back aware.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: tokkyo stores aware timestamps only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def digits(column: str, length: int | tuple[int, ...]) -> str:
    """CHECK text: `column` is made of ASCII digits only, of the given length(s).

    `ltrim(x, chars)` and `length(x)` mean the same in SQLite and PostgreSQL.
    """
    return charset(column, "0123456789", length)


def charset(column: str, chars: str, length: int | tuple[int, ...] | None = None) -> str:
    clause = f"ltrim({column}, '{chars}') = ''"
    if length is None:
        return f"length({column}) > 0 AND {clause}"
    lengths = (length,) if isinstance(length, int) else length
    if len(lengths) == 1:
        return f"length({column}) = {lengths[0]} AND {clause}"
    return f"length({column}) IN ({', '.join(map(str, lengths))}) AND {clause}"


def digits_or_empty(column: str, length: int | tuple[int, ...]) -> str:
    return f"{column} = '' OR ({digits(column, length)})"


def one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


SHA256_HEX = "0123456789abcdef"


def sha256_check(column: str) -> str:
    return charset(column, SHA256_HEX, 64)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
