"""Field codes of the logical-expression language (portal.md §3.3), as data.

Only `FT` is a confirmed J-PlatPat code; the others are commonly cited or defined by tokkyo.
ALIASES maps codes written by users (J-PlatPat codes confirmed later, other spellings) onto
tokkyo codes, so saved formulas keep working when a code is added. A text field of
publications reads the stored text fields named by its `units` (model/text_fields.py:
the codes of publication text and the stored text each reads).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tokkyo.model.text_fields import BY_CODE as TEXT_FIELDS

#: Field types; the parser reads each value with its field's type (values.py).
TYPES = frozenset({"text", "fi", "fterm", "theme", "ipc", "cpc", "number", "date", "code",
                   "mark"})
LAWS = ("patent", "utility", "design", "trademark")

_PU = frozenset({"patent", "utility"})
_PUD = frozenset({"patent", "utility", "design"})
_ALL = frozenset(LAWS)
_D = frozenset({"design"})
_T = frozenset({"trademark"})


@dataclass(frozen=True, slots=True)
class Field:
    """One field code: its value type, the laws it applies to, its labels and, for text,
    the fields of publication text it reads (none: it reads only case-level text)."""

    code: str
    type: str
    laws: frozenset[str]
    en: str
    ja: str
    status: str = "tokkyo"   # confirmed | proposed | tokkyo (portal.md §3.3)
    foreign: bool = False    # only foreign documents carry it (searched on patent screens)
    units: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [u for u in self.units if u not in TEXT_FIELDS]
        if unknown or (self.units and self.type != "text"):
            raise ValueError(f"{self.code}: no text field {unknown or self.units}")

    def label(self, lang: str) -> str:
        """The field's name in the UI language ("ja" or "en")."""
        return self.ja if lang == "ja" else self.en


_TABLE = [
    Field("TX", "text", _PU, "full text", "全文", "proposed",
          units=("TI", "AB", "CL", "DE")),
    Field("TI", "text", _PU, "title", "発明の名称", "proposed", units=("TI",)),
    Field("AB", "text", _PU, "abstract", "要約", "proposed", units=("AB",)),
    Field("CL", "text", _PU, "claims", "請求の範囲", "proposed", units=("CL",)),
    Field("DE", "text", _PU, "description", "発明の詳細な説明", units=("DE",)),
    Field("FI", "fi", _PU, "FI", "FI", "proposed"),
    Field("FT", "fterm", _PU, "F-term", "Fターム", "confirmed"),
    Field("TC", "theme", _PU, "theme code", "テーマコード", "proposed"),
    Field("IP", "ipc", _PU, "IPC", "IPC", "proposed"),
    Field("CP", "cpc", _PU, "CPC", "CPC", foreign=True),
    Field("AP", "text", _ALL, "applicant/right holder", "出願人/権利者", "proposed",
          units=("AP",)),
    Field("IN", "text", _PUD, "inventor/creator", "発明者/創作者", "proposed",
          units=("IN",)),
    Field("AG", "text", _ALL, "agent", "代理人", units=("AG",)),
    Field("AN", "number", _ALL, "application number", "出願番号"),
    Field("PN", "number", _ALL, "publication number", "公報番号"),
    Field("RN", "number", _ALL, "registration number", "登録番号"),
    Field("AD", "date", _ALL, "filing date", "出願日"),
    Field("PD", "date", _ALL, "publication date", "公知日"),
    Field("RD", "date", _ALL, "registration date", "登録日"),
    Field("KD", "code", _ALL, "kind code", "種別コード"),
    Field("ST", "code", _ALL, "legal status", "法的状態"),
    Field("CC", "code", _ALL, "country of publication", "発行国", foreign=True),
    Field("AR", "text", _D, "article name", "意匠に係る物品", units=("TI",)),  # a design's title
    Field("DC", "code", _D, "Japanese design class", "日本意匠分類"),
    Field("DT", "code", _D, "D-term", "Dターム"),
    Field("LC", "code", _D, "Locarno class", "ロカルノ分類"),
    Field("TM", "mark", _T, "mark text", "商標"),
    Field("CN", "text", _T, "pronunciation", "称呼"),
    Field("GS", "text", _T, "goods/services", "指定商品・役務"),
    Field("NC", "code", _T, "Nice class", "区分"),
    Field("SC", "code", _T, "similar-group code", "類似群コード"),
    Field("VC", "code", _T, "Vienna code", "ウィーン図形分類"),
]
FIELDS: dict[str, Field] = {f.code: f for f in _TABLE}

#: Code as a user may write it -> tokkyo code. Add J-PlatPat codes here once confirmed.
ALIASES: dict[str, str] = {"FT": "FT"}

#: The field of a value written without `/CODE`, per screen (portal.md §3.2 rule 3).
DEFAULT_FIELD: dict[str, str] = {"patent": "TX", "utility": "TX", "design": "AR",
                                 "trademark": "TM", "all": "TX"}
SCREENS = frozenset(DEFAULT_FIELD)
#: Laws searched on each screen; "all" allows every field.
SCREEN_LAWS: dict[str, frozenset[str]] = {"patent": _PU, "utility": frozenset({"utility"}),
                                          "design": _D, "trademark": _T, "all": _ALL}


def field_code(text: str) -> str | None:
    """The tokkyo code `text` names (case-insensitive, full-width letters allowed, aliases
    resolved), or None when it names no field."""
    upper = unicodedata.normalize("NFKC", text).upper()
    if upper in ALIASES:
        return ALIASES[upper]
    return upper if upper in FIELDS else None


def applies(code: str, screen: str) -> bool:
    """Whether field `code` may be used on `screen` (every field on screen "all")."""
    return bool(FIELDS[code].laws & SCREEN_LAWS[screen])
