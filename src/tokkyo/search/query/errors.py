"""Errors and warnings of the query language, in Japanese and English, with the position
(portal.md §3.2 rule 7: the character offset and the expected token)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "empty": "the expression is empty",
        "expected-operand": "expected a keyword, '(' or '[' {after}, found {found}",
        "expected-operator": "expected an operator (*, + or -) or the end, found {found}",
        "two-atoms": "two terms without an operator between them; join them with *, + or -",
        "starts-with-not": "an expression or group may not start with '-'",
        "unbalanced-bracket": "'{open}' opened here is never closed; expected '{close}'",
        "unexpected-close": "'{close}' closes nothing",
        "unterminated-quote": "the double quote opened here is never closed",
        "unknown-field": "unknown field code /{name}",
        "field-not-for-law": "field /{name} does not apply to {law} searches",
        "field-in-group": "a field inside ( ) is not allowed; use [ ] to group fielded terms",
        "group-needs-field": "after ')' expected a field such as /TX, found {found}",
        "bad-value": "{field}: {reason}",
        "too-long": "the expression is longer than {limit} characters",
        "too-many-values": "the expression has more than {limit} values",
        "too-deep": "brackets are nested deeper than {limit}",
        "mixed-operators": "'+' is mixed with '*' or '-' without brackets; read as {shown}",
    },
    "ja": {
        "empty": "検索式が空です",
        "expected-operand":
            "{after}にはキーワード、「(」または「[」が必要ですが、{found}があります",
        "expected-operator": "演算子（*、+、-）か式の終わりが必要ですが、{found}があります",
        "two-atoms": "二つの語の間に演算子がありません。*、+、- のいずれかでつないでください",
        "starts-with-not": "式や括弧の先頭に「-」は置けません",
        "unbalanced-bracket": "ここで開いた「{open}」が閉じていません。「{close}」が必要です",
        "unexpected-close": "対応する開き括弧のない「{close}」です",
        "unterminated-quote": "ここで始まる二重引用符が閉じていません",
        "unknown-field": "不明な検索項目コード /{name} です",
        "field-not-for-law": "検索項目 /{name} は{law}の検索では使えません",
        "field-in-group": "( ) の中では検索項目を指定できません。[ ] を使ってください",
        "group-needs-field": "「)」の後には /TX のような検索項目が必要ですが、{found}があります",
        "bad-value": "{field}：{reason}",
        "too-long": "検索式が{limit}文字を超えています",
        "too-many-values": "検索式の値が{limit}個を超えています",
        "too-deep": "括弧の入れ子が{limit}段を超えています",
        "mixed-operators": "括弧なしで「+」と「*」「-」が混在しています。{shown} と解釈しました",
    },
}
WORDS = {
    "en": {"end": "the end of the expression", "start": "at the start", "after": "after '{op}'"},
    "ja": {"end": "式の終わり", "start": "先頭", "after": "「{op}」の後"},
}
POSITION = {"en": "Position {column}: {text}.", "ja": "{column}文字目：{text}。"}


def _found(lang: str, found: str | None) -> str:
    if found is None:
        return WORDS[lang]["end"]
    return f"'{found}'" if lang == "en" else f"「{found}」"


def _render(lang: str, code: str, position: int, args: dict[str, Any]) -> str:
    lang = lang if lang in MESSAGES else "en"
    values = dict(args)
    if "found" in values or code in ("expected-operand", "expected-operator",
                                     "group-needs-field"):
        values["found"] = _found(lang, values.get("found"))
    if code == "expected-operand":
        op = values.get("op")
        values["after"] = (WORDS[lang]["after"].format(op=op) if op
                           else WORDS[lang]["start"])
    text = MESSAGES[lang][code].format(**values)
    return POSITION[lang].format(column=position + 1, text=text)


class QueryError(ValueError):
    """A malformed expression: where (0-based `position`), what (`code`), with `args`."""

    def __init__(self, code: str, position: int, **args: Any) -> None:
        self.code = code
        self.position = position
        self.args_ = args
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return _render(lang, self.code, self.position, self.args_)


@dataclass(frozen=True)
class QueryWarning:
    code: str
    position: int
    args: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return _render(lang, self.code, self.position, self.args)
