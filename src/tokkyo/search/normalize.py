"""Text normalisation applied identically to indexed text and to queries (portal.md §2).

N1 width (NFKC), N2 Latin case, N3 whitespace runs to one space are always on for
text fields; the optional kana, long-vowel and ヴ folds (N4–N6) belong to queries and
are applied by the query layer to both sides of a verified match.
"""

from __future__ import annotations

import unicodedata

from tokkyo.model.text_fields import NAME_FIELDS


def normalise_text(text: str) -> str:
    """NFKC, case-folded, whitespace runs collapsed to one space, trimmed. (`str.split`
    splits at exactly the characters `\\s` matches, so splitting and joining collapses
    the runs as `re.sub(r"\\s+", " ", …).strip()` would, without a replacement for each
    single space of Latin text.)"""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def normalise_name(text: str) -> str:
    """Names match without any spaces (`渡辺一豊` finds `渡辺　一豊`)."""
    return normalise_text(text).replace(" ", "")


def normalise_field(field: str, text: str) -> str:
    """The normalisation a unit of `field` is indexed and matched with."""
    return normalise_name(text) if field in NAME_FIELDS else normalise_text(text)
