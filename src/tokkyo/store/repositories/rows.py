"""Turning model values into rows and back, where column names follow attribute names."""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, TypeVar

import sqlalchemy as sa

T = TypeVar("T")
#: A result row of any statement, its columns read by name (`row.law`): what a helper
#: that takes the rows of several statements, or of one built from a list of columns,
#: is given.
AnyRow: TypeAlias = "sa.Row[*tuple[Any, ...]]"


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def row_of(obj: Any, exclude: tuple[str, ...] = (), rename: Mapping[str, str] | None = None,
           **extra: Any) -> dict[str, Any]:
    kind: type = type(obj)
    names = field_names(kind)
    if rename or exclude:
        rename = rename or {}
        row = {rename.get(n, n): getattr(obj, n) for n in names if n not in exclude}
    else:
        row = dict(zip(names, _values_of(kind)(obj), strict=True))
    row.update(extra)
    return row


@functools.cache
def _values_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the field values of a `cls` as a tuple, read in C (attrgetter)."""
    names = field_names(cls)
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)     # attrgetter: no tuple


def obj_of(cls: type[T], row: sa.RowMapping, rename: Mapping[str, str] | None = None,
           **extra: Any) -> T:
    """`rename` maps attribute names to column names."""
    rename = rename or {}
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in extra:
            continue
        column = rename.get(f.name, f.name)
        if column in row:
            values[f.name] = row[column]
    values.update(extra)
    return cls(**values)
