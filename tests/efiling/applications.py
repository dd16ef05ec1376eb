"""Hand-built applications for the e-filing tests (no real application HTML is public):
the lines of a clean patent application, each defect a change to one line, and the two
ways an applicant's HTML arrives: as Word saves it ("Web page": MsoNormal paragraphs,
`&nbsp;`, VML drawings with an IMG fallback, long paragraphs wrapped, cp932 or UTF-8)
and in the JPO template's plain form (`<p>` a line).

Lines may hold inline HTML (`<u>`, `<sup>`, `<img src=…>`); everything else is text."""

from __future__ import annotations

import html
import io
import re

from PIL import Image

#: A clean application: request, description, claims, abstract and drawings.
CLEAN: list[str] = [
    "【書類名】特許願",
    "【整理番号】P2026-001",
    "【提出日】令和８年１２月６日",
    "【あて先】特許庁長官殿",
    "【国際特許分類】H01M 10/00",
    "【発明者】",
    "【住所又は居所】東京都千代田区霞が関三丁目４番３号",
    "【氏名】特許　太郎",
    "【特許出願人】",
    "【識別番号】000000001",
    "【氏名又は名称】トッキョ電池株式会社",
    "【代理人】",
    "【識別番号】100000001",
    "【弁理士】",
    "【氏名又は名称】弁理　花子",
    "【電話番号】03-0000-0000",
    "【手数料の表示】",
    "【予納台帳番号】123456",
    "【納付金額】14000",
    "【提出物件の目録】",
    "【物件名】明細書　１",
    "【物件名】特許請求の範囲　１",
    "【物件名】要約書　１",
    "【物件名】図面　１",
    "【書類名】明細書",
    "【発明の名称】二次電池の電極",
    "【技術分野】",
    "【０００１】",
    "　本発明は、リチウムイオン二次電池の電極に関する。",
    "【背景技術】",
    "【０００２】",
    "　従来、電極の厚さは５０μｍ程度であった（特許文献１参照）。",
    "【先行技術文献】",
    "【特許文献】",
    "【０００３】",
    "【特許文献１】特開２０２０－１２３４５６号公報",
    "【発明の概要】",
    "【発明が解決しようとする課題】",
    "【０００４】",
    "　本発明は、容量の大きい電極を提供することを課題とする。",
    "【課題を解決するための手段】",
    "【０００５】",
    "　電極は、集電体と、Ｌｉ<sub>２</sub>ＣＯ<sub>３</sub>を含む活物質層と、を備える。",
    "　活物質層の厚さは１０<sup>２</sup>μｍ以上である。",
    "【発明の効果】",
    "【０００６】",
    "　本発明によれば、<u>電池の容量が大きくなる</u>。",
    "【図面の簡単な説明】",
    "【０００７】",
    "【図１】電極の断面図である。",
    "【発明を実施するための形態】",
    "【０００８】",
    "　以下、図１を参照して実施の形態を説明する。電極１０は集電体１１と活物質層１２とを"
    "備える。English words wrap at spaces in Word's HTML, which must keep them apart.",
    "【符号の説明】",
    "【０００９】",
    "１０　電極",
    "【書類名】特許請求の範囲",
    "【請求項１】",
    "　集電体と、活物質層と、を備える電極。",
    "【請求項２】",
    "　活物質層の厚さが１００μｍ以上である請求項１に記載の電極。",
    "【請求項３】",
    "　活物質層がＬｉを含む請求項１又は２に記載の電極。",
    "【請求項４】",
    "　請求項１に記載の電極を備える二次電池。",
    "【書類名】要約書",
    "【要約】",
    "【課題】容量の大きい電極を提供する。",
    "【解決手段】集電体と活物質層とを備える電極。",
    "【選択図】図１",
    "【書類名】図面",
    "【図１】",
    '<img src="fig1.gif">',
]


def replace(lines: list[str], old: str, new: str | list[str]) -> list[str]:
    """The lines with the one line `old` replaced (by several, or none for [])."""
    assert lines.count(old) == 1, old
    i = lines.index(old)
    return [*lines[:i], *([new] if isinstance(new, str) else new), *lines[i + 1:]]


def template_html(lines: list[str], encoding: str = "utf-8") -> bytes:
    """The JPO template's plain form: one `<p>` a line."""
    charset = "Shift_JIS" if encoding == "cp932" else "UTF-8"
    body = "\n".join(f"<p>{line}</p>" for line in lines)
    page = (f'<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            f'charset={charset}">\n<title>出願</title>\n</head>\n<body>\n{body}\n'
            "</body>\n</html>\n")
    return page.encode(encoding)


_IMG = re.compile(r'<img src="([^"]+)">')


def word_html(lines: list[str], encoding: str = "cp932") -> bytes:
    """As Word saves a document as a web page: MsoNormal paragraphs in spans, a blank
    line as `&nbsp;`, leading spaces as `&nbsp;`, images as VML with an IMG fallback,
    and the source wrapped at about 60 characters (a line break Word inserts, which is
    not part of the text)."""
    charset = "shift_jis" if encoding == "cp932" else "utf-8"
    out = [
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:w="urn:schemas-microsoft-com:office:word" '
        'xmlns="http://www.w3.org/TR/REC-html40">',
        "<head>",
        f'<meta http-equiv=Content-Type content="text/html; charset={charset}">',
        '<meta name=Generator content="Microsoft Word 15 (filtered)">',
        "<title>特許出願</title>",
        "<!--[if gte mso 9]><xml>",
        " <o:DocumentProperties>",
        "  <o:Author>弁理　花子</o:Author>",
        " </o:DocumentProperties>",
        "</xml><![endif]-->",
        "<style>",
        "<!--",
        " p.MsoNormal, li.MsoNormal, div.MsoNormal",
        "\t{margin:0mm;",
        "\tfont-size:10.5pt;",
        '\tfont-family:"ＭＳ 明朝";}',
        "-->",
        "</style>",
        "</head>",
        "<body lang=JA style='text-justify-trim:punctuation'>",
        "<div class=WordSection1>",
    ]
    for n, line in enumerate(lines):
        m = _IMG.fullmatch(line)
        if m:
            src = m.group(1)
            out.append(
                "<p class=MsoNormal><span lang=EN-US><!--[if gte vml 1]><v:shape id=\"_x0000_i"
                f"10{n:02d}\" type=\"#_x0000_t75\" style='width:100pt;height:80pt'>\n"
                f" <v:imagedata src=\"{src.replace('.gif', '.png')}\" o:title=\"\"/>\n"
                "</v:shape><![endif]--><![if !vml]><img width=133 height=106\n"
                f'src="{src}" v:shapes="_x0000_i10{n:02d}"><![endif]></span></p>')
            continue
        text = line.replace("　", "\u3000")
        lead = len(text) - len(text.lstrip(" "))
        text = "&nbsp;" * lead + text[lead:]
        out.append(f"<p class=MsoNormal><span style='font-family:\"ＭＳ 明朝\"'>"
                   f"{_wrap(text)}</span></p>")
        if n % 7 == 3:
            out.append("<p class=MsoNormal><o:p>&nbsp;</o:p></p>")
    out += ["</div>", "</body>", "</html>"]
    # what the encoding cannot hold, Word writes as a character reference
    return "\n".join(out).encode(encoding, "xmlcharrefreplace")


def _wrap(text: str) -> str:
    """Word breaks long source lines at a space (English) or anywhere between Japanese
    characters, never inside a tag or an entity."""
    if len(text) <= 60 or "<" in text or "&" in text[40:]:
        return text
    out, line = [], ""
    for word in re.findall(r"[ -~]+|[^ -~]", text):
        if len(line) + len(word) > 60 and line:
            out.append(line)
            line = word.lstrip(" ") if word.startswith(" ") else word
        else:
            line += word
    out.append(line)
    return "\n".join(out)


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def image(kind: str = "gif", mode: str = "1", size: tuple[int, int] = (400, 300),
          dpi: int | None = 300, frames: int = 1, jfif: bool = True) -> bytes:
    """An image made here with Pillow: a black rectangle outline on white."""
    im = Image.new("L", size, 255)
    for x in range(size[0]):
        im.putpixel((x, 0), 0)
        im.putpixel((x, size[1] - 1), 0)
    if mode != "1" and kind != "jpeg":
        im.putpixel((1, 1), 128)
    picture = im.convert(mode)
    out = io.BytesIO()
    options: dict[str, object] = {}
    if dpi is not None:
        options["dpi"] = (dpi, dpi)
    if frames > 1:
        extra = [picture.copy() for _ in range(frames - 1)]
        extra[0].putpixel((5, 5), 0)
        options.update(save_all=True, append_images=extra, duration=100, loop=0)
    picture.save(out, {"gif": "GIF", "png": "PNG", "bmp": "BMP", "jpeg": "JPEG",
                       "tiff": "TIFF", "webp": "WEBP"}[kind], **options)
    data = out.getvalue()
    if kind == "jpeg" and not jfif:          # without its APP0 (JFIF) segment
        assert data[2:4] == b"\xff\xe0"
        data = data[:2] + data[4 + int.from_bytes(data[4:6], "big"):]
    return data


def images() -> dict[str, bytes]:
    """The clean application's image."""
    return {"fig1.gif": image("gif")}


def position(data: bytes, needle: str, encoding: str = "utf-8", nth: int = 0
             ) -> tuple[int, int]:
    """(line, column) of the `nth` occurrence of `needle` in the HTML, both from 1: where
    a finding about it must point."""
    text = data.decode(encoding)
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1
