"""Classifications: IPC, FI, F-term and theme, Locarno, Japanese design classes, Nice, Vienna.

Codes are kept in a canonical form (the one searches compare) and the printed form
(`raw`) as the source had it, so nothing is lost in normalising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Scheme(StrEnum):
    IPC = "ipc"
    FI = "fi"
    FTERM = "f-term"
    THEME = "theme"
    CPC = "cpc"
    LOCARNO = "locarno"
    JP_DESIGN = "jp-design"
    DTERM = "d-term"
    NICE = "nice"
    SIMILAR_GROUP = "similar-group"
    VIENNA = "vienna"
    NATIONAL = "national"         # another office's own scheme (USPC ...); facet: country


@dataclass(frozen=True, slots=True)
class Classification:
    scheme: Scheme
    code: str
    main: bool = False
    raw: str = ""
    facet: str = ""


class ClassificationError(ValueError):
    """A classification symbol that does not have the form its scheme requires."""


_IPC_PRINTED = re.compile(
    r"^(?P<section>[A-H])(?P<cls>[0-9]{2})(?P<sub>[A-Z])\s*(?P<group>[0-9]{1,4})\s*/\s*"
    r"(?P<subgroup>[0-9]{2,6})(?:\s+(?P<rest>\S.*))?$"
)
_IPC_PADDED = re.compile(r"^([A-H][0-9]{2}[A-Z])([0-9]{4})([0-9]{6})$")


def normalise_ipc(raw: str) -> str:
    """`H01L  21/301  20060101AFI…` or `H01M0008020000` to the canonical `H01L21/301`."""
    text = raw.strip()
    padded = _IPC_PADDED.match(text)
    if padded:
        sub = padded.group(3).rstrip("0").ljust(2, "0")
        return f"{padded.group(1)}{int(padded.group(2))}/{sub}"
    match = _IPC_PRINTED.match(text)
    if not match:
        raise ClassificationError(f"IPC symbol {raw.strip()!r} is not of the form H01M8/02")
    return (f"{match['section']}{match['cls']}{match['sub']}{int(match['group'])}"
            f"/{match['subgroup']}")


_FI = re.compile(
    r"^(?P<main>[A-H][0-9]{2}[A-Z])\s*(?P<group>[0-9]{1,4})\s*/\s*(?P<subgroup>[0-9]{2,6})"
    r"(?:\s*,?\s*(?P<subdivision>[0-9]{3}))?\s*(?:@?\s*(?P<letter>[A-Z]))?$"
)
FI_CANONICAL = re.compile(r"^[A-H][0-9]{2}[A-Z][0-9]{1,4}/[0-9]{2,6}(,[0-9]{3})?(@[A-Z])?$")


def normalise_fi(raw: str) -> str:
    """Printed FI (`H01L21/78 M`, `B09B3/00 304H`) to canonical form.

    Canonical: `H01L21/78@M`, `B09B3/00,304@H` (subdivision after a comma, the
    identification letter after `@`), as searchers type FI codes.
    """
    match = _FI.match(raw.strip())
    if not match:
        raise ClassificationError(f"FI symbol {raw.strip()!r} is not of the form "
                                  "H01L21/78, H01L21/78@M or B09B3/00,304@H")
    code = f"{match['main']}{int(match['group'])}/{match['subgroup']}"
    if match["subdivision"]:
        code += f",{match['subdivision']}"
    if match["letter"]:
        code += f"@{match['letter']}"
    return code


_FTERM = re.compile(r"^(?P<theme>[0-9][A-Z][0-9]{3})(?P<viewpoint>[A-Z]{2})(?P<number>[0-9]{2})"
                    r"(?:\.?(?P<addition>[0-9A-Z]))?$")
THEME = re.compile(r"^[0-9][A-Z][0-9]{3}$")


@dataclass(frozen=True, slots=True)
class FTerm:
    theme: str
    viewpoint: str
    number: str
    addition: str = ""

    @property
    def code(self) -> str:
        base = f"{self.theme}{self.viewpoint}{self.number}"
        return f"{base}.{self.addition}" if self.addition else base


def parse_fterm(raw: str) -> FTerm:
    """`4E168AE01`, `4F100AB01.A`, or as gazettes print it `3E067BA10C`.

    The additional code (付加コード) follows the number directly in gazette XML; the
    canonical form writes it after a dot, as searchers type it.
    """
    match = _FTERM.match(raw.strip())
    if not match:
        raise ClassificationError(f"F-term {raw.strip()!r} is not of the form 4F100AB01 "
                                  "or 4F100AB01.A")
    return FTerm(match["theme"], match["viewpoint"], match["number"], match["addition"] or "")


def normalise_theme(raw: str) -> str:
    code = raw.strip()
    if not THEME.match(code):
        raise ClassificationError(f"theme code {code!r} is not of the form 4F100")
    return code
