"""Reading an application saved as HTML: by Word ("Web page", MsoNormal paragraphs,
`&nbsp;`, VML drawings with an `<img>` fallback, cp932 or UTF-8) or in the JPO
template's plain form (`<p>【書類名】明細書</p>`), into lines of styled text and images.

The JPO's HTML rules give meaning to a few tags only: U, SUP, SUB, BR, PRE, IMG (SRC
required), FONT (its size ignored) and A HREF (its text deleted); TITLE and comments are
deleted without a word. Word's own structure (HTML, HEAD, BODY, P, DIV, SPAN, O:P, its
VML and smart tags) carries no meaning and is passed over; any other tag is reported as
`unsupported-tag`, its text kept.

A scanner, not a tree: one regular expression walks the text once, which keeps
checking a 200-page application within a few times a bare lxml parse, and every piece of
text keeps its offset in the input, so a finding can name its line and column.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat
from operator import contains

from tokkyo.efiling.errors import UnreadableHtml
from tokkyo.efiling.findings import Finding, Position, Severity, finding

_ATTRS = r"""(?:[^>"']+|"[^"]*"|'[^']*')*"""
#: Inline tags with no meaning (Word's spans, FONT, O:P, smart tags): read as part of the
#: text around them, which keeps the scanner's tokens few.
_INLINE = (r"</?(?:(?i:span|font|nobr|wbr)|(?i:[A-Za-z])[\w.-]*:[\w.-]+)(?=[\s/>])"
           rf"{_ATTRS}>")
_ANY_TAG = re.compile(r"<[^>]*>")
#: U, SUP and SUB are read inside a run of text (`_PIECES` splits the run at them), so
#: that a line with styled words is still one token of the scanner.
_STYLE_NAME = r"(?:[uU]|[sS][uU][bBpP])(?=[\s/>])"
_STYLE = rf"</?{_STYLE_NAME}{_ATTRS}>"
#: Tags that end a line: P, DIV, BR, and the blanks after them.
_LINE_END = rf"(?:<(?:/?(?i:p|div)|(?i:br))(?=[\s/>]){_ATTRS}>[ \t\r\n]*)+"
#: The scanner's tokens. No global IGNORECASE (it slows every character of the text):
#: tag names are matched without case where they are named.
_TOKEN = re.compile(
    # 1 bare lines (the template's): text, and bare U/SUB/SUP tags, ending </p><p>
    # (the loop unrolled, so that Word's text, which is not one, is given up at once)
    r"((?:(?:[^<&\n\r\xa0]++(?:</?(?:u|sub|sup)>[^<&\n\r\xa0]*+)*+"
    r"|(?:</?(?:u|sub|sup)>[^<&\n\r\xa0]*+)++)</[pP]>[ \t\r\n]*<[pP]>[ \t\r\n]*)+)"
    r"|<!--.*?(?:-->|\Z)"                             # comments, Word's VML conditionals
    r"|<!\[[^\]]*\]>"                                  # <![if !vml]> <![endif]>
    r"|<![^>]*>|<\?.*?\?>"                             # doctype, processing instructions
    rf"|((?:[^<]+|{_INLINE}|{_STYLE})+)"               # 2 text, meaningless tags, styles,
    rf"({_LINE_END})?"                                 # 3 and the line end after it
    rf"|({_LINE_END})"                                 # 4 a line end alone
    rf"|<(/?)((?i:[A-Za-z])[\w:.-]*)({_ATTRS})>"        # 5-7 another tag,
    r"([ \t\r\n]+(?=<))?"                              # 8 and the blank up to the next
    r"|<", re.S)
#: A style tag as the template writes it, nothing in it but its name.
_BARE_STYLE = re.compile(r"<(/?)(u|sub|sup)>")
_NOT_BARE_STYLE = re.compile(r"<(?!/?(?:u|sub|sup)>)")
#: A line `Line.bare` can stand for (no `&`, line break or no-break space in it either):
#: text with bare style pairs, none nested, each around text that is not blank, and no
#: `>` in the text.
_BARE_TEXT = r"\s*[^<>\s][^<>]*"
_BARE_LINE = re.compile(rf"[^<>]*(?:<(u|sub|sup)>{_BARE_TEXT}</\1>[^<>]*)*")
#: A blank run between two tags of a bare line, or between one and an end of it: passed
#: over, as everywhere (`\s` is `str.isspace`).
_BLANK_RUN = re.compile(r"(?<![^>])\s+(?![^<])")
#: The tags and blank runs before a bare line's first text.
_LEAD = re.compile(r"(?:\s*<(?:u|sub|sup)>)*")
#: Where the lines of a token of plain lines end.
_PLAIN_END = re.compile(r"(</[pP]>[ \t\r\n]*<[pP]>[ \t\r\n]*)")
#: A run of text split at its style tags: 1-3 a word in one style (<sub>2</sub>) and the
#: blank after it up to the next tag (dropped, as after any tag); 4 text (with
#: meaningless tags); 5-8 a style tag, and the blank after it.
_HAS_STYLE = re.compile(f"<{_STYLE_NAME}|</{_STYLE_NAME}")
_PIECES = re.compile(r"<(u|sub|sup)>([^<&\n\r\xa0]+)</\1>([ \t\r\n]+(?=<))?"
                     rf"|((?:[^<]+|{_INLINE})+)|<(/?)({_STYLE_NAME})({_ATTRS})>"
                     r"([ \t\r\n]+(?=<))?", re.S)
#: The styles in force inside a <u>, <sub> or <sup> (by the styles outside and the tag).
_WITH: dict[tuple[frozenset[str], str], frozenset[str]] = {}
_ATTR = re.compile(r"([\w:.-]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
#: Tags whose content is not text of the application: skipped to their end tag.
_SKIPPED = {"title", "style", "script", "xml", "noscript", "template"}
#: Tags that end a line of the application.
_BREAKS = {"p", "div", "br", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr",
           "table", "blockquote", "center", "ol", "ul", "dl", "dt", "dd", "hr"}
_STYLES = {"u", "sup", "sub"}
#: Structure with no meaning: Word's page, paragraphs and spans, and the JPO template's.
_QUIET = {"html", "head", "body", "meta", "link", "p", "div", "span", "font", "o:p", "br",
          "pre", "basefont", "nobr", "wbr"}
#: Tags whose content cannot be kept as written: an error, not a warning.
_LOSSY = {"table", "tr", "td", "th", "thead", "tbody", "caption", "object", "embed",
          "iframe", "applet", "form", "input", "select", "textarea", "button", "svg",
          "math", "video", "audio", "canvas", "frame", "frameset"}
SJIS_NAMES = {"shift_jis", "shift-jis", "x-sjis", "sjis", "windows-31j", "cp932", "ms932",
              "ms_kanji", "csshiftjis"}


@dataclass(slots=True)
class Text:
    """A run of text with the inline styles in force (`u`, `sup`, `sub`); `start` is the
    offset of its source in the input, `raw` the source (entities, line breaks)."""

    text: str
    styles: frozenset[str]
    start: int
    raw: str

    def offset(self, index: int) -> int:
        """The input offset of the character at `index` of `text`."""
        if self.raw == self.text:
            return self.start + index
        return self.start + _raw_index(self.raw, index)


@dataclass(slots=True)
class Image:
    src: str
    start: int


Segment = Text | Image
_FIRST = (0,)                                 # the starts of a line of one segment
_UNSTYLED = frozenset[str]()
_ONLY = {name: frozenset((name,)) for name in ("u", "sub", "sup")}


@dataclass(slots=True)
class Line:
    """One line of the application as the JPO reads it: a paragraph, or a part of one
    between line breaks.

    Most lines of an application are written bare: plain text, or text with `<u>`,
    `<sub>` and `<sup>` around some of its words (none nested, none empty), with no
    entity or other tag. Such a line is this one object: its text, where it starts, and
    its source (`markup`); its segments are made from the source when first asked for.
    A 200-page application is some 4,000 lines and the check and the conversion need no
    more of a bare line than its text and its source, so they make no per-line list of
    `Text` objects, which Python would otherwise allocate and its garbage collector walk.
    """

    text: str                                 # the plain text, images left out
    start: int                                # the input offset of its first segment
    _segments: list[Segment] | None = None    # None: made from `markup` when asked for
    _starts: Sequence[int] = _FIRST           # text index where each segment starts
    #: whether a segment is an image: few lines hold one, and the checks ask every line
    pictured: bool = False
    #: a bare line (above) as markup: its text with no `&` or `<`, but bare `<u>`,
    #: `<sub>` and `<sup>` pairs, each around text, and no `>` in the text when it has a
    #: tag; the source, a blank run between tags dropped. The XML writes such a line as
    #: it stands. None for any other line.
    markup: str | None = None
    _source: str | None = None                # a bare line's source, if not `markup`

    @classmethod
    def of(cls, segments: list[Segment]) -> Line:
        """The line of these segments, its text joined."""
        if len(segments) == 1:
            only = segments[0]
            if isinstance(only, Text):
                return cls(only.text, only.start, segments)
            return cls("", only.start, segments, _FIRST, True)
        parts, starts, at, pictured = [], [], 0, False
        for s in segments:
            starts.append(at)
            if isinstance(s, Text):
                parts.append(s.text)
                at += len(s.text)
            else:
                pictured = True
        return cls("".join(parts), segments[0].start, segments, starts, pictured)

    @classmethod
    def bare(cls, source: str, start: int) -> Line:
        """A bare line (plain text, or text with bare style pairs: `_BARE_LINE`) from its
        source at `start`. A blank run between its tags (or between one and either end)
        is passed over, as in any line: not in its text, segments or markup."""
        if "<" not in source:
            return cls(source, start, None, _FIRST, False, source)
        markup = _BLANK_RUN.sub("", source)
        lead = _LEAD.match(source)              # (it matches "" at least)
        assert lead is not None
        start += lead.end()
        return cls(_BARE_STYLE.sub("", markup), start, None, _FIRST, False, markup,
                   None if markup == source else source)

    @property
    def segments(self) -> list[Segment]:
        """Its runs of text and its images, in order."""
        segments = self._segments
        if segments is None:
            segments = self._segments = self._from_source()
        return segments

    def _from_source(self) -> list[Segment]:
        """A bare line's segments, read from its source as `bare_styles` would."""
        source = self._source if self._source is not None else self.markup
        assert source is not None
        start = self.start
        if "<" not in source:
            return [Text(source, _UNSTYLED, start, source)]
        lead = _LEAD.match(source)
        assert lead is not None
        start -= lead.end()
        parts = _BARE_STYLE.split(source)
        segments: list[Segment] = []
        starts: list[int] = []
        at = index = 0
        styles = _UNSTYLED
        for i in range(0, len(parts), 3):
            part = parts[i]
            if part and not part.isspace():
                starts.append(index)
                segments.append(Text(part, styles, start + at, part))
                index += len(part)
            at += len(part)
            if i + 1 < len(parts):
                closing, name = parts[i + 1], parts[i + 2]
                at += len(closing) + len(name) + 2
                styles = _UNSTYLED if closing else _ONLY[name]
        self._starts = starts
        return segments

    def offset(self, index: int) -> int:
        """The input offset of character `index` of the line's text."""
        segments = self.segments
        if len(segments) == 1:
            only = segments[0]
            return only.offset(index) if isinstance(only, Text) else only.start
        i = max(bisect_right(self._starts, index) - 1, 0)
        while i < len(segments) and not isinstance(segments[i], Text):
            i += 1
        if i >= len(segments):
            return segments[-1].start
        segment = segments[i]
        assert isinstance(segment, Text)
        return segment.offset(index - self._starts[i])

    def images(self) -> list[Image]:
        if not self.pictured:
            return []
        return [s for s in self.segments if isinstance(s, Image)]


@dataclass(slots=True)
class Source:
    """The decoded input, with what turns an offset into a line and column."""

    text: str
    encoding: str
    _lines: list[int] = field(default_factory=list)   # where each line starts: made when
    #                                                    a finding first needs a position

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column), both from 1."""
        if not self._lines:
            self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1


@dataclass(slots=True)
class Read:
    source: Source
    lines: list[Line]
    findings: list[Finding]


def decode(data: bytes) -> tuple[str, str]:
    """The input as text and the encoding it was read in: a UTF-8 BOM, else the
    charset the page declares, else UTF-8 if it is valid, else cp932 (Word's
    "Japanese (Shift_JIS)", with Microsoft's extensions)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded(data[3:], "utf-8")
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        if name in SJIS_NAMES:
            return _decoded(data, "cp932")
        if name in ("utf-8", "utf8"):
            return _decoded(data, "utf-8")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _decoded(data, "cp932")


def _decoded(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        shown = "Shift_JIS (cp932)" if encoding == "cp932" else "UTF-8"
        raise UnreadableHtml(
            f"the file is not valid {shown}: byte {exc.start} (0x{data[exc.start]:02X}) "
            "cannot be read; save the HTML again as UTF-8 or Shift_JIS") from None


def read_html(data: bytes) -> Read:
    """The lines of an application's HTML, and the findings on its markup."""
    text, encoding = decode(data)
    source = Source(text, encoding)
    if "【" not in text and "<" not in text[:4096]:
        raise UnreadableHtml("the file is neither HTML nor an application: it has no "
                             "markup and no 【item】")
    return Read(source, *_scan(source))


QUIET, BREAK, STYLE, IMG, LINK, SKIP, OTHER = range(7)


def _kind(name: str) -> tuple[int, bool]:
    """What a tag does (QUIET …) and whether it ends a line."""
    if name in _SKIPPED:
        return SKIP, False
    if name in _STYLES:
        return STYLE, False
    if name == "img":
        return IMG, False
    if name == "a":
        return LINK, False
    if name in _QUIET or ":" in name:
        return QUIET, name in _BREAKS
    return OTHER, name in _BREAKS


_KINDS: dict[str, tuple[int, bool]] = {}


def _scan(source: Source) -> tuple[list[Line], list[Finding]]:
    """One pass over the tokens; the loop is the hot path of the check (a 200-page
    application is some 10,000 tokens), so tags are classified once by name, and a line
    of plain text with the tags that end it is one token, made into its line at once."""
    text = source.text
    lines: list[Line] = []
    findings: list[Finding] = []
    current: list[Segment] = []
    content = False                      # the current line has text or an image
    styles: list[str] = []
    frozen = frozenset[str]()
    pre = 0
    skip_until = 0
    kinds = _KINDS

    def flush() -> None:
        nonlocal current, content
        if content:
            lines.append(Line.of(current))
        current, content = [], False

    def report(tag: str, at: int, effect_ja: str, effect_en: str, lossy: bool) -> None:
        line, column = source.where(at)
        findings.append(finding(
            "unsupported-tag", Position(line, column), f"<{tag}>", tag=tag.upper(),
            effect=effect_ja, effect_en=effect_en,
            severity=Severity.ERROR if lossy else None))

    def run(chunk: str, start: int) -> None:
        """A run of text with no style tag in it (meaningless tags may be)."""
        nonlocal content
        if pre:
            for piece in _pre_text(chunk, start, frozen):
                if piece is None:
                    flush()
                else:
                    current.append(piece)
                    content = True
            return
        if "<" in chunk:
            segment = _text(chunk, start, frozen)
            if not segment.text or segment.text.isspace():
                return
        elif chunk.isspace():
            return
        elif "\n" in chunk or "&" in chunk or "\xa0" in chunk:
            segment = _text(chunk, start, frozen)
        else:
            segment = Text(chunk, frozen, start, chunk)
        current.append(segment)
        if not content and segment.text.strip(" \u3000"):
            content = True

    def bare_styles(chunk: str, start: int) -> bool:
        """Text with bare style tags only (`<u>`, `</sub>`, no entity, no line break):
        its runs as written, a run of blanks passed over; False, and nothing read, for
        any other text."""
        nonlocal content, frozen
        if ("&" in chunk or "\n" in chunk or "\r" in chunk or "\xa0" in chunk
                or _NOT_BARE_STYLE.search(chunk)):   # (Word's spans: at once)
            return False
        parts = _BARE_STYLE.split(chunk)
        at = start
        for i in range(0, len(parts) - 1, 3):
            part, closing, name = parts[i], parts[i + 1], parts[i + 2]
            if part and not part.isspace():
                current.append(Text(part, frozen, at, part))
                content = True
            at += len(part) + len(closing) + len(name) + 2
            if closing:
                if name in styles:
                    del styles[len(styles) - 1 - styles[::-1].index(name)]
            else:
                styles.append(name)
            frozen = frozenset(styles)
        part = parts[-1]
        if part and not part.isspace():
            current.append(Text(part, frozen, at, part))
            content = True
        return True

    def bare_lines(chunks: list[str], starts: list[int], tagged: bool) -> int:
        """The lines of a run of bare lines (`chunks`, each starting at its `starts`)
        when no line is open and no style is in force: made in C's loops as plain lines,
        a blank one dropped, then a line with tags made again (`Line.bare`, or read as
        any styled text). Returns how many were read: all of them, or up to a line that
        leaves a style open (the rest are read one by one)."""
        nonlocal current, content
        made: list[Line | None] = list(map(Line, chunks, starts, repeat(None),
                                           repeat(_FIRST), repeat(False), chunks))
        for i in compress(range(len(chunks)), map(str.isspace, chunks)):
            made[i] = None
        if tagged:
            for i in compress(range(len(chunks)), map(contains, chunks, repeat("<"))):
                chunk = chunks[i]
                if _BARE_LINE.fullmatch(chunk):
                    made[i] = Line.bare(chunk, starts[i])
                    continue
                read = bare_styles(chunk, starts[i])      # (bare tags only: it reads it)
                assert read
                made[i] = Line.of(current) if content else None
                current, content = [], False
                if frozen:
                    lines.extend(line for line in made[:i + 1] if line is not None)
                    return i + 1
        lines.extend(line for line in made if line is not None)
        return len(chunks)

    def styled(begin: int, end: int) -> None:
        """Text from `begin` with U, SUP or SUB in it, split at them (`end`: one past the
        text, so that a blank before the next tag is seen as one)."""
        nonlocal content, frozen
        for piece in _PIECES.finditer(text, begin, end):
            shape = piece.lastindex
            if shape == 2 or shape == 3:     # <u>text</u>: one segment
                name, part, blank = piece.group(1, 2, 3)
                inside = _WITH.get((frozen, name))
                if inside is None:
                    inside = _WITH[frozen, name] = frozen | {name}
                if pre or part.isspace():
                    outside, frozen = frozen, inside
                    run(part, piece.start(2))
                    frozen = outside
                    if pre and blank and "\n" in blank:
                        flush()
                else:
                    current.append(Text(part, inside, piece.start(2), part))
                    content = True
                continue
            if shape == 4:                   # text
                part = piece.group(4)
                if pre or "<" in part or "\n" in part or "&" in part or (
                        "\xa0" in part or part.isspace()):
                    run(part, piece.start())
                else:
                    current.append(Text(part, frozen, piece.start(), part))
                    content = True
                continue
            closing, name, blank = piece.group(5, 6, 8)
            if pre and blank and "\n" in blank:
                flush()          # a line break between two tags in PRE
            name = name.lower()
            if closing:
                if name in styles:
                    del styles[len(styles) - 1 - styles[::-1].index(name)]
            else:
                styles.append(name)
            frozen = frozenset(styles)

    for m in _TOKEN.finditer(text):
        start = m.start()
        if start < skip_until:
            continue
        found = m.lastindex
        if found == 1:                   # bare lines, each with its end: </p><p>
            bare = m.group(1)
            parts = _PLAIN_END.split(bare)
            chunks = parts[0:-1:2]       # (the last part is "", after the last end)
            starts = list(accumulate(map(len, parts), initial=start))[0:-2:2]
            done = 0
            if not current and not pre and not frozen:   # the usual case: nothing open
                done = bare_lines(chunks, starts, "<" in bare)
            for chunk, at in zip(chunks[done:], starts[done:], strict=True):
                if not current and not pre and "<" not in chunk and not chunk.isspace():
                    lines.append(Line(chunk, at, None, _FIRST, False, chunk) if not frozen
                                 else Line(chunk, at, [Text(chunk, frozen, at, chunk)]))
                    continue
                if "<" in chunk:
                    if pre or not bare_styles(chunk, at):
                        styled(at, at + len(chunk) + 1)
                else:
                    run(chunk, at)
                if content:
                    flush()
                elif current:
                    current = []
            continue
        if found == 2 or found == 3:     # text, perhaps with the line end after it
            chunk = m.group(2)
            if "<" not in chunk:
                if found == 3 and not current and not pre and not (
                        "\n" in chunk or "&" in chunk or "\xa0" in chunk or chunk.isspace()):
                    # a whole line of plain text, and its end
                    lines.append(Line(chunk, start, None, _FIRST, False, chunk)
                                 if not frozen else
                                 Line(chunk, start, [Text(chunk, frozen, start, chunk)]))
                    continue
                run(chunk, start)
            elif not _HAS_STYLE.search(chunk):
                run(chunk, start)        # Word's spans, no style
            elif pre or not bare_styles(chunk, start):
                styled(start, m.end(2) + 1)
            if found == 2:
                continue
        if found == 3 or found == 4:     # </p><p …>, <br>: the line ends
            if content:
                flush()
            elif current:
                current = []
            continue
        if found is None:                # a comment or a lone "<"
            if m.group() == "<":
                current.append(Text("<", frozen, start, "<"))
                content = True
            continue                     # comments (VML), conditionals, doctype: deleted
        closing, tag, attributes, blank = m.group(5, 6, 7, 8)
        if pre and blank and "\n" in blank:
            flush()                      # a line break between two tags in PRE
        kind = kinds.get(tag)            # by the name as written: no lower() a token
        if kind is None:
            kind = kinds[tag] = _kind(tag.lower())
        what, breaks = kind
        name = tag.lower() if what != QUIET or breaks else tag
        if breaks:
            flush()
            if name == "pre":
                pre = pre - 1 if closing and pre else pre + (not closing)
        if what == QUIET:
            continue
        if what == STYLE:
            if closing:
                if name in styles:
                    del styles[len(styles) - 1 - styles[::-1].index(name)]
            else:
                styles.append(name)
            frozen = frozenset(styles)
        elif closing:
            continue
        elif what == IMG:
            src = _attributes(attributes).get("src", "")
            current.append(Image(html.unescape(src), start))
            content = True
        elif what == SKIP:
            end = re.compile(rf"</{name}\s*>", re.I).search(text, m.end())
            skip_until = end.end() if end else len(text)
        elif what == LINK:
            if "href" in _attributes(attributes):
                end = re.compile(r"</a\s*>", re.I).search(text, m.end())
                skip_until = end.end() if end else len(text)
                report("a", start, "リンクの文字列は削除されます。",
                       "The link's text is deleted.", False)
        else:
            lossy = name in _LOSSY
            table = name in ("table", "tr", "td")
            report(name, start,
                   "表は【表１】として画像で記載してください。" if table
                   else ("内容は変換されません。" if lossy else "文字列は残し、書式は削除します。"),
                   "Put tables in as images under 【表１】." if table
                   else ("Its content cannot be converted." if lossy
                         else "Its text is kept, its formatting dropped."), lossy)
    flush()
    return lines, findings


def _attributes(raw: str) -> dict[str, str]:
    out = {}
    for name, value in _ATTR.findall(raw):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        out[name.lower()] = value
    return out


def _visible(raw: str) -> str:
    """The text a piece of source shows: meaningless tags dropped, Word's line breaks
    joined, entities read, no-break spaces as spaces."""
    text = raw
    if "<" in text:                      # only meaningless tags are left in a text token
        text = _ANY_TAG.sub("", text)
    if "\n" in text:
        text = _joined(text)
    if "&" in text:
        text = html.unescape(text)
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    return text


def _joined(text: str) -> str:
    """A line break Word wrote inside a paragraph, with the blanks around it: a space
    between two ASCII characters (English words), nothing between Japanese ones."""
    parts = text.split("\n")
    out = parts[0]
    for part in parts[1:]:
        out, part = out.rstrip(" \t\r"), part.lstrip(" \t")
        if out and part and out[-1] < "\x80" and part[0] < "\x80":
            out += " " + part
        else:
            out += part
    return out


def _text(raw: str, start: int, styles: frozenset[str]) -> Text:
    return Text(_visible(raw), styles, start, raw)


def _pre_text(raw: str, start: int, styles: frozenset[str]) -> list[Text | None]:
    """Text inside PRE, where each line break of the source is a line break (None)."""
    out: list[Text | None] = []
    at = 0
    parts = raw.split("\n")
    for n, part in enumerate(parts):
        if part.strip():
            body = part.rstrip("\r")
            out.append(Text(html.unescape(body).replace("\xa0", " "), styles, start + at,
                            body))
        at += len(part) + 1
        if n < len(parts) - 1:
            out.append(None)
    return out


_RAW_PIECE = re.compile(r"<[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);|.", re.S)


def _raw_index(raw: str, index: int) -> int:
    """The index in `raw` of the character at `index` of the text it shows (only for a
    finding's position: it reads the source again piece by piece)."""
    for m in _RAW_PIECE.finditer(raw):
        if not m.group().startswith("<") and len(_visible(raw[:m.end()])) > index:
            return m.start()
    return len(raw)
