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
    """A mark's particulars. From a gazette or an ST.96 instance also the kind of mark
    (`standard`, `character`, `three-dimensional`, `colour`, `position`, `motion`,
    `hologram`, `sound`, ...), whether it is collective, regional or defensive, and the
    files of its image and sound as the source names them (stored as blobs beside it)."""

    display: str = ""
    readings: tuple[str, ...] = ()
    vienna_codes: tuple[str, ...] = ()
    goods_services: tuple[GoodsServices, ...] = ()
    kind_of_mark: str = ""
    collective: bool = False
    regional: bool = False
    defensive: bool = False
    image_files: tuple[str, ...] = ()
    sound_files: tuple[str, ...] = ()
