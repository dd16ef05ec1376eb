"""Trademark particulars: the mark as displayed, its readings, Vienna codes, goods and services."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GoodsServices:
    nice_class: str
    names: str
    similar_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TrademarkInfo:
    display: str = ""
    readings: tuple[str, ...] = ()
    vienna_codes: tuple[str, ...] = ()
    goods_services: tuple[GoodsServices, ...] = ()
