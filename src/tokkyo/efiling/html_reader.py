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
from collections.abc import Callable
from dataclasses import dataclass, field

from tokkyo.efiling.errors import UnreadableHtml
from tokkyo.efiling.findings import Finding, Position, Severity, finding

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"                              # comments, Word's VML conditionals
    r"|<!\[[^\]]*\]>"                                  # <![if !vml]> <![endif]>
    r"|<![^>]*>|<\?.*?\?>"                             # doctype, processing instructions
    r"|<(/?)([A-Za-z][\w:.-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"  # a tag
    r"|[^<]+|<", re.S)
_ATTR = re.compile(r"([\w:.-]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_NEWLINE = re.compile(r"[ \t]*\r?\n[ \t]*")
#: Tags whose content is not text of the application: skipped to their end tag.
_SKIPPED = {"title", "style", "script", "xml", "head_title", "noscript", "template"}
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


@dataclass(slots=True)
class Line:
    """One line of the application as the JPO reads it: a paragraph, or a part of one
    between line breaks."""

    segments: list[Segment]
    text: str = ""                            # the plain text, images left out
    _starts: list[int] = field(default_factory=list)   # text index where each segment starts

    def finish(self) -> None:
        parts, starts, at = [], [], 0
        for s in self.segments:
            starts.append(at)
            if isinstance(s, Text):
                parts.append(s.text)
                at += len(s.text)
        self.text, self._starts = "".join(parts), starts

    @property
    def start(self) -> int:
        return self.segments[0].start

    def offset(self, index: int) -> int:
        """The input offset of character `index` of the line's text."""
        i = max(bisect_right(self._starts, index) - 1, 0)
        while i < len(self.segments) and not isinstance(self.segments[i], Text):
            i += 1
        if i >= len(self.segments):
            return self.segments[-1].start
        segment = self.segments[i]
        assert isinstance(segment, Text)
        return segment.offset(index - self._starts[i])

    def images(self) -> list[Image]:
        return [s for s in self.segments if isinstance(s, Image)]


@dataclass(slots=True)
class Source:
    """The decoded input, with what turns an offset into a line and column."""

    text: str
    encoding: str
    _lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column), both from 1."""
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


def _scan(source: Source) -> tuple[list[Line], list[Finding]]:
    text = source.text
    lines: list[Line] = []
    findings: list[Finding] = []
    current: list[Segment] = []
    styles: list[str] = []
    frozen = frozenset[str]()
    pre = 0
    skip_until = 0

    def flush() -> None:
        nonlocal current
        if current and (any(isinstance(s, Image) for s in current)
                        or any(s.text.strip(" \u3000") for s in current
                               if isinstance(s, Text))):
            line = Line(current)
            line.finish()
            lines.append(line)
        current = []

    def report(tag: str, at: int, effect_ja: str, effect_en: str, lossy: bool) -> None:
        line, column = source.where(at)
        findings.append(finding(
            "unsupported-tag", Position(line, column), f"<{tag}>", tag=tag.upper(),
            effect=effect_ja, effect_en=effect_en,
            severity=Severity.ERROR if lossy else None))

    for m in _TOKEN.finditer(text):
        start = m.start()
        if start < skip_until:
            continue
        tag = m.group(2)
        if tag is None:
            chunk = m.group(0)
            if chunk.startswith("<!") or chunk.startswith("<?"):
                continue                 # comments (VML), conditionals, doctype: deleted
            if chunk == "<":
                current.append(Text("<", frozen, start, "<"))
                continue
            if pre:
                _pre_text(chunk, start, frozen, current, flush)
            elif chunk.strip():
                current.append(_text(chunk, start, frozen))
            continue
        name = tag.lower()
        closing = m.group(1) == "/"
        if name in _SKIPPED and not closing:
            end = re.compile(rf"</{name}\s*>", re.I).search(text, m.end())
            skip_until = end.end() if end else len(text)
            continue
        if name in _BREAKS:
            flush()
            if name == "pre":
                pre = pre - 1 if closing and pre else pre + (not closing)
        if name in _STYLES:
            if closing:
                if name in styles:
                    styles.reverse()
                    styles.remove(name)
                    styles.reverse()
            else:
                styles.append(name)
            frozen = frozenset(styles)
        elif name == "img" and not closing:
            src = _attributes(m.group(3)).get("src", "")
            current.append(Image(html.unescape(src), start))
        elif name == "a" and not closing:
            attrs = _attributes(m.group(3))
            if "href" in attrs:
                end = re.compile(r"</a\s*>", re.I).search(text, m.end())
                skip_until = end.end() if end else len(text)
                report("a", start, "リンクの文字列は削除されます。",
                       "The link's text is deleted.", False)
        elif not closing and name not in _QUIET and ":" not in name and name != "a":
            lossy = name in _LOSSY
            report(name, start,
                   "表は【表１】として画像で記載してください。" if name in ("table", "tr", "td")
                   else ("内容は変換されません。" if lossy else "文字列は残し、書式は削除します。"),
                   "Put tables in as images under 【表１】." if name in ("table", "tr", "td")
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


def _text(raw: str, start: int, styles: frozenset[str]) -> Text:
    text = raw
    if "\n" in text:
        text = _NEWLINE.sub(_join, text)
    if "&" in text:
        text = html.unescape(text)
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    return Text(text, styles, start, raw)


def _pre_text(raw: str, start: int, styles: frozenset[str], current: list[Segment],
              flush: Callable[[], None]) -> None:
    """Text inside PRE: each line break of the source is a line break."""
    at = 0
    for part in raw.split("\n"):
        if part.strip():
            body = part.rstrip("\r")
            current.append(Text(html.unescape(body).replace("\xa0", " "), styles,
                                start + at, body))
        at += len(part) + 1
        if at <= len(raw):
            flush()


def _join(m: re.Match[str]) -> str:
    """A line break Word wrote inside a paragraph: a space between two ASCII words,
    nothing between Japanese characters."""
    s, i, j = m.string, m.start(), m.end()
    before = s[i - 1] if i else ""
    after = s[j] if j < len(s) else ""
    return " " if before.isascii() and after.isascii() and before and after else ""


_RAW_PIECE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);|[ \t]*\r?\n[ \t]*|.", re.S)


def _raw_index(raw: str, index: int) -> int:
    """The index in `raw` of the character at `index` of its decoded text."""
    produced = 0
    for m in _RAW_PIECE.finditer(raw):
        piece = m.group(0)
        if "\n" in piece:
            size = len(_NEWLINE.sub(_join, raw[max(m.start() - 1, 0):m.end() + 1])) - (
                1 if m.start() else 0) - (1 if m.end() < len(raw) else 0)
        elif piece.startswith("&") and len(piece) > 1:
            size = len(html.unescape(piece))
        else:
            size = 1
        if produced + size > index:
            return m.start()
        produced += size
    return len(raw)
