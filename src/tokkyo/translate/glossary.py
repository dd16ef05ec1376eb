"""Glossaries (translation.md §3): terms pinned by the operator and by each user, read from
and written to UTF-8 TSV `ja⇥en⇥context⇥source`. A pinned term is taken out of a segment as
a placeholder and comes back as its pinned translation, so it reads the same in every
document and from every engine.

Further languages follow `source` as columns named by the header line
(`ja⇥en⇥context⇥source⇥zh⇥ko`, ISO 639-1 codes), so an operator can pin the Chinese or
Korean term of a Japanese one: cross-language search then finds Chinese documents by their
own words (`製造方法` → `制造方法`), which no bundled dictionary knows."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tokkyo.translate.errors import GlossaryError

COLUMNS = ("ja", "en", "context", "source")
#: A further language column's name: an ISO 639-1 code.
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True, slots=True)
class Entry:
    ja: str
    en: str
    context: str = ""
    source: str = ""
    #: (language, term) for the further language columns, by language.
    others: tuple[tuple[str, str], ...] = ()

    def term(self, language: str) -> str:
        """The entry's term in `language` ("" when it has none)."""
        if language in ("ja", "en"):
            return self.ja if language == "ja" else self.en
        return next((t for lang, t in self.others if lang == language), "")


class Glossary:
    """Entries by language; `pins(source, target)` gives source term → translation."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._pins: dict[tuple[str, str], tuple[dict[str, str], re.Pattern[str] | None]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def version(self) -> str:
        """Changes whenever an entry does (it is part of the cache key)."""
        digest = hashlib.sha256(dump(self.entries).encode("utf-8"))
        return digest.hexdigest()[:12] if self.entries else ""

    def merged(self, other: Glossary) -> Glossary:
        """This glossary with `other`'s entries winning for the same source term (a
        user's glossary over the operator's)."""
        theirs = {(e.ja, e.context) for e in other.entries}
        return Glossary([*other.entries,
                         *(e for e in self.entries if (e.ja, e.context) not in theirs)])

    def pins(self, source: str, target: str
             ) -> tuple[Mapping[str, str], re.Pattern[str] | None]:
        """Source term → pinned translation for the pair, and the pattern that finds the
        terms (longest first); ({}, None) when the glossary has none for the pair."""
        key = (source, target)
        if key not in self._pins:
            table: dict[str, str] = {}
            if source != target:
                for e in self.entries:
                    term, pinned = e.term(source), e.term(target)
                    if term and pinned:
                        table.setdefault(term, pinned)
            terms = sorted(table, key=len, reverse=True)
            pattern = re.compile("|".join(map(re.escape, terms))) if terms else None
            self._pins[key] = (table, pattern)
        return self._pins[key]


def parse(text: str, name: str = "glossary") -> Glossary:
    """Entries of a TSV text (a header line `ja⇥en⇥context⇥source` is optional, and
    names any further language columns; blank lines and lines starting with # are
    skipped); GlossaryError naming the first bad line."""
    entries: list[Entry] = []
    seen: dict[tuple[str, str], int] = {}
    languages: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = [unicodedata.normalize("NFC", c.strip()) for c in line.split("\t")]
        if number == 1 and tuple(c.lower() for c in cells[:2]) == COLUMNS[:2]:
            languages = tuple(c.lower() for c in cells[4:])
            bad = [c for c in languages if not _LANGUAGE.match(c) or c in COLUMNS[:2]]
            if bad or len(set(languages)) != len(languages) or (
                    languages and tuple(c.lower() for c in cells[:4]) != COLUMNS):
                raise GlossaryError(
                    f"{name}, line 1: columns after ja, en, context, source must be "
                    f"distinct two-letter language codes (zh, ko), found {cells[4:]}")
            continue
        most = len(COLUMNS) + len(languages)
        if len(cells) < 2 or len(cells) > most:
            named = ", ".join((*COLUMNS, *languages))
            raise GlossaryError(f"{name}, line {number}: expected 2 to {most} tab-separated "
                                f"columns ({named}), found {len(cells)}")
        if not cells[0] or not cells[1]:
            raise GlossaryError(f"{name}, line {number}: the ja and en columns must not be "
                                "empty")
        others = tuple(sorted((lang, t) for lang, t in zip(languages, cells[4:], strict=False)
                              if t))
        context, source = [*cells[2:4], "", ""][:2]
        entry = Entry(cells[0], cells[1], context, source, others)
        key = (entry.ja, entry.context)
        if key in seen:
            raise GlossaryError(f"{name}, line {number}: {entry.ja!r} is already pinned on "
                                f"line {seen[key]} (same context {entry.context!r})")
        seen[key] = number
        entries.append(entry)
    return Glossary(entries)


def load(path: Path) -> Glossary:
    """The glossary in `path`; an empty one when the file does not exist."""
    if not path.exists():
        return Glossary()
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
                            ) from None
    return parse(text, str(path))


def dump(entries: Iterable[Entry]) -> str:
    """The TSV text of `entries`, with its header line."""
    entries = list(entries)
    languages = sorted({lang for e in entries for lang, _ in e.others})
    out = io.StringIO()
    out.write("\t".join((*COLUMNS, *languages)) + "\n")
    for e in entries:
        out.write("\t".join((e.ja, e.en, e.context, e.source,
                             *(e.term(lang) for lang in languages))) + "\n")
    return out.getvalue()


def save(path: Path, glossary: Glossary) -> None:
    """Write the glossary whole or not at all (a temporary file renamed over `path`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".glossary-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(dump(glossary.entries))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
