"""The value types every engine and caller share: content kinds, languages, a translation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ContentKind(StrEnum):
    """What a segment is: the routing table picks an engine per kind (the JPO routes
    descriptions to neural MT, titles to statistical MT, bibliographic data to rules)."""

    TITLE = "title"
    ABSTRACT = "abstract"
    CLAIMS = "claims"
    DESCRIPTION = "description"
    EXAM_DOCUMENT = "exam_document"
    BIBLIOGRAPHIC = "bibliographic"
    DOCUMENT_NAME = "document_name"
    CODE_LABEL = "code_label"
    NON_PATENT = "non_patent"
    QUERY = "query"


#: Languages tokkyo knows by name (ISO 639-1), for `/languages` and messages.
LANGUAGES = {"ja": "Japanese", "en": "English", "zh": "Chinese", "ko": "Korean",
             "de": "German", "fr": "French", "es": "Spanish", "ru": "Russian"}


def kind_of(text: str) -> ContentKind:
    """The content kind named `text`; ValueError listing the kinds otherwise."""
    try:
        return ContentKind(text.strip().lower())
    except ValueError:
        raise ValueError(f"{text!r} is not a content kind (one of "
                         f"{', '.join(k.value for k in ContentKind)})") from None


def language(text: str) -> str:
    """A language code tokkyo knows; ValueError listing them otherwise."""
    code = text.strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"{text!r} is not a language tokkyo knows (one of "
                         f"{', '.join(LANGUAGES)})")
    return code


@dataclass(frozen=True, slots=True)
class Translation:
    """One engine output for one input segment. `untranslated_spans` are (start, end)
    offsets in `text` left in the source language (the dictionary flags what it does not
    know; the platform flags placeholders an engine dropped)."""

    text: str
    engine: str
    version: str
    untranslated_spans: tuple[tuple[int, int], ...] = field(default=())
