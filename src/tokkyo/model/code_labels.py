"""Short labels of codes the case page shows, in the page's language: WIPO ST.27 legal
events and the JPO's citation types (`cite_doc_info` `citationType`).

ST.27's own text is a long English definition; pages show a short label instead
(`codes/st27_short_labels.csv`: the detailed codes tokkyo maps JP events to and every
category). A code without its own label is shown by its category's label. Citation types
come from `codes/jpo_citation_types.csv`, whose meanings were read off real cases (see
`codes/PROVENANCE.md`); an unknown type is shown as its number.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


def _table(name: str) -> dict[str, dict[str, str]]:
    text = resources.files("tokkyo.model").joinpath(f"codes/{name}").read_text(encoding="utf-8")
    return {row["code"]: row for row in csv.DictReader(io.StringIO(text))}


@cache
def _st27() -> dict[str, dict[str, str]]:
    return _table("st27_short_labels.csv")


@cache
def _citation_types() -> dict[str, dict[str, str]]:
    return _table("jpo_citation_types.csv")


def _language(lang: str) -> str:
    return "ja" if lang == "ja" else "en"


def st27_label(code: str, lang: str) -> str:
    """出願公開 / Application published for Q12; a code without a label of its own by its
    category (D99 → 調査・審査); "" for something that is not an ST.27 code."""
    table = _st27()
    row = table.get(code) or table.get(code[:1]) if code else None
    return row[_language(lang)] if row else ""


#: Where other offices' readers say a document was cited (EP's search report and its
#: description; DOCDB's phase, with a category after it: "ISR Y").
_CITED_IN = {"search": ("サーチレポート", "search report"),
             "description": ("明細書中の引用", "cited in the description"),
             "ISR": ("国際調査報告", "international search report"),
             "SEA": ("サーチレポート", "search report"),
             "EXA": ("審査", "examination"), "APP": ("出願人", "applicant"),
             "OPP": ("異議", "opposition"), "PRS": ("予備審査", "preliminary examination"),
             "TPO": ("第三者", "third party"), "CH2": ("国際予備審査", "chapter II"),
             "SUP": ("補充サーチ", "supplementary search"), "FOP": ("他庁", "other office")}


def citation_type_label(code: str, lang: str) -> str:
    """拒絶理由通知書の引用文献 for type 19; where another office's document was cited
    (`search`, `ISR Y`); an unknown type as 種別 NN / type NN."""
    row = _citation_types().get(code)
    if row is not None:
        return row[_language(lang)]
    if not code:
        return ""
    phase, _, category = code.partition(" ")
    if phase in _CITED_IN:
        label = _CITED_IN[phase][0 if lang == "ja" else 1]
        return f"{label} {category}".strip()
    return f"種別{code}" if lang == "ja" else f"type {code}"
