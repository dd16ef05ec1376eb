"""Kinds of JPO gazette publications and their WIPO ST.16 kind codes."""

from __future__ import annotations

from dataclasses import dataclass

from tokkyo.model.laws import Law


@dataclass(frozen=True, slots=True)
class GazetteKind:
    """A `kind-of-jp` value of the `jp-official-gazette` format."""

    code: str
    law: Law
    stage: str          # "pub" (laid open), "reg" (registered), portal.md §7
    st16: str           # default ST.16 kind when the document does not say
    name_ja: str
    name_en: str


GAZETTE_KINDS: dict[str, GazetteKind] = {
    kind.code: kind
    for kind in (
        GazetteKind("A", Law.PATENT, "pub", "A", "公開特許公報",
                    "Published unexamined patent application"),
        GazetteKind("T", Law.PATENT, "pub", "A", "公表特許公報",
                    "Published Japanese translation of a PCT application"),
        GazetteKind("B", Law.PATENT, "reg", "B2", "特許公報", "Patent specification"),
        GazetteKind("U", Law.UTILITY, "reg", "U", "登録実用新案公報",
                    "Registered utility model"),
        GazetteKind("Y", Law.UTILITY, "reg", "Y2", "実用新案登録公報",
                    "Examined utility model registration"),
        GazetteKind("S", Law.DESIGN, "reg", "S", "意匠公報", "Design gazette"),
        # tokkyo's code for the trademark registration gazette (TM-REG-GAZ SGML), which
        # has no kind-of-jp: ST.16 covers patent documents only
        GazetteKind("TM", Law.TRADEMARK, "reg", "", "商標公報",
                    "Trademark registration gazette"),
    )
}


#: The kinds the jp-official-gazette XML format carries as kind-of-jp.
XML_GAZETTE_KINDS = {code: kind for code, kind in GAZETTE_KINDS.items() if code != "TM"}


def gazette_kind(code: str) -> GazetteKind:
    """The kind a jp-official-gazette's kind-of-jp names (never TM: trademark gazettes
    are SGML)."""
    try:
        return XML_GAZETTE_KINDS[code]
    except KeyError:
        known = ", ".join(XML_GAZETTE_KINDS)
        raise ValueError(f"kind-of-jp {code!r} is not a JPO gazette kind tokkyo knows "
                         f"({known})") from None
