"""Legal status: WIPO ST.27 event codes and the events of a JP case mapped onto them.

The ST.27 table is the one shipped in `model/codes/` (from the ST.96 v6 schema). The
JP → ST.27 map is the starting map of portal.md §10, to be reviewed by a domain expert
before release; a national event without a mapping becomes `W10` (other event).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tokkyo.model.laws import Law

CATEGORIES = {
    "A": "Application filing", "B": "Application discontinuation", "C": "Application revival",
    "D": "Search and examination", "E": "Pre-grant review", "F": "IP right grant",
    "G": "Protection beyond IP right term", "H": "IP right cessation", "K": "IP right revival",
    "L": "IP right review", "M": "IP right maintenance", "N": "Termination",
    "P": "Document modification", "Q": "Publication", "R": "Party data change",
    "S": "Licensing", "T": "Administrative procedure adjustment", "U": "Fees",
    "V": "Appeal", "W": "Other", "Y": "Correction",
}


@dataclass(frozen=True, slots=True)
class St27Code:
    kind: str           # "detailed", "key" or "indicator"
    code: str
    text: str

    @property
    def category(self) -> str:
        return CATEGORIES.get(self.code[0], "") if self.kind != "indicator" else ""


_KINDS = {"DetailedEventCodeType": "detailed", "KeyEventCodeType": "key",
          "EventIndicatorCodeType": "indicator"}


@cache
def st27_codes() -> dict[tuple[str, str], St27Code]:
    """The ST.27 table keyed by (kind, code)."""
    text = resources.files("tokkyo.model").joinpath("codes/wipo_st27_event_codes.csv").read_text(
        encoding="utf-8")
    table: dict[tuple[str, str], St27Code] = {}
    for row in csv.DictReader(io.StringIO(text)):
        kind = _KINDS[row["type"]]
        table[(kind, row["code"])] = St27Code(kind, row["code"], row["documentation"])
    return table


def detailed_event(code: str) -> St27Code:
    try:
        return st27_codes()[("detailed", code)]
    except KeyError:
        try:
            return st27_codes()[("key", code)]
        except KeyError:
            raise ValueError(f"{code!r} is not a WIPO ST.27 event code") from None


#: JP document code → ST.27 detailed (or key) event code, portal.md §10 (proposed).
JP_TO_ST27: dict[str, str] = {
    "A63": "A12",        # application filed
    "A621": "D11",       # request for examination
    "A871": "D16",       # accelerated examination requested
    "A971007": "D14",    # search report
    "A131": "D15",       # notice of reasons for refusal
    "A02": "B15",        # decision of refusal
    "R100": "U11",       # registration fee paid
    "R20": "U11",        # annuity paid
    "C561": "L11",       # opposition filed
}


@dataclass(frozen=True, slots=True)
class LegalEvent:
    date: dt.date
    st27_code: str
    national_code: str
    description: str = ""
    document_number: str = ""


def map_national_event(document_code: str) -> str:
    return JP_TO_ST27.get(document_code, "W10")


def grant_event(law: Law) -> str:
    """Utility models are registered after a formality examination only (F12)."""
    return "F12" if law is Law.UTILITY else "F11"
