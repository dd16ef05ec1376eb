"""The words the sphinx backend indexes and queries: every fact of a case document as
words of `[0-9A-Za-z_]`, the only characters the index's charset table holds, so that
nothing depends on how the engine splits, folds or escapes text.

- Text, twice: one word per character (`x` and its code point in hex), spaces and
  punctuation included, and one word per pair of neighbouring characters (`y`, the two
  code points), so a term of one character is its character's word and a longer term the
  phrase of its pairs' words, which matches exactly where the term is a substring of the
  normalised text (tokkyo normalises, as documents.py does). Pairs are far rarer than
  characters: a phrase of pairs reads short lists (as the bigram index of the issue's
  measurement did); every other inner pair of such a phrase may be a `*`
  (`covering_words`), which fixes the same characters. Between two units a `.`, which
  the index's `phrase_boundary` turns into a jump of BREAK_STEP word positions (no
  word is indexed for it): a phrase with fewer than BREAK_STEP words never runs from
  one unit into the next, gaps (`*`) included, and NEAR with a smaller window never
  links two units.
- Codes: a three-letter kind, then the code with every character that is not an ASCII
  letter or digit escaped (`_` and two hex digits, `__` and six for the others). The
  escape keeps prefixes: a code starts with a prefix exactly when its word starts with
  the prefix's word, so a prefix atom is a `word*` wildcard.
- Numbers: `num` and a hash of `documents.number_terms`' term (exact only).
- Dates: `<kind>d` and the day as YYYYMMDD, and `<kind>y` and the year; a range is the
  days, months (`…d202103*`) and years, decades and centuries (`…y202*`) it covers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Sequence

UNIT_BREAK = "."           # between two text units: the index's phrase boundary
BREAK_STEP = 100           # word positions a phrase boundary adds (phrase_boundary_step)
MARK_START, MARK_END = "mb", "mf"
EVERY = "zall"             # in every document: what a negation stands on
NOTHING = "znothing"       # in no document: an atom that matches no case


def char_words(text: str) -> list[str]:
    """One word per character."""
    return [f"x{ord(c):x}" for c in text]


def phrase(text: str) -> str:
    """A query phrase of `text`'s characters (a one-word phrase for one character)."""
    return '"' + " ".join(char_words(text)) + '"'


def pair_words(text: str) -> list[str]:
    """One word per pair of neighbouring characters (none for one character)."""
    return [f"y{ord(a):x}_{ord(b):x}" for a, b in itertools.pairwise(text)]


def term_phrase(text: str) -> str:
    """A term of two characters or more as the phrase of its pairs' words."""
    return '"' + " ".join(pair_words(text)) + '"'


def covering_words(text: str) -> list[str]:
    """`pair_words` with every other inner pair a `*` (any one word): the first, third,
    fifth … pair and the last. A unit's pair words stand at consecutive positions, one
    per character, so pairs two positions apart fix the pair between them (its
    characters are theirs): the phrase of these words matches exactly where the phrase
    of all pairs does, while reading about half of the lists (searchd reads each
    word's list once per phrase)."""
    words = pair_words(text)
    return [w if i % 2 == 0 or i == len(words) - 1 else "*" for i, w in enumerate(words)]


def covering_phrase(text: str) -> str:
    """A term of two characters or more as the phrase of `covering_words`."""
    return '"' + " ".join(covering_words(text)) + '"'


class _Spelled(dict[int, str]):
    """Code point -> a word's spelling, filled as characters are met: `str.translate`
    looks every character up in it (C speed, where a document's tens of thousands of
    characters would otherwise each be formatted in Python)."""

    def __init__(self, template: str) -> None:
        super().__init__()
        self.template = template

    def __missing__(self, point: int) -> str:
        value = self.template.format(point)
        self[point] = value
        return value


_CHAR_WORD = _Spelled("x{:x} ")        # translate: each character its word and a space
_HEX = _Spelled("{:x} ")               # each character its code point and a space


def units_text(units: Iterable[str]) -> str:
    """A field's value: the units' character words, units apart."""
    return f" {UNIT_BREAK} ".join(u.translate(_CHAR_WORD)[:-1] for u in units)


def _unit_pairs(unit: str) -> str:
    points = unit.translate(_HEX).split()
    return " ".join(map("y{}_{}".format, points, itertools.islice(points, 1, None)))


def units_pairs(units: Iterable[str]) -> str:
    """A pairs field's value: the units' pair words, units apart."""
    return f" {UNIT_BREAK} ".join(_unit_pairs(u) for u in units)


def units_words(units: Sequence[str]) -> tuple[str, str]:
    """`units_text` and `units_pairs` of the same units at once (what the writer
    indexes), each character's code point spelled once."""
    texts: list[str] = []
    pairs: list[str] = []
    for unit in units:
        points = unit.translate(_HEX).split()
        texts.append("x" + " x".join(points) if points else "")
        pairs.append(" ".join(map("y{}_{}".format, points, itertools.islice(points, 1, None))))
    return f" {UNIT_BREAK} ".join(texts), f" {UNIT_BREAK} ".join(pairs)


def marks_text(marks: Iterable[str]) -> str:
    """The marks field: each mark's characters between a start and an end word, so a mark
    equal to a text is the phrase `mb <text> mf`."""
    return " ".join(" ".join([MARK_START, *char_words(m), MARK_END]) for m in marks)


def escape(code: str) -> str:
    """`code` as word characters, prefix-preserving (see the module's docstring)."""
    out = []
    for c in code:
        if c.isascii() and c.isalnum():
            out.append(c)
        elif ord(c) < 0x80:
            out.append(f"_{ord(c):02x}")
        else:
            out.append(f"__{ord(c):06x}")
    return "".join(out)


#: The three-letter kind of each code word (documents.CODE_FIELDS, and the F-term codes
#: turned round for the additional code: `fta`).
CODE_KINDS = {"fi": "cfi", "fi_facet": "cff", "ipc": "cip", "cpc": "ccp", "fterm": "cft",
              "theme": "cth", "kind": "ckd", "country": "ccc", "dc": "cdc", "dt": "cdt",
              "lc": "clc", "nc": "cnc", "sc": "csc", "vc": "cvc", "fta": "cfa"}


def code_word(kind: str, code: str) -> str:
    return CODE_KINDS[kind] + escape(code)


def code_prefix(kind: str, prefix: str) -> str:
    """The wildcard word of the codes of `kind` starting with `prefix`."""
    return code_word(kind, prefix) + "*"


def turned(fterm: str) -> str | None:
    """An F-term with an additional code (`5F063AA04.B`) as `B.5F063AA04`, so that
    "starts with a stem and ends with `.B`" is one prefix, `B.<stem>`; None without one."""
    head, dot, tail = fterm.rpartition(".")
    return f"{tail}.{head}" if dot else None


def number_word(term: str) -> str:
    return "num" + hashlib.blake2b(term.encode(), digest_size=10).hexdigest()


def date_words(kind: str, day: dt.date) -> list[str]:
    """The words a date is indexed as: its day and its year."""
    return [f"{kind}d{day:%Y%m%d}", f"{kind}y{day.year:04d}"]


def _year_patterns(kind: str, first: int, last: int) -> list[str]:
    """Words covering the whole years first..last: decimal prefixes of the year."""
    out: list[str] = []
    year = first
    while year <= last:
        size = 1
        while size < 1000 and year % (size * 10) == 0 and year + size * 10 - 1 <= last:
            size *= 10
        digits = f"{year:04d}"[: 4 - len(str(size)) + 1]
        out.append(f"{kind}y{digits}" + ("*" if size > 1 else ""))
        year += size
    return out


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _within_year(kind: str, start: dt.date, end: dt.date) -> list[str]:
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return [f"{kind}y{start.year:04d}"]
    out: list[str] = []
    day = start
    while True:             # stepping past `end` could pass 9999-12-31
        month_end = _month_end(day.year, day.month)
        if day.day == 1 and month_end <= end:
            out.append(f"{kind}d{day:%Y%m}*")
            day = month_end
        else:
            out.append(f"{kind}d{day:%Y%m%d}")
        if day >= end:
            return out
        day += dt.timedelta(days=1)


def date_range(kind: str, start: dt.date | None, end: dt.date | None) -> list[str]:
    """Words any of which a date of `kind` inside [start, end] has (None: open)."""
    start = start or dt.date(1, 1, 1)
    end = end or dt.date(9999, 12, 31)
    if start > end:
        return []
    if start.year == end.year:
        return _within_year(kind, start, end)
    out: list[str] = []
    first, last = start.year, end.year
    if start != dt.date(start.year, 1, 1):
        out += _within_year(kind, start, dt.date(start.year, 12, 31))
        first += 1
    if end != dt.date(end.year, 12, 31):
        out += _within_year(kind, dt.date(end.year, 1, 1), end)
        last -= 1
    return out + _year_patterns(kind, first, last)
