"""Character bigrams as index tokens.

Japanese searchers expect substring recall (design.md, Search): `電池` must find
`二次電池`. Each text unit is indexed as overlapping character bigrams at consecutive
positions, so that a phrase of a query's bigrams matches exactly where the query is a
substring. The text is closed with an end mark, so that every character, the last one
too, begins a bigram: a 1-character query is then the prefix query "bigrams starting with
this character", and no separate unigram index is needed.

Every gram is spelled in ASCII letters only (hex digits mapped to a–p, the two characters
joined by `z`), so that SQLite's `ascii` tokenizer and PostgreSQL's `simple` parser both
keep each gram as one token, whatever characters it stands for.
"""

from __future__ import annotations

import itertools

END = "\x03"
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


class _Tokens(dict[str, str]):
    """Character → token, computed once per distinct character."""

    def __missing__(self, char: str) -> str:
        token = format(ord(char), "x").translate(_LETTERS)
        self[char] = token
        return token


_TOKENS = _Tokens()


def bigram_tokens(text: str) -> list[str]:
    """The bigrams of `text`; the last character pairs with the end mark."""
    tokens = list(map(_TOKENS.__getitem__, text + END))
    return list(map("z".join, itertools.pairwise(tokens)))


def query_bigrams(query: str) -> list[str]:
    """The bigrams a query of two or more characters must match, in order."""
    tokens = list(map(_TOKENS.__getitem__, query))
    return list(map("z".join, itertools.pairwise(tokens)))


def prefix_of(char: str) -> str:
    """The token prefix shared by every bigram that starts with `char`."""
    return _TOKENS[char] + "z"


def bigram_document(text: str) -> str:
    return " ".join(bigram_tokens(text))
