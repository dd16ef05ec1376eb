"""Reading the HTML: what each tag means under the JPO's HTML rules, Word's habits
(wrapped lines, `&nbsp;`, VML fallbacks, spans), encodings, and positions that point at
the source as written."""

from __future__ import annotations

import pytest

from tokkyo.efiling.errors import UnreadableHtml
from tokkyo.efiling.html_reader import Image, Text, decode, read_html


def lines(html: str, encoding: str = "utf-8") -> list[str]:
    return [line.text for line in read_html(html.encode(encoding)).lines]


def test_the_tags_that_carry_meaning():
    read = read_html(b"<p>a<u>b<sup>c</sup></u><sub>d</sub>e<br>f</p><p><img src=x.gif></p>")
    first, second, third = read.lines
    assert [(s.text, sorted(s.styles)) for s in first.segments if isinstance(s, Text)] == [
        ("a", []), ("b", ["u"]), ("c", ["sup", "u"]), ("d", ["sub"]), ("e", [])]
    assert second.text == "f"
    assert isinstance(third.segments[0], Image) and third.segments[0].src == "x.gif"
    assert read.findings == []


def test_title_comments_style_and_word_structure_are_deleted_silently():
    html = ("<html><head><title>【秘】</title><style>p {color: red}</style></head><body>"
            "<!-- 【メモ】 --><div class=WordSection1><p class=MsoNormal><span lang=EN-US>"
            "本文<o:p></o:p></span></p></div></body></html>")
    read = read_html(html.encode())
    assert [line.text for line in read.lines] == ["本文"] and read.findings == []


def test_a_link_loses_its_text_and_says_so():
    read = read_html('<p>前<a href="http://x">リンク</a>後</p>'.encode())
    assert [line.text for line in read.lines] == ["前後"]
    [f] = read.findings
    assert (f.code, f.severity.value, f.position.column, f.message_en) == (
        "unsupported-tag", "warning", 5,
        "The tag <A> is not allowed in e-filing HTML. The link's text is deleted.")


def test_other_tags_keep_their_text_and_tables_are_errors():
    read = read_html("<p><b>太字</b></p>\n<table><tr><td>表</td></tr></table>".encode())
    assert [line.text for line in read.lines] == ["太字", "表"]
    assert [(f.code, f.text, f.severity.value, f.position.line) for f in read.findings] == [
        ("unsupported-tag", "<b>", "warning", 1), ("unsupported-tag", "<table>", "error", 2),
        ("unsupported-tag", "<tr>", "error", 2), ("unsupported-tag", "<td>", "error", 2)]
    assert read.findings[1].message_en.endswith("Put tables in as images under 【表１】.")


def test_pre_keeps_its_line_breaks():
    assert lines("<pre>一行目\n二行目\n\n<u>三</u>行目</pre><p>後</p>") == [
        "一行目", "二行目", "三行目", "後"]


def test_words_wrapped_by_word():
    """Word breaks long source lines: between Japanese characters the break is nothing,
    between English words a space; `&nbsp;` is a space, full-width spaces are kept."""
    assert lines("<p class=MsoNormal><span>\u3000日本語の\n文章 and English\nwords&nbsp;here"
                 "</span></p>") == ["\u3000日本語の文章 and English words here"]


def test_vml_and_its_fallback_image():
    html = ('<p><!--[if gte vml 1]><v:shape><v:imagedata src="a.png"/></v:shape>'
            '<![endif]--><![if !vml]><img width=10 height=10 src="a.gif" v:shapes="s">'
            "<![endif]></p>")
    [line] = read_html(html.encode()).lines
    assert [s.src for s in line.images()] == ["a.gif"]


def test_positions_point_at_the_source_through_entities_and_spans():
    html = '<p><span style="x">&nbsp;&amp;A&#x2460;</span></p>'
    read = read_html(html.encode())
    [line] = read.lines
    assert line.text == " &A①"
    at = line.offset(3)
    assert html[at:at + 8] == "&#x2460;"
    assert read.source.where(at) == (1, 32)


@pytest.mark.parametrize(("data", "encoding"), [
    ('<meta charset="shift_jis"><p>電池</p>'.encode("cp932"), "cp932"),
    ('<meta http-equiv=Content-Type content="text/html; charset=windows-31j"><p>①</p>'
     .encode("cp932"), "cp932"),
    ("<p>電池</p>".encode(), "utf-8"),
    ("<p>電池</p>".encode("cp932"), "cp932"),                  # no charset: not UTF-8
    (b"\xef\xbb\xbf<p>\xe9\x9b\xbb</p>", "utf-8"),
])
def test_encodings(data, encoding):
    assert decode(data)[1] == encoding


def test_not_an_application():
    with pytest.raises(UnreadableHtml, match="neither HTML nor an application"):
        read_html(b"just some text")
    with pytest.raises(UnreadableHtml,
                       match=r"not valid Shift_JIS \(cp932\): byte 29 \(0x81\)"):
        read_html(b'<meta charset="shift_jis"><p>\x81\xff</p>')


@pytest.mark.parametrize("line", [
    "a<u>b</u>c", "<u>a</u> <u>b</u>", "<sub>2</sub>x<sup>3</sup>", "a<u>b<sup>c</sup></u>d",
    "a<u>b", "x>y<u>z</u>", "<u>\u3000</u>a", "a<u></u>b", "\u3000", "a>b"])
def test_the_templates_bare_lines_read_as_any_other_line(line):
    """A run of the template's lines (text and bare U/SUB/SUP, each ending `</p><p>`) is
    read in bulk, a line's segments made only when asked for: the same lines, segments,
    offsets and XML as the same line read alone (ending `<br>`, which the bulk path does
    not take)."""
    from tokkyo.efiling.xml_writer import ImageNames, line_xml

    def read(end: str) -> list[tuple[object, ...]]:
        html = f"<p>前</p>\n<p>{line}{end}\n<p>後</p>\n<p>x</p>"
        return [(ln.text, ln.start, [(s.text, sorted(s.styles), s.start, s.raw)
                                     for s in ln.segments if isinstance(s, Text)],
                 [ln.offset(i) for i in range(len(ln.text))], line_xml(ln, ImageNames()))
                for ln in read_html(html.encode()).lines]

    bulk, alone = read("</p>"), read("<br>")
    assert bulk == alone
    assert bulk[0][0] == "前" and bulk[-1][0] == "x"
