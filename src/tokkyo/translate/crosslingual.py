"""Cross-language search by query translation (translation.md §2, issue 17 item 5): a
parsed query's text atoms over document text (TX, TI, AB, CL, DE) become the OR of the
atom as typed and the translations of its terms, before the query reaches the search
service, so a Japanese query finds English documents (and Chinese or Korean ones through
the terms the operator's glossary pins in those languages, or their stored Japanese
translations) and an English query Japanese ones. The original atom always stays first: substring
matching on the original text is never replaced, only widened.

Where translations come from, the first that knows a term winning its place first:
the operator's glossary (pinned terms), the dictionary engine's vocabulary (document
names, labels), and JMdict (`jmdict.py`, the derived table in `data/`). Japanese queries
are cut into terms and spelling variants normalised by SudachiPy (sudachidict-core):
ウェハ and ウエハー are one word (ウエハー), and katakana words that differ only in long
vowel marks and small kana (ウェーハ, ウエハー) are searched as each other. Names
(applicants, inventors, agents) are never translated.

The user sees every expansion and can drop any added term (`dropped`); a permalink
keeps the choice.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tokkyo.search.query import ast, show
from tokkyo.translate import jmdict
from tokkyo.translate.engines import dictionary
from tokkyo.translate.glossary import Glossary

#: Fields of document text whose atoms are expanded (not names, numbers or codes).
FIELDS = frozenset({"TX", "TI", "AB", "CL", "DE"})
#: Terms added for one typed term at most (the most likely first).
MAX_ADDED = 6
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々〆ヵヶ]")
_SMALL = str.maketrans("ァィゥェォャュョッヮヵヶ", "アイウエオヤユヨツワカケ")
_KATAKANA_WORD = re.compile(r"^[ァ-ヺー・]+$")
#: Parts of speech of Japanese content words (SudachiPy's first POS level).
_CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞"})


def skeleton(word: str) -> str:
    """A katakana word without its long vowel marks and with small kana made large: the
    spellings of one loan word share it (ウェーハ, ウエハー, ウェハ → ウエハ)."""
    return word.replace("ー", "").replace("・", "").translate(_SMALL)


def is_japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text))


@dataclass(frozen=True, slots=True)
class Expansion:
    """What one typed term became: the terms added (in order) and those the user
    dropped; `how` says, per added term, where it came from."""

    field: str
    term: str
    added: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    how: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"field": self.field, "term": self.term, "added": list(self.added),
                "dropped": list(self.dropped), "from": list(self.how)}


class Vocabulary:
    """Japanese → English and English → Japanese, each term's translations in order of
    preference, and the katakana spellings by skeleton: the operator's glossary first,
    then the dictionary engine's vocabulary, then JMdict (its tables as exported, split
    only for the terms a query looks up)."""

    def __init__(self, glossary: Glossary | None = None,
                 jm_ja_en: dict[str, str] | None = None,
                 jm_en_ja: dict[str, str] | None = None) -> None:
        self._ja_en: dict[str, dict[str, str]] = defaultdict(dict)
        self._en_ja: dict[str, dict[str, str]] = defaultdict(dict)
        #: the glossary's further languages: Japanese → their terms, and back
        self._ja_other: dict[str, dict[str, str]] = defaultdict(dict)
        self._other_ja: dict[str, dict[str, str]] = defaultdict(dict)
        for g in (glossary.entries if glossary is not None else ()):
            self._add(g.ja, g.en, "glossary")
            for language, term in g.others:
                ja, other = _key(g.ja), _key(term)
                if ja and other and ja != other:
                    self._ja_other[ja].setdefault(other, f"glossary {language}")
                    self._other_ja[other].setdefault(ja, f"glossary {language}")
        for d in dictionary.entries():
            self._add(d.ja, d.en, "dictionary")
        self.jm_ja_en = jmdict.load(jmdict.DATA) if jm_ja_en is None else jm_ja_en
        self.jm_en_ja = jmdict.load(jmdict.REVERSE) if jm_en_ja is None else jm_en_ja
        self.spellings: dict[str, set[str]] = defaultdict(set)
        for word in (*self.jm_ja_en, *self._ja_en):
            if _KATAKANA_WORD.match(word):
                self.spellings[skeleton(word)].add(word)

    def _add(self, ja: str, en: str, how: str) -> None:
        ja, en = _key(ja), jmdict.term(en)
        if ja and en:
            self._ja_en[ja].setdefault(en, how)
            self._en_ja[en.casefold()].setdefault(ja, how)

    def english(self, ja: str) -> list[tuple[str, str]]:
        """(English, where from) for a Japanese term, best first."""
        key = _key(ja)
        found = dict(self._ja_en.get(key, {}))
        for en in filter(None, self.jm_ja_en.get(key, "").split("|")):
            found.setdefault(jmdict.term(en), "JMdict")
        return list(found.items())

    def other_languages(self, term: str) -> list[tuple[str, str]]:
        """(term, where from) in the glossary's further languages for a Japanese term,
        and the Japanese of a term in one of those languages (a Chinese query finds
        Japanese documents as a Japanese one finds Chinese ones)."""
        key = _key(term)
        return [*self._ja_other.get(key, {}).items(), *self._other_ja.get(key, {}).items()]

    def japanese(self, en: str) -> list[tuple[str, str]]:
        """(Japanese, where from) for an English term, best first."""
        key = en.strip().casefold()
        found = dict(self._en_ja.get(key, {}))
        for ja in filter(None, self.jm_en_ja.get(key, "").split("|")):
            found.setdefault(ja, "JMdict")
        return list(found.items())


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class Expander:
    """Expands parsed queries; one per application (the vocabulary and the tokenizer are
    loaded on first use: about a second)."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self._glossary = glossary
        self._lock = threading.Lock()
        self._local = threading.local()

    @cached_property
    def vocabulary(self) -> Vocabulary:
        with self._lock:
            return Vocabulary(self._glossary)

    def _tokenizer(self) -> Any:
        """SudachiPy's tokenizer of this thread (a tokenizer is not shared by threads)."""
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            from sudachipy import Dictionary

            tok = self._local.tokenizer = Dictionary(dict="core").tokenizer()
        return tok

    def terms(self, text: str) -> list[str]:
        """A Japanese text's content words in normalised spelling (ウェハ → ウエハー);
        the text itself when it is one word or has none."""
        from sudachipy import SplitMode

        words = [(m.normalized_form(), *m.part_of_speech()[:2])
                 for m in self._tokenizer().tokenize(text, SplitMode.C)]
        content = [w for w, pos, sub in words if pos in _CONTENT and sub != "非自立可能"]
        return content or [text]

    def variants(self, word: str) -> list[str]:
        """Other spellings of a Japanese word: SudachiPy's normalised form and every
        known katakana spelling with the same skeleton."""
        words = self.terms(word)
        found = [w for w in words if w != word] if len(words) == 1 else []
        if _KATAKANA_WORD.match(word):
            found += sorted(self.vocabulary.spellings.get(skeleton(word), set()) - {word})
        return list(dict.fromkeys(found))

    def translations(self, term: str) -> list[tuple[str, str]]:
        """(translation or variant, where from) for one typed term, most likely first."""
        v = self.vocabulary
        out: list[tuple[str, str]] = []
        if is_japanese(term):
            spellings = [term, *self.variants(term)]
            out += [(s, "variant") for s in spellings[1:]]
            for s in spellings:
                out += v.other_languages(s)
                out += v.english(s)
            if not any(how != "variant" for _, how in out):
                words = self.terms(term)
                if len(words) > 1:          # no entry for the whole: its words, joined
                    pieces = [v.english(w) for w in words]
                    if all(pieces):
                        out.append((" ".join(p[0][0] for p in pieces), "words"))
        else:
            for ja, how in v.japanese(term):
                out.append((ja, how))
                out += [(s, "variant") for s in self.variants(ja)]
        seen = {term.casefold()}
        unique = []
        for text, how in out:
            if text.casefold() not in seen:
                seen.add(text.casefold())
                unique.append((text, how))
        return unique[:MAX_ADDED]

    def expand(self, tree: ast.Node, dropped: Iterable[str] = ()
               ) -> tuple[ast.Node, list[Expansion]]:
        """`tree` with each expandable atom ORed with its translations (less `dropped`),
        and what was added where."""
        drop = {d.casefold() for d in dropped}
        found: list[Expansion] = []

        def walk(node: ast.Node) -> ast.Node:
            if isinstance(node, ast.Atom):
                return self._atom(node, drop, found)
            return type(node)(walk(node.left), walk(node.right))

        return walk(tree), found

    def _atom(self, atom: ast.Atom, drop: set[str], found: list[Expansion]) -> ast.Node:
        value = atom.value
        if (atom.field not in FIELDS or not isinstance(value, ast.Text)
                or len(value.parts) != 1):
            return atom
        term = value.parts[0]
        added = self.translations(term)
        if not added:
            return atom
        kept = [(t, how) for t, how in added if t.casefold() not in drop]
        found.append(Expansion(atom.field, term, tuple(t for t, _ in kept),
                               tuple(t for t, _ in added if t.casefold() in drop),
                               tuple(how for _, how in kept)))
        node: ast.Node = atom
        for text, how in kept:
            words = text.split() if how == "words" else [text]
            branch: ast.Node = ast.Atom(atom.field, ast.Text((words[0],)))
            for w in words[1:]:             # each word's translation, all of them
                branch = ast.And(branch, ast.Atom(atom.field, ast.Text((w,))))
            node = ast.Or(node, branch)
        return node


class Rewrite:
    """What a result page hands the search: called with the parsed tree, it gives the
    expanded one and keeps what it added (`expansions`) and the expression searched."""

    def __init__(self, expander: Expander, dropped: Iterable[str] = ()) -> None:
        self.expander, self.dropped = expander, tuple(dropped)
        self.expansions: list[Expansion] = []
        self.expression = ""

    def __call__(self, tree: ast.Node) -> ast.Node:
        expanded, self.expansions = self.expander.expand(tree, self.dropped)
        self.expression = show(expanded)
        return expanded

    def as_json(self) -> dict[str, object]:
        return {"searched": self.expression, "dropped": list(self.dropped),
                "expansions": [e.as_json() for e in self.expansions]}


def dropped_of(text: str) -> list[str]:
    """The permalink's `xd`: dropped terms joined by `|`."""
    return [t for t in text.split("|") if t.strip()]
