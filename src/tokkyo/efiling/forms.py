"""The forms of a patent application's documents: which items each holds, in what order,
which are required and which may repeat (特許法施行規則 様式第26 for the request 特許願,
様式29 for the description, 29の2 claims, 30 drawings, 31 abstract), and the XML names
each maps to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Spec:
    """An item: its place in the document's order, whether it must be there, whether it
    may appear more than once, and the items it belongs under (`under`: a sub-item, as
    【氏名】 of 【発明者】, which follows its group's head and is not ranked itself)."""

    name: str
    rank: int
    required: bool = False
    repeats: bool = False
    under: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Form:
    """A document's form. A numbered item's spec is found under its name with `N`
    (`特許文献N`, the citations under the heading 【特許文献】), else under its name."""

    name: str               # 書類名 as written: 明細書
    en: str                 # the English name findings use: description
    code: str               # the JPO document code of the XML
    items: dict[str, Spec]
    numbered: frozenset[str]    # items written with a number: 請求項１, 図１
    paragraphs: bool = False    # paragraph numbers 【０００１】 belong here

    def spec(self, name: str, numbered: bool) -> Spec | None:
        return (self.items.get(name + "N") if numbered else None) or self.items.get(name)


def _form(name: str, en: str, code: str, specs: list[Spec], numbered: set[str],
          paragraphs: bool = False) -> Form:
    return Form(name, en, code, {s.name: s for s in specs}, frozenset(numbered), paragraphs)


def _ranked(*rows: tuple[str, bool, bool]) -> list[Spec]:
    return [Spec(name, i, required, repeats) for i, (name, required, repeats) in
            enumerate(rows, start=1)]


_PERSON = ("発明者",)
_PARTY = ("特許出願人", "代理人")
REQUEST = _form("特許願", "request", "A163", [*_ranked(
    ("整理番号", True, False), ("提出日", False, False), ("あて先", True, False),
    ("国際特許分類", False, True), ("発明者", True, True), ("特許出願人", True, True),
    ("代理人", False, True), ("手数料の表示", True, False), ("提出物件の目録", True, False)),
    Spec("住所又は居所", 0, repeats=True, under=_PERSON + _PARTY),
    Spec("氏名", 0, repeats=True, under=_PERSON),
    Spec("識別番号", 0, repeats=True, under=_PARTY),
    Spec("氏名又は名称", 0, repeats=True, under=_PARTY),
    Spec("弁理士", 0, repeats=True, under=("代理人",)),
    Spec("電話番号", 0, repeats=True, under=_PARTY),
    Spec("予納台帳番号", 0, under=("手数料の表示",)),
    Spec("納付金額", 0, under=("手数料の表示",)),
    Spec("物件名", 0, repeats=True, under=("提出物件の目録",)),
], set())

DESCRIPTION = _form("明細書", "description", "A16330", [*_ranked(
    ("発明の名称", True, False), ("技術分野", True, False), ("背景技術", True, False),
    ("先行技術文献", False, False), ("特許文献", False, False), ("非特許文献", False, False),
    ("発明の概要", False, False), ("発明が解決しようとする課題", True, False),
    ("課題を解決するための手段", True, False), ("発明の効果", False, False),
    ("図面の簡単な説明", False, False), ("発明を実施するための形態", True, False),
    ("実施例", False, True), ("産業上の利用可能性", False, False),
    ("符号の説明", False, False), ("受託番号", False, False),
    ("配列表フリーテキスト", False, False)),
    Spec("特許文献N", 0, repeats=True, under=("特許文献",)),
    Spec("非特許文献N", 0, repeats=True, under=("非特許文献",)),
    Spec("図N", 0, repeats=True, under=("図面の簡単な説明",)),
], {"特許文献", "非特許文献", "実施例", "図", "化", "数", "表"}, paragraphs=True)

CLAIMS = _form("特許請求の範囲", "claims", "A16333",
               [Spec("請求項", 1, required=True, repeats=True)], {"請求項", "化", "数", "表"})
ABSTRACT = _form("要約書", "abstract", "A16332", _ranked(
    ("要約", True, False), ("課題", True, False), ("解決手段", True, False),
    ("選択図", True, False)), {"化", "数", "表"})
DRAWINGS = _form("図面", "drawings", "A16331",
                 [Spec("図", 1, required=True, repeats=True)], {"図"})

FORMS: dict[str, Form] = {f.name: f for f in (REQUEST, DESCRIPTION, CLAIMS, ABSTRACT,
                                               DRAWINGS)}
#: The documents of an application in the order they are filed.
ORDER = tuple(FORMS)
#: What a request must come with (drawings are optional).
REQUIRED_WITH_REQUEST = ("明細書", "特許請求の範囲", "要約書")
#: Items that may stand anywhere in a document of the forms that number them: formulas,
#: equations and tables, each an image.
FLOATING = frozenset({"化", "数", "表"})

#: The description's headings and the element of the application body each becomes
#: (the element names of the JPO's XML, as the real gazettes in the corpus use them);
#: the value is (element, parent heading or "").
DESCRIPTION_ELEMENTS: dict[str, tuple[str, str]] = {
    "技術分野": ("technical-field", ""),
    "背景技術": ("background-art", ""),
    "先行技術文献": ("citation-list", ""),
    "特許文献": ("patent-literature", "先行技術文献"),
    "非特許文献": ("non-patent-literature", "先行技術文献"),
    "発明の概要": ("summary-of-invention", ""),
    "発明が解決しようとする課題": ("tech-problem", "発明の概要"),
    "課題を解決するための手段": ("tech-solution", "発明の概要"),
    "発明の効果": ("advantageous-effects", "発明の概要"),
    "図面の簡単な説明": ("description-of-drawings", ""),
    "発明を実施するための形態": ("description-of-embodiments", ""),
    "実施例": ("embodiments-example", "発明を実施するための形態"),
    "産業上の利用可能性": ("industrial-applicability", ""),
    "符号の説明": ("reference-signs-list", ""),
    "受託番号": ("reference-to-deposited-biological-material", ""),
    "配列表フリーテキスト": ("sequence-list-text", ""),
}
#: Floating items and the element holding their image.
FLOATING_ELEMENTS = {"化": ("chemistry", "chem"), "数": ("maths", "math"),
                     "表": ("tables", "table")}
