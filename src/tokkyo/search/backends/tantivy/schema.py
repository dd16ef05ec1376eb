"""The tantivy index's fields, and a case document as tantivy's document.

Text is matched on character bigrams made here, after tokkyo's own normalisation: the
text field `bi_XX` of a field code holds, for every character of every unit, the bigram
that starts there (the unit's last character paired with the end mark `END`), so a term
of n ≥ 2 characters is the phrase of its n - 1 bigrams at consecutive positions, exactly
a substring of the unit. tantivy's own n-gram tokenizer puts every gram at position 0
and cannot serve phrases. Units are separated by `GAP` filler positions, so no phrase of
bigrams spans two units, and a proximity phrase whose links allow fewer than `GAP`
characters between terms cannot either (longer links are verified against the store).
`uni_XX` holds each character a field's units contain, for terms of one character.
Stored machine translations are language-tagged copies of their fields, `bi_ti_ja` and
`uni_ti_ja` for the Japanese translation of the title (translation.md §4).

Tokens are joined by spaces and read by tantivy's whitespace tokenizer; a space inside
the text (normalised text has single spaces) is written `SPACE`, a character that
normalisation never leaves (it is whitespace to Python, not to tantivy).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable

import tantivy

from tokkyo.search.documents import (
    CODE_FIELDS,
    DATE_FIELDS,
    TEXT_FIELDS,
    TRANSLATED_FIELDS,
    TRANSLATION_LANGUAGES,
    CaseDocument,
    digest,
    translated_key,
)

#: Bumped whenever the fields or the way documents are written change: an index of
#: another version is rebuilt from the store (backends/tantivy/index.py).
VERSION = 2
END = "\x1e"
SPACE = "\x1f"
FILLER = "\x1d"
GAP = 32
_GAP_TEXT = " " + " ".join([FILLER] * GAP) + " "

STATUS_DATES = {"disappearance": "st_disappearance", "expire": "st_expire",
                "annuity": "st_annuity", "grace": "st_grace"}


#: The translated copies of text fields the index holds (`TI_ja` ...).
TRANSLATION_KEYS = tuple(translated_key(code, language) for code in TRANSLATED_FIELDS.values()
                         for language in TRANSLATION_LANGUAGES)


def bigram_field(code: str) -> str:
    return "bi_" + code.lower()


def unigram_field(code: str) -> str:
    return "uni_" + code.lower()


def date_field(code: str) -> str:
    return "date_" + code.lower()


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("digest", stored=True, tokenizer_name="raw", index_option="basic")
    for code in TEXT_FIELDS:
        sb.add_text_field(bigram_field(code), tokenizer_name="whitespace",
                          index_option="position")
        sb.add_text_field(unigram_field(code), tokenizer_name="whitespace",
                          index_option="freq")
    for code in TRANSLATION_KEYS:
        sb.add_text_field(bigram_field(code), tokenizer_name="whitespace",
                          index_option="position")
        sb.add_text_field(unigram_field(code), tokenizer_name="whitespace",
                          index_option="freq")
    for name in (*CODE_FIELDS, "law", "mark", "numbers", "status"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for code in DATE_FIELDS:
        sb.add_unsigned_field(date_field(code), indexed=True)
    for name in STATUS_DATES.values():
        sb.add_unsigned_field(name, indexed=True)
    # sort keys: the day (newest first, none last) with the case id breaking ties
    sb.add_unsigned_field("sort_date", fast=True)
    sb.add_unsigned_field("sort_filing", fast=True)
    sb.add_text_field("sort_number", tokenizer_name="raw", fast=True, index_option="basic")
    return sb.build()


def day(value: dt.date) -> int:
    """A date as the whole number a range over it compares (days since 0001-01-01)."""
    return value.toordinal()


def sort_key(value: dt.date | None, case_id: int) -> int:
    """Newest first, cases without the date last, then the higher case id first, as one
    number sorted descending."""
    return ((day(value) if value is not None else 0) << 32) | case_id


#: The number the number sort key writes the case id from (`number_key`, `case_of_number_key`).
ID_BASE = 0xFFFFFFFF


def number_key(number: str, case_id: int) -> str:
    """Application number ascending, then the higher case id first, as one string sorted
    ascending (code point order, as the store compares)."""
    return f"{number}\x00{ID_BASE - case_id:010d}"


def case_of_number_key(key: str) -> int:
    """The case id a `number_key` carries."""
    return ID_BASE - int(key.rsplit("\x00", 1)[1])


def bigram_text(values: Iterable[str]) -> str:
    """The bigram tokens of `values`, one unit after the other with `GAP` fillers between."""
    texts = [value.replace(" ", SPACE) + END for value in values]
    joined = "".join(texts)
    if len(joined) < _SHORT:
        # each character joined to the next by map: half the time of slicing text[i:i + 2]
        return _GAP_TEXT.join([" ".join(map(operator.add, text, text[1:])) for text in texts])
    pairs = _pairs(joined)
    units = []
    start = 0                   # the first pair of the unit, in `pairs` (3 characters each)
    for text in texts:
        end = start + len(text) - 1
        units.append(pairs[3 * start:3 * end - 1] if end > start else "")
        start = end + 1         # past the pair of its END and the next unit's first character
    return _GAP_TEXT.join(units)


# Below this many characters a field's bigrams are quicker made one by one (`bigram_text`).
_SHORT = 48
_UTF32 = 4


def _pairs(text: str) -> str:
    """Every character of `text` but the last, followed by the next and a space: "abc" →
    "ab bc " less its last space. Made in C, as UTF-32 code units interleaved by slice
    assignment (each byte lane of the 4-byte units in turn), rather than a string object
    per bigram."""
    raw = text.encode("utf-32-le", "surrogatepass")
    count = len(text) - 1
    out = bytearray(b" \0\0\0" * (3 * count))
    step = 3 * _UTF32
    for lane in range(_UTF32):
        lane_bytes = raw[lane::_UTF32]
        out[lane::step] = lane_bytes[:-1]
        out[_UTF32 + lane::step] = lane_bytes[1:]
    return out.decode("utf-32-le", "surrogatepass")


def unigram_text(values: Iterable[str]) -> str:
    """Each character of `values` once, in no particular order (the field keeps no
    positions, and each term's frequency is 1 in any order)."""
    joined = "".join(values)
    if len(joined) < _SHORT_SET:
        chars = set(joined)
        chars.discard(" ")
        return " ".join(chars)
    # the distinct code points found in C rather than a string object for each character
    # of the field; numpy is imported here, by what indexes, not by every process that
    # reads this module
    import numpy as np

    if joined.isascii():        # Latin text: which of the 128 bytes occur, counted
        counts = np.bincount(np.frombuffer(joined.encode("ascii"), dtype=np.uint8))
        distinct = bytes(np.flatnonzero(counts).astype(np.uint8)).decode("ascii")
    else:                       # sorted, each once
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        distinct = np.unique(codes).tobytes().decode("utf-32-le", "surrogatepass")
    return " ".join(distinct.replace(" ", ""))


# Below this many characters a set of them is the quicker way to the distinct ones.
_SHORT_SET = 200


def term(text: str) -> str:
    """A query's bigram or character as it is written in the index."""
    return text.replace(" ", SPACE)


def to_document(doc: CaseDocument) -> tantivy.Document:
    out = tantivy.Document()
    out.add_unsigned("id", doc.id)
    out.add_text("digest", digest(doc))
    for code, values in doc.texts.items():
        out.add_text(bigram_field(code), bigram_text(values))
        out.add_text(unigram_field(code), unigram_text(values))
    for code, values in doc.translated.items():
        out.add_text(bigram_field(code), bigram_text(values))
        out.add_text(unigram_field(code), unigram_text(values))
    for name, codes in doc.codes.items():
        for code_value in codes:
            out.add_text(name, code_value)
    out.add_text("law", doc.law)
    for mark in doc.marks:
        out.add_text("mark", mark)
    for number in doc.numbers:
        out.add_text("numbers", number)
    for code, dates in doc.dates.items():
        for date in dates:
            out.add_unsigned(date_field(code), day(date))
    status = doc.status
    if status is not None:
        flags = {"summary": True, "known": status.known, "registered": status.registered,
                 "refused": status.refused, "withdrawn": status.withdrawn}
        for name, value in (("disappearance", status.disappearance_date),
                            ("expire", status.expire_date),
                            ("annuity", status.next_annuity_date),
                            ("grace", status.grace_end)):
            flags[name] = value is not None
            if value is not None:
                out.add_unsigned(STATUS_DATES[name], day(value))
        for name, on in flags.items():
            if on:
                out.add_text("status", name)
    out.add_unsigned("sort_date", sort_key(doc.published, doc.id))
    out.add_unsigned("sort_filing", sort_key(doc.filed, doc.id))
    out.add_text("sort_number", number_key(doc.application_number, doc.id))
    return out
