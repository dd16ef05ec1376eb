"""Field codes of the logical-expression language (portal.md §3.3), as data.

J-PlatPat codes other than `FT` are unconfirmed; ALIASES maps codes confirmed later (or
other spellings) onto these, so saved formulas keep working.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

PU = frozenset({"patent", "utility"})
ALL = frozenset({"patent", "utility", "design", "trademark"})


@dataclass(frozen=True, slots=True)
class Field:
    code: str
    type: str            # text, fi, fterm, theme, ipc, cpc, number, date, code, mark
    laws: frozenset[str]
    en: str
    ja: str

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


_ROWS = [
    ("TX", "text", PU, "full text", "全文"), ("TI", "text", PU, "title", "発明の名称"),
    ("AB", "text", PU, "abstract", "要約"), ("CL", "text", PU, "claims", "請求の範囲"),
    ("DE", "text", PU, "description", "詳細な説明"), ("FI", "fi", PU, "FI", "FI"),
    ("FT", "fterm", PU, "F-term", "Fターム"), ("TC", "theme", PU, "theme code", "テーマコード"),
    ("IP", "ipc", PU, "IPC", "IPC"), ("CP", "cpc", PU, "CPC", "CPC"),
    ("AP", "text", ALL, "applicant / right holder", "出願人/権利者"),
    ("IN", "text", frozenset({"patent", "utility", "design"}), "inventor / creator",
     "発明者/創作者"),
    ("AG", "text", ALL, "agent", "代理人"),
    ("AN", "number", ALL, "application number", "出願番号"),
    ("PN", "number", ALL, "publication number", "公開・公表番号"),
    ("RN", "number", ALL, "registration number", "登録番号"),
    ("AD", "date", ALL, "filing date", "出願日"), ("PD", "date", ALL, "publication date", "公知日"),
    ("RD", "date", ALL, "registration date", "登録日"), ("KD", "code", ALL, "kind code", "種別"),
    ("ST", "code", ALL, "legal status", "ステータス"), ("CC", "code", ALL, "country", "国"),
    ("AR", "text", frozenset({"design"}), "article name", "意匠に係る物品"),
    ("DC", "code", frozenset({"design"}), "Japanese design class", "日本意匠分類"),
    ("DT", "code", frozenset({"design"}), "D-term", "Dターム"),
    ("LC", "code", frozenset({"design"}), "Locarno class", "ロカルノ分類"),
    ("TM", "mark", frozenset({"trademark"}), "mark text", "商標（検索用）"),
    ("CN", "text", frozenset({"trademark"}), "pronunciation", "称呼"),
    ("GS", "text", frozenset({"trademark"}), "goods / services", "指定商品・役務"),
    ("NC", "code", frozenset({"trademark"}), "Nice class", "区分"),
    ("SC", "code", frozenset({"trademark"}), "similar-group code", "類似群コード"),
    ("VC", "code", frozenset({"trademark"}), "Vienna code", "図形等分類"),
]
FIELDS: dict[str, Field] = {r[0]: Field(*r) for r in _ROWS}
ALIASES: dict[str, str] = {"PA": "AP", "IPC": "IP"}
DEFAULT_FIELD = {"patent": "TX", "utility": "TX", "design": "AR", "trademark": "TM",
                 "all": "TX"}
SCREENS = frozenset(DEFAULT_FIELD)


def field_code(text: str) -> str | None:
    """The canonical code for `text` (case-insensitive, aliases resolved), or None."""
    upper = unicodedata.normalize("NFKC", text).upper()
    if upper in FIELDS:
        return upper
    return ALIASES.get(upper)
