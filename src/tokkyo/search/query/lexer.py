"""Tokens of the logical-expression language (portal.md §3.2, pre-lexing and lexing).

Outside double quotes the delimiters are whitespace and `* + - [ ] ( )`; everything else
accumulates into a chunk. Inside quotes every character is literal and `""` is one quote.
A chunk ending in `/CODE` (a field code, case-insensitive, the `/` outside quotes) is split
at that last `/` into value and field.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tokkyo.search.query.errors import QueryError
from tokkyo.search.query.fields import field_code

#: The only characters mapped before lexing; each maps to one character, so offsets into
#: the pre-lexed text are offsets into the original.
FULL_WIDTH = str.maketrans("＊＋－［］（）／，：；＜＞？＠．＂\u3000", '*+-[]()/,:;<>?@." ')
DELIMITERS = frozenset("*+-[]()")
OPERATORS = frozenset("*+-")


@dataclass(frozen=True, slots=True)
class Token:
    """One token. Kinds: "op" (`text` is * + or -), "[", "]", "(", ")", "chunk" (a value,
    maybe with a field), "field" (a chunk that is exactly `/CODE`), "end"."""

    kind: str
    text: str                      # operator or bracket; for chunks the value, unquoted
    start: int
    end: int                       # end of the whole chunk, `/CODE` included
    field: str | None = None       # canonical code of the chunk's `/CODE`
    field_at: int = -1             # offset of that `/`
    quoted: tuple[bool, ...] = ()  # per character of `text`: it was inside quotes
    raw: str = ""                  # the value as typed (original text, quotes kept)


def prelex(source: str) -> str:
    """Map only the listed full-width characters (and U+3000) to ASCII."""
    return source.translate(FULL_WIDTH)


def looks_like_code(tail: str) -> bool:
    """Two Latin capitals: meant as a field code, not as text (`x/ZZ`, not `mg/kg`)."""
    folded = unicodedata.normalize("NFKC", tail)
    return len(folded) == 2 and folded.isascii() and folded.isalpha() and folded.isupper()


def _scan(text: str, i: int) -> tuple[int, list[str], list[bool], list[int]]:
    """Characters of the chunk starting at `i`: its end, the characters, whether each was
    quoted, and the offset each came from."""
    chars: list[str] = []
    quoted: list[bool] = []
    offsets: list[int] = []
    n = len(text)
    while i < n and not text[i].isspace() and text[i] not in DELIMITERS:
        if text[i] != '"':
            chars.append(text[i])
            quoted.append(False)
            offsets.append(i)
            i += 1
            continue
        opened = i
        i += 1
        while True:
            if i >= n:
                raise QueryError("unterminated-quote", opened)
            if text[i] == '"':
                if i + 1 < n and text[i + 1] == '"':
                    chars.append('"')
                    quoted.append(True)
                    offsets.append(i)
                    i += 2
                    continue
                i += 1
                break
            chars.append(text[i])
            quoted.append(True)
            offsets.append(i)
            i += 1
    return i, chars, quoted, offsets


def _chunk(source: str, text: str, start: int) -> tuple[Token, int]:
    end, chars, quoted, offsets = _scan(text, start)
    slashes = [k for k, c in enumerate(chars) if c == "/" and not quoted[k]]
    leading_slash = bool(chars) and chars[0] == "/" and not quoted[0]
    if slashes:
        k = slashes[-1]
        tail = "".join(chars[k + 1:])
        tail_quoted = any(quoted[k + 1:])
        code = None if tail_quoted else field_code(tail)
        if code is not None:
            if offsets[k] == start:  # the chunk is `/CODE` alone (not `""/CODE`)
                return Token("field", "", start, end, code, offsets[k]), end
            if leading_slash and k > 0:
                raise QueryError("needs-quotes", start)
            return Token("chunk", "".join(chars[:k]), start, end, code, offsets[k],
                         tuple(quoted[:k]), source[start:offsets[k]]), end
        if not tail_quoted and looks_like_code(tail):
            raise QueryError("unknown-field", offsets[k], name=tail)
    if leading_slash:
        raise QueryError("needs-quotes", start)
    return Token("chunk", "".join(chars), start, end, None, -1, tuple(quoted),
                 source[start:end]), end


def tokens(source: str) -> list[Token]:
    """The tokens of `source`, ending with an "end" token; QueryError on an unterminated
    quote, an unknown `/CODE` or an unquoted leading `/`."""
    text = prelex(source)
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in DELIMITERS:
            out.append(Token("op" if c in OPERATORS else c, c, i, i + 1))
            i += 1
        else:
            token, i = _chunk(source, text, i)
            out.append(token)
    out.append(Token("end", "", n, n))
    return out
