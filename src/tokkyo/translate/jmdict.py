"""The general bilingual dictionary for cross-language search (translation.md §2): a
table derived from JMdict (EDRDG, CC BY-SA 4.0), exported once from the `jamdict-data`
package's database into tokkyo's own data file (`data/jmdict_ja_en.tsv.gz`), which is
all that is read at run time (querying jamdict live is slow and pulls a 300 MB database).

`jmdict_ja_en.tsv.gz` has one line per Japanese headword, `headword⇥english|english|…`:
the English of its entries' first senses, short glosses only (at most `MAX_WORDS` words
besides their parenthesised notes, which are kept; a leading "to " removed).
`jmdict_en_ja.tsv.gz` leads back, `english⇥headword|headword|…`, through unqualified
glosses only (not "battery (artillery)"), best first: by the gloss's place in its entry
(電池's first gloss is "battery"), then common words (JMdict's priority tags) first.
Headwords are the kanji spellings, and the kana ones where the
entry has no kanji or is usually written in kana, or where the kana is katakana (loan
words, their spelling variants included: ウェハ, ウエハー)."""

from __future__ import annotations

import gzip
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "jmdict_ja_en.tsv.gz"
REVERSE = DATA.with_name("jmdict_en_ja.tsv.gz")
ATTRIBUTION = ("JMdict, © the Electronic Dictionary Research and Development Group, "
               "CC BY-SA 4.0 (https://www.edrdg.org/edrdg/licence.html)")
MAX_WORDS = 4
#: Translations kept per term, each way (a query adds six at most).
KEEP = 6
SENSES = 2
GLOSSES = 3
_NOTE = re.compile(r"\s*\([^)]*\)\s*")
_KATAKANA = re.compile(r"[ァ-ヺー]")
USUALLY_KANA = "word usually written using kana alone"


@dataclass(frozen=True, slots=True)
class Entry:
    headword: str
    english: tuple[str, ...]
    common: bool


def gloss(text: str) -> str:
    """A gloss as kept in the table: a verb's "to " removed, "" when longer than
    `MAX_WORDS` words without its notes in parentheses (which stay: they qualify the
    sense, "battery (artillery)")."""
    kept = text.strip().removeprefix("to ").strip()
    return kept if term(kept) and len(term(kept).split()) <= MAX_WORDS else ""


def term(text: str) -> str:
    """A gloss as a search term: without its notes in parentheses."""
    return _NOTE.sub(" ", text).strip()


def qualified(text: str) -> bool:
    """Whether a gloss carries a note ("battery (artillery)"): such a sense is not
    where the English word leads back to."""
    return "(" in text


def export(database: Path, folder: Path = DATA.parent) -> int:
    """Write both tables from jamdict-data's `jamdict.db`; how many headwords. The
    reverse table is ranked here, once, so that loading it is only reading it."""
    entries = list(_read(database))
    forward: dict[str, list[str]] = defaultdict(list)
    back: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for e in entries:
        for i, en in enumerate(e.english):
            if en not in forward[e.headword]:
                forward[e.headword].append(en)
            if not qualified(en):
                rank = (i, 0 if e.common else 1)
                known = back[term(en).casefold()].get(e.headword)
                if known is None or rank < known:
                    back[term(en).casefold()][e.headword] = rank
    _write(folder / DATA.name, ((h, "|".join(ens[:KEEP])) for h, ens in forward.items()))
    _write(folder / REVERSE.name, ((en, "|".join(sorted(jas, key=lambda j: jas[j])[:KEEP]))
                                   for en, jas in back.items()))
    return len(forward)


def _write(path: Path, rows: Iterable[tuple[str, str]]) -> None:
    """A gzip TSV, sorted, stamped with time 0 so that an export is reproducible."""
    text = "".join(f"{a}\t{b}\n" for a, b in sorted(rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def _read(database: Path) -> Iterator[Entry]:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        kanji: dict[int, list[str]] = defaultdict(list)
        kana: dict[int, list[str]] = defaultdict(list)
        common: set[int] = set()
        for idseq, text in db.execute("SELECT idseq, text FROM Kanji ORDER BY ID"):
            kanji[idseq].append(text)
        for idseq, text in db.execute("SELECT idseq, text FROM Kana ORDER BY ID"):
            kana[idseq].append(text)
        for (idseq,) in db.execute(
                "SELECT Kanji.idseq FROM KJP JOIN Kanji ON KJP.kid = Kanji.ID UNION "
                "SELECT Kana.idseq FROM KNP JOIN Kana ON KNP.kid = Kana.ID"):
            common.add(idseq)
        senses: dict[int, list[int]] = defaultdict(list)
        for sid, idseq in db.execute("SELECT ID, idseq FROM Sense ORDER BY ID"):
            senses[idseq].append(sid)
        glosses: dict[int, list[str]] = defaultdict(list)
        for sid, text in db.execute(
                "SELECT sid, text FROM SenseGloss WHERE lang = 'eng' ORDER BY rowid"):
            glosses[sid].append(text)
        usually_kana = {sid for (sid,) in db.execute(
            "SELECT sid FROM misc WHERE text = ?", (USUALLY_KANA,))}
    finally:
        db.close()
    for idseq, sids in senses.items():
        english: list[str] = []
        for sid in sids[:SENSES]:
            for g in glosses.get(sid, [])[:GLOSSES]:
                short = gloss(g)
                if short and short not in english:
                    english.append(short)
        if not english:
            continue
        kana_too = (not kanji.get(idseq)) or sids[0] in usually_kana
        heads = list(kanji.get(idseq, []))
        heads += [k for k in kana.get(idseq, []) if kana_too or _KATAKANA.search(k)]
        for head in dict.fromkeys(heads):
            yield Entry(head, tuple(english), idseq in common)


def load(path: Path = DATA) -> dict[str, str]:
    """A table as exported: term → its translations joined by `|`, best first (JMdict
    headword → English glosses, notes kept; English term → Japanese headwords)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f)
