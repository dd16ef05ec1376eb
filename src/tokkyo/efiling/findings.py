"""What the formality check reports: a stable code, a severity, the place in the input
(document, item, paragraph, line and column) and what to do, in Japanese and English.

The codes are part of tokkyo's interface: scripts match on them, the README lists them.
A finding with severity `error` blocks the conversion; a `warning` does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """One finding code: its severity (the usual one; a few codes can be either), and
    the message in each language, formatted with the finding's arguments."""

    severity: Severity
    ja: str
    en: str


E, W = Severity.ERROR, Severity.WARNING

#: Every finding code, its usual severity and its message (what is wrong, what to do).
RULES: dict[str, Rule] = {
    "unsupported-tag": Rule(
        W, "タグ <{tag}> は電子出願では使えません。{effect}",
        "The tag <{tag}> is not allowed in e-filing HTML. {effect_en}"),
    "character-not-in-jis-x-0208": Rule(
        E, "「{char}」（U+{codepoint}）は JIS X 0208 にない文字です。{suggestion}",
        "'{char}' (U+{codepoint}) is not a JIS X 0208 character. {suggestion_en}"),
    "reserved-bracket": Rule(
        E, "【 】 は項目名にだけ使えます。本文では（ ）や「 」に書き換えてください。",
        "【 】 are reserved for item names. In running text use （ ） or 「 」 instead."),
    "item-unknown": Rule(
        E, "{item} は{document}の項目ではありません。{hint}",
        "{item} is not an item of the {document_en}. {hint_en}"),
    "item-order": Rule(
        E, "{item} は {before} より前に置いてください。",
        "{item} must come before {before}."),
    "item-duplicate": Rule(
        E, "{item} が{document}に二度あります。一つにしてください。",
        "{item} appears twice in the {document_en}. Keep one."),
    "item-missing": Rule(
        E, "{document}に {item} がありません。追加してください。",
        "The {document_en} has no {item}. Add it."),
    "paragraph-number-gap": Rule(
        E, "段落番号 【{found}】 の前に 【{expected}】 がありません。番号を振り直してください。",
        "Paragraph 【{found}】 follows a gap: 【{expected}】 is missing. Renumber the "
        "paragraphs."),
    "paragraph-number-repeat": Rule(
        E, "段落番号 【{found}】 が繰り返されています。【{expected}】 にしてください。",
        "Paragraph number 【{found}】 is repeated. Number it 【{expected}】."),
    "paragraph-number-order": Rule(
        E, "段落番号 【{found}】 が前の番号より小さくなっています。【{expected}】 にしてください。",
        "Paragraph number 【{found}】 is lower than the one before it. Number it "
        "【{expected}】."),
    "claim-number-gap": Rule(
        E, "【請求項{found}】 は 【請求項{expected}】 であるべきです。請求項は１から順に番号を"
           "付けてください。",
        "【請求項{found}】 should be 【請求項{expected}】: number the claims from 1 without "
        "gaps."),
    "claim-reference-missing": Rule(
        E, "請求項{claim_w}が引用する請求項{cited_w}はありません。",
        "Claim {claim} cites claim {cited}, which does not exist."),
    "claim-reference-forward": Rule(
        E, "請求項{claim_w}は請求項{cited_w}を引用しています。請求項は自身より前の請求項だけを"
           "引用できます。",
        "Claim {claim} cites claim {cited}: a claim may cite only claims before it."),
    "multiple-dependency-wording": Rule(
        E, "多数項引用の請求項{claim_w}が、多数項引用の請求項{cited_w}を引用しています"
           "（マルチマルチクレーム）。引用を一つにするか、請求項を分けてください。",
        "Claim {claim} cites more than one claim and cites claim {cited}, which also "
        "does: a multiple dependent claim may not cite another. Cite one claim or split "
        "it."),
    "image-format": Rule(
        E, "画像 {file}: {reason_ja}",
        "Image {file}: {reason_en}"),
    "image-bit-depth": Rule(
        E, "画像 {file}: {reason_ja}",
        "Image {file}: {reason_en}"),
    "image-dpi": Rule(
        E, "画像 {file} の解像度は {dpi} です。200、300 又は 400 dpi で保存してください。",
        "Image {file} is {dpi}: save it at 200, 300 or 400 dpi."),
    "image-size": Rule(
        E, "画像 {file} は {width}×{height} mm です。図面は横 170 mm、縦 255 mm 以内に"
           "してください。",
        "Image {file} is {width} × {height} mm; drawings may be at most 170 × 255 mm."),
    "image-missing": Rule(
        E, "{what_ja}",
        "{what_en}"),
    "list-of-documents-mismatch": Rule(
        E, "{what_ja}",
        "{what_en}"),
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where a finding is: the line and column in the input (1-based; 0 when the finding
    is about something absent at no one place), and the document, item and paragraph
    it falls in, as an applicant names them (`明細書`, `請求項２`, `０００３`)."""

    line: int = 0
    column: int = 0
    document: str = ""
    item: str = ""
    paragraph: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    position: Position
    text: str                   # the offending text, as found
    args: tuple[tuple[str, str], ...] = ()

    @property
    def message_ja(self) -> str:
        return RULES[self.code].ja.format(**dict(self.args))

    @property
    def message_en(self) -> str:
        return RULES[self.code].en.format(**dict(self.args))

    def message(self, lang: str) -> str:
        return self.message_ja if lang == "ja" else self.message_en

    def as_json(self) -> dict[str, Any]:
        p = self.position
        return {"code": self.code, "severity": self.severity.value, "line": p.line,
                "column": p.column, "document": p.document, "item": p.item,
                "paragraph": p.paragraph, "text": self.text, "message": {
                    "ja": self.message_ja, "en": self.message_en}}


def finding(code: str, position: Position, text: str = "", *,
            severity: Severity | None = None, **args: object) -> Finding:
    """A finding of `code`, with its rule's severity unless told otherwise."""
    if code not in RULES:
        raise KeyError(f"no finding code {code!r}")
    return Finding(code, severity or RULES[code].severity, position, text,
                   tuple((k, str(v)) for k, v in args.items()))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def ordered(findings: list[Finding]) -> list[Finding]:
    """As the input reads: by line and column, absent things (line 0) last."""
    return sorted(findings, key=lambda f: (f.position.line == 0, f.position.line,
                                          f.position.column, f.code))
