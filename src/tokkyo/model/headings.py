"""The printed headings of a JP description's sections (公報仕様 特許・実用新案: the
`jp-official-gazette` elements a description's paragraphs sit in, and the 【…】 heading
printed for each), with their English names for the English portal.

A JP paragraph's section is the path of elements it sits in (`summary-of-invention/
tech-problem`, written by the gazette reader); the gazette prints the heading of every
element of the path that the paragraph before it was not already in. A store loaded
before the path was kept holds the innermost element only, and shows that heading.
"""

from __future__ import annotations

from typing import Any

#: element name → (Japanese heading as printed, English heading)
JP_SECTION_HEADINGS: dict[str, tuple[str, str]] = {
    "technical-field": ("技術分野", "Technical field"),
    "background-art": ("背景技術", "Background art"),
    "citation-list": ("先行技術文献", "Citation list"),
    "patent-literature": ("特許文献", "Patent literature"),
    "non-patent-literature": ("非特許文献", "Non-patent literature"),
    "summary-of-invention": ("発明の概要", "Summary of invention"),
    "disclosure": ("発明の開示", "Disclosure of invention"),
    "tech-problem": ("発明が解決しようとする課題", "Technical problem"),
    "tech-solution": ("課題を解決するための手段", "Solution to problem"),
    "advantageous-effects": ("発明の効果", "Advantageous effects of invention"),
    "description-of-drawings": ("図面の簡単な説明", "Brief description of drawings"),
    "description-of-embodiments": ("発明を実施するための形態", "Description of embodiments"),
    "best-mode": ("発明を実施するための最良の形態", "Best mode for carrying out the invention"),
    "mode-for-invention": ("発明を実施するための形態", "Mode for carrying out the invention"),
    "embodiments-example": ("実施例", "Examples"),
    "industrial-applicability": ("産業上の利用可能性", "Industrial applicability"),
    "reference-signs-list": ("符号の説明", "Reference signs list"),
    "reference-to-deposited-biological-material": ("受託番号",
                                                   "Deposited biological material"),
    "sequence-list-text": ("配列表フリーテキスト", "Sequence listing free text"),
}


def jp_heading(section: str, lang: str) -> str:
    """The heading printed for a JP description section (`【技術分野】`), or "" for a
    section that prints none (the description itself, an overflow block)."""
    names = JP_SECTION_HEADINGS.get(section)
    if names is None:
        return ""
    return f"【{names[0]}】" if lang == "ja" else names[1]


def printed_headings(section: str, previous: str, country: str, lang: str) -> list[str]:
    """The headings printed above a paragraph of `section` that follows one of
    `previous`: for JP each section of the path the previous paragraph was not in
    (【発明の概要】, 【発明が解決しようとする課題】); a foreign document's section is its
    heading as printed, shown when it changes."""
    if country != "JP":
        return [section] if section and section != previous else []
    path = section.split("/") if section else []
    before = previous.split("/") if previous else []
    shared = 0
    while shared < min(len(path), len(before)) and path[shared] == before[shared]:
        shared += 1
    return [h for h in (jp_heading(name, lang) for name in path[shared:]) if h]


def with_headings(paragraphs: list[dict[str, Any]], country: str, lang: str
                  ) -> list[dict[str, Any]]:
    """Paragraphs (as JSON views) with the headings printed above each: `headings`, the
    list, and `heading`, the same one per line ("" for none)."""
    out = []
    previous = ""
    for p in paragraphs:
        section = p.get("section", "")
        headings = printed_headings(section, previous, country, lang)
        out.append(dict(p, heading="\n".join(headings), headings=headings))
        previous = section
    return out
