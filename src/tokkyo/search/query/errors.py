"""Errors and warnings of the query language with their position, in English and Japanese
(portal.md §3.2 rule 7: the character offset and the expected token, in the UI language).

A message is a catalog template filled with the error's `args`; words that depend on the
language (what was found, the screen, a value problem) are rendered per language too, so
`args` stay plain data the portal can also return as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tokkyo.errors import TerminalError
from tokkyo.search.query.fields import FIELDS

LANGUAGES = ("en", "ja")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "empty": "the expression is empty; expected a keyword",
        "expected-operand": "expected {what} {where}, found {found}",
        "unexpected-token": "expected an operator (*, + or -) or {closing}, found {found}",
        "two-atoms": "expected an operator (*, + or -) before {noun}; two terms need an "
                     "operator between them",
        "starts-with-not": "an expression or bracket may not start with '-'; write x-y for "
                           "x AND NOT y",
        "unbalanced-bracket": "'{open}' is never closed; expected '{close}'",
        "unexpected-close": "'{close}' closes no bracket",
        "unterminated-quote": "the double quote is never closed; expected a closing '\"'",
        "unknown-field": "unknown field code /{name}; expected a code such as /TX or /FI "
                         "(put a value containing '/' in double quotes)",
        "needs-quotes": "a value starting with '/' must be in double quotes, e.g. \"/x\"",
        "field-not-for-law": "the field /{name} ({label}) cannot be used in a {law} search",
        "field-in-group": "a field or '[' is not allowed inside ( ); group fielded terms "
                          "with [ ]",
        "group-needs-field": "expected a field such as /TX right after ')', found {found}",
        "field-after-bracket": "a field cannot follow ']'; use ( ) to give values one field, "
                               "e.g. (a+b)/TX",
        "bad-value": "'{value}' is not a valid /{field} value: {problem}",
        "too-long": "the expression has {length} characters; at most {limit} are allowed",
        "too-many-values": "the expression has more than {limit} values",
        "too-deep": "brackets are nested deeper than {limit} levels",
        "mixed-operators": "'+' is mixed with '*' or '-' without brackets; read as {shown}",
        # value problems, the {problem} of bad-value
        "value.empty": "the value is empty",
        "value.proximity": "proximity is written t1,nC,t2 or t1,nN,t2 with n from 0 to 99; "
                           "put a keyword containing ',' in double quotes",
        "value.distance": "'{gap}' is not a distance such as 5C or 10N (0–99; C keeps the "
                          "order, N allows either)",
        "value.fi": "expected an FI code such as H01M8/02, H01M8/02@Z or B01D53/14,311, a "
                    "facet such as ZAB, or a leading part followed by '?' (H01L21/?)",
        "value.ipc": "expected a group such as H01M8/02, \"H01M 8/02\" or H01M0008020000, "
                     "or a leading part followed by '?' (H01M?)",
        "value.fterm": "expected an F-term such as 4F100AB01.A, or a leading part such as "
                       "4F100AB",
        "value.fterm-additional": "an additional code (.X) needs the full viewpoint and "
                                  "number, e.g. 4F100AB01.A",
        "value.fterm-set": "expected THEME<c1,…,ck;f1,…,fk> with 1–9 one-character codes "
                           "and as many terms such as AB01, e.g. 4F100<A,B;AB01,AK41>",
        "value.theme": "expected a theme code such as 5H029",
        "value.date": "expected YYYY, YYYYMM or YYYYMMDD, or a range A:B, A: or :B",
        "value.real-date": "{date} is not a real date",
        "value.date-order": "the range ends before it starts",
        "value.number": "it cannot be read as a number ({detail})",
        "value.code": "expected a code, optionally followed by '?' for a prefix",
    },
    "ja": {
        "empty": "検索式が空です。キーワードを入力してください",
        "expected-operand": "{where}{what}が必要ですが、{found}",
        "unexpected-token": "演算子（*、+、-）か{closing}が必要ですが、{found}",
        "two-atoms": "{noun}の前に演算子（*、+、-）が必要です。二つの語の間には演算子を"
                     "入れてください",
        "starts-with-not": "式や括弧の先頭に「-」は置けません。x AND NOT y は x-y と書きます",
        "unbalanced-bracket": "「{open}」が閉じていません。「{close}」が必要です",
        "unexpected-close": "「{close}」に対応する開き括弧がありません",
        "unterminated-quote": "二重引用符が閉じていません。閉じる「\"」が必要です",
        "unknown-field": "検索項目コード /{name} はありません。/TX や /FI などのコードが"
                         "必要です（「/」を含む値は二重引用符で囲んでください）",
        "needs-quotes": "「/」で始まる値は二重引用符で囲んでください（例：\"/x\"）",
        "field-not-for-law": "検索項目 /{name}（{label}）は{law}の検索では使えません",
        "field-in-group": "( ) の中では検索項目や「[」は使えません。検索項目付きの語は "
                          "[ ] でまとめてください",
        "group-needs-field": "「)」の直後には /TX などの検索項目が必要ですが、{found}",
        "field-after-bracket": "「]」の後には検索項目を付けられません。値に同じ検索項目を"
                               "付けるには ( ) を使います（例：(a+b)/TX）",
        "bad-value": "「{value}」は /{field} の値として正しくありません：{problem}",
        "too-long": "検索式が{length}文字あります。{limit}文字までです",
        "too-many-values": "検索式の値が{limit}個を超えています",
        "too-deep": "括弧の入れ子が{limit}段を超えています",
        "mixed-operators": "括弧なしで「+」と「*」「-」が混在しています。{shown} と解釈しました",
        "value.empty": "値が空です",
        "value.proximity": "近傍検索は t1,nC,t2 または t1,nN,t2（n は 0〜99）と書きます。"
                           "「,」を含む語は二重引用符で囲んでください",
        "value.distance": "「{gap}」は 5C や 10N のような距離ではありません（0〜99、C は"
                          "順序どおり、N は順不同）",
        "value.fi": "H01M8/02、H01M8/02@Z、B01D53/14,311 のような FI、ZAB のような"
                    "広域ファセット、または先頭部分と「?」（H01L21/?）が必要です",
        "value.ipc": "H01M8/02、\"H01M 8/02\"、H01M0008020000 のようなグループ、または"
                     "先頭部分と「?」（H01M?）が必要です",
        "value.fterm": "4F100AB01.A のような Fターム、または 4F100AB のような先頭部分が"
                       "必要です",
        "value.fterm-additional": "付加コード（.X）には観点と数字が全部必要です"
                                  "（例：4F100AB01.A）",
        "value.fterm-set": "テーマ<c1,…,ck;f1,…,fk>（1〜9 個の 1 文字のコードと同数の "
                           "AB01 のようなターム）が必要です（例：4F100<A,B;AB01,AK41>）",
        "value.theme": "5H029 のようなテーマコードが必要です",
        "value.date": "YYYY、YYYYMM、YYYYMMDD、または範囲 A:B、A:、:B が必要です",
        "value.real-date": "{date} は実在しない日付です",
        "value.date-order": "範囲の終わりが始まりより前です",
        "value.number": "番号として読めません（{detail}）",
        "value.code": "コード（前方一致なら末尾に「?」）が必要です",
    },
}

#: Words filled into templates, per language.
WORDS: dict[str, dict[str, str]] = {
    "en": {"end": "the end of the expression", "start": "at the start",
           "after": "after '{token}'", "quote": "'{text}'", "noun": "'{text}'",
           "end-noun": "the end of the expression", "operand": "a keyword, '(' or '['",
           "operand-in-group": "a keyword or '('", "close": "'{close}'",
           "patent": "patent and utility model", "utility": "utility model",
           "design": "design", "trademark": "trademark", "all": "combined"},
    "ja": {"end": "式が終わっています", "start": "先頭に", "after": "「{token}」の後に",
           "quote": "「{text}」があります", "noun": "「{text}」", "end-noun": "式の終わり",
           "operand": "キーワード、「(」か「[」",
           "operand-in-group": "キーワードか「(」", "close": "「{close}」",
           "patent": "特許・実用新案", "utility": "実用新案", "design": "意匠",
           "trademark": "商標", "all": "全体"},
}
POSITION = {"en": "Position {column}: {text}.", "ja": "{column}文字目：{text}。"}


def _found(words: dict[str, str], found: str | None, noun: bool = False) -> str:
    if found is None:
        return words["end-noun" if noun else "end"]
    return words["noun" if noun else "quote"].format(text=found)


def render(lang: str, code: str, position: int, args: dict[str, Any]) -> str:
    """The complete sentence for `code` at 0-based `position` (shown 1-based)."""
    lang = lang if lang in MESSAGES else "en"
    words = WORDS[lang]
    values: dict[str, Any] = dict(args)
    values["found"] = _found(words, args.get("found"))
    values["noun"] = _found(words, args.get("found"), noun=True)
    after = args.get("after")
    values["where"] = words["after"].format(token=after) if after else words["start"]
    values["what"] = words["operand-in-group" if args.get("in_group") else "operand"]
    close = args.get("close")
    values["closing"] = words["close"].format(close=close) if close else words["end"]
    if "law" in args:
        values["law"] = words.get(args["law"], args["law"])
    if "problem" in args:
        values["problem"] = MESSAGES[lang]["value." + args["problem"]].format(**values)
    if args.get("name") in FIELDS:
        values["label"] = FIELDS[args["name"]].label(lang)
    text = MESSAGES[lang][code].format(**values)
    return POSITION[lang].format(column=position + 1, text=text)


class QueryError(TerminalError):
    """A malformed expression: where (`position`, a 0-based offset into the original
    text), what (`code`, a MESSAGES key) and the details (`args`)."""

    def __init__(self, code: str, position: int, **args: Any) -> None:
        self.code = code
        self.position = position
        self._details = args
        super().__init__(render("en", code, position, args))

    @property
    def args(self) -> dict[str, Any]:  # type: ignore[override]
        """The details the message is filled with (plain data)."""
        return self._details

    def message(self, lang: str = "en") -> str:
        """The error as one sentence in `lang` ("en" or "ja"), with the 1-based column."""
        return render(lang, self.code, self.position, self._details)


@dataclass(frozen=True)
class QueryWarning:
    """Something accepted but worth telling (portal.md §3.2 rule 6)."""

    code: str
    position: int
    args: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The warning as one sentence in `lang`, with the 1-based column."""
        return render(lang, self.code, self.position, self.args)
