"""Tokens of the logical-expression language (portal.md §3.2, pre-lexing and lexing)."""

from __future__ import annotations

from dataclasses import dataclass

from tokkyo.search.query.errors import QueryError
from tokkyo.search.query.fields import field_code

FULL_WIDTH = str.maketrans("＊＋－［］（）／，：；＜＞？＠．＂\u3000", '*+-[]()/,:;<>?@." ')
DELIMITERS = frozenset("*+-[]()")
OPERATORS = frozenset("*+-")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str            # "op", "[", "]", "(", ")", "chunk", "field", "end"
    text: str            # the operator or bracket; for chunks the value
    start: int
    end: int
    field: str | None = None          # a chunk's /CODE, canonical
    quoted: tuple[bool, ...] = ()     # per character of `text`: inside quotes


def prelex(source: str) -> str:
    """Only the listed full-width characters become ASCII; lengths stay the same."""
    return source.translate(FULL_WIDTH)


def _split_field(chars: list[str], quoted: list[bool]) -> tuple[int, str] | None:
    """(index of the last unquoted '/', canonical code) when what follows it is a field."""
    for i in range(len(chars) - 1, -1, -1):
        if chars[i] == "/" and not quoted[i]:
            code = field_code("".join(chars[i + 1:]))
            if code is not None and not any(quoted[i + 1:]):
                return i, code
            return None
    return None


def _refuse_unknown_field(chars: list[str], quoted: list[bool], start: int) -> None:
    """A trailing unquoted `/XX` of letters that is no field code is a typo, not a value."""
    for i in range(len(chars) - 1, -1, -1):
        if chars[i] == "/" and not quoted[i]:
            suffix = "".join(chars[i + 1:])
            if (i == 0 or (suffix.isascii() and suffix.isalpha() and 1 <= len(suffix) <= 3)):
                raise QueryError("unknown-field", start + i, name=suffix)
            return


def tokens(source: str) -> list[Token]:
    text = prelex(source)
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in DELIMITERS:
            out.append(Token("op" if c in OPERATORS else c, c, i, i + 1))
            i += 1
            continue
        start = i
        chars: list[str] = []
        quoted: list[bool] = []
        while i < n and not text[i].isspace() and text[i] not in DELIMITERS:
            if text[i] == '"':
                opened = i
                i += 1
                while True:
                    if i >= n:
                        raise QueryError("unterminated-quote", opened)
                    if text[i] == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            chars.append('"')
                            quoted.append(True)
                            i += 2
                            continue
                        i += 1
                        break
                    chars.append(text[i])
                    quoted.append(True)
                    i += 1
                continue
            chars.append(text[i])
            quoted.append(False)
            i += 1
        split = _split_field(chars, quoted)
        if split is None:
            _refuse_unknown_field(chars, quoted, start)
            out.append(Token("chunk", "".join(chars), start, i, None, tuple(quoted)))
        else:
            at, code = split
            kind = "field" if at == 0 else "chunk"
            out.append(Token(kind, "".join(chars[:at]), start, i, code, tuple(quoted[:at])))
    out.append(Token("end", "", n, n))
    return out
